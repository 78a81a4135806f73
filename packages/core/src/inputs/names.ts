/**
 * How an adapter calls the inputs and settings that the messages of the ports and of the steps name in
 * their fixes ("pass the right name with --repository" in the CLI, "with repository" in the Action). The
 * core names no adapter's flag: each adapter passes its own names in, as it does for its inputs
 * (`InputNames`), and `pnpm rules` fails on a CLI flag written in a core message.
 */
export interface AdapterNames {
  /** The AWS region setting; undefined when the adapter has none (the Action: AWS_REGION only). */
  region: string | undefined;
  /** The AWS profile setting; undefined when the adapter has none (the Action: AWS_PROFILE only). */
  profile: string | undefined;
  repository: string;
  parameter: string;
  version: string;
  builder: string;
  /** The rollout's overrides of the App spec. */
  cluster: string;
  service: string;
  container: string;
  timeout: string;
  cancelOnTimeout: string;
  /** The infra repository, its workflow and ref (the GitHub side's fixes). */
  infraRepository: string;
  infraWorkflow: string;
  infraRef: string;
  /** How a user asks for debug output (the CLI's `--debug`, the Action's `ACTIONS_STEP_DEBUG=true`). */
  debug: string;
}

/** "X (or pass Y)" when the adapter has a setting Y for what the variable X also sets; else X alone. */
export function orPass(variable: string, setting: string | undefined): string {
  return setting === undefined ? variable : `${variable} (or pass ${setting})`;
}
