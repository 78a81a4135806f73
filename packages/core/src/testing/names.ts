/**
 * Neutral input names for the core's tests: every input is called `<key>` after its key (`<application>`,
 * `<infraRepository>`), generated from the key lists below, so that a test shows that a message names the
 * input as the adapter passed it, whatever the adapter. The core names no adapter's input: the adapters own
 * their names (packages/cli/src/runtime/names.ts, packages/action/src/inputs.ts) and their tests check that
 * those reach the core's messages (core-messages.test.ts in each).
 */
import { InputErrors } from '../errors/errors.js';
import type { InputKey, InputNames, RolloutInputNames, RolloutInputs } from '../inputs/inputs.js';
import type { AdapterNames } from '../inputs/names.js';
import type { OperationInputNames } from '../plan/operations.js';

/**
 * Every key of a names type, once: `Record<K, true>` makes the compiler hold the list to the type (a key
 * added to `DeployInputs`, `RolloutInputs`, `AdapterNames` or the operations' inputs fails `tsc -b` here).
 */
type Keys<K extends string> = Record<K, true>;

const INPUT_KEYS: Keys<InputKey> = {
  application: true,
  environment: true,
  version: true,
  context: true,
  dockerfile: true,
  builder: true,
  repository: true,
  parameter: true,
  infraRepository: true,
  infraWorkflow: true,
  infraRef: true,
  wait: true,
  timeout: true,
  buildArgs: true,
  target: true,
  platform: true,
  cancelOnTimeout: true,
  cancelOnInterrupt: true,
  cache: true,
};

const OPERATION_KEYS: Keys<Exclude<keyof OperationInputNames, InputKey> | 'force'> = {
  environments: true,
  from: true,
  to: true,
  limit: true,
  waitForLock: true,
  rollbackOnFailure: true,
  redeployOnRollback: true,
  force: true,
};

const ROLLOUT_KEYS: Keys<keyof RolloutInputs> = {
  application: true,
  environment: true,
  spec: true,
  cluster: true,
  service: true,
  container: true,
  timeout: true,
  waitUntil: true,
  dryRun: true,
};

const ADAPTER_KEYS: Keys<keyof AdapterNames> = {
  region: true,
  profile: true,
  repository: true,
  parameter: true,
  version: true,
  builder: true,
  cluster: true,
  service: true,
  container: true,
  timeout: true,
  cancelOnTimeout: true,
  infraRepository: true,
  infraWorkflow: true,
  infraRef: true,
  debug: true,
};

/** `<key>` for every key of the list. */
function neutral<K extends string>(keys: Keys<K>): Record<K, string> {
  return Object.fromEntries(Object.keys(keys).map((key) => [key, `<${key}>`])) as Record<K, string>;
}

/** deploy's inputs (and the target's of every operation). */
export const INPUT_NAMES: InputNames = neutral(INPUT_KEYS);

/** rollback, promote, status, history and unlock: deploy's inputs and the operations' own (unlock's force). */
export const OPERATION_NAMES: OperationInputNames & { force: string } = {
  ...INPUT_NAMES,
  ...neutral(OPERATION_KEYS),
};

/** rollout, continue and abort. */
export const ROLLOUT_NAMES: RolloutInputNames = neutral(ROLLOUT_KEYS);

/** The settings the ports' and steps' fixes name, an adapter having a setting for each. */
export const ADAPTER_NAMES: AdapterNames = neutral(ADAPTER_KEYS);

/** The same, for an adapter with no region or profile setting (only AWS_REGION and AWS_PROFILE set them). */
export const ADAPTER_NAMES_WITHOUT_AWS: AdapterNames = {
  ...ADAPTER_NAMES,
  region: undefined,
  profile: undefined,
};

/**
 * The inputs named by the `InputErrors` that `parse` throws, in order: what an adapter's test compares with
 * its own names. Fails when `parse` returns or throws anything else.
 */
export function inputsNamed(parse: () => unknown): string[] {
  try {
    parse();
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => e.input);
    throw error;
  }
  throw new Error('expected InputErrors, and nothing was thrown');
}
