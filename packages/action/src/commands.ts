/**
 * Every command of the `command` input, one interface: prepare (validate every input and plan, reading
 * only), then run (create the ports it needs and run the engine). main.ts runs each one the same way:
 * reporter, signals, outputs, job summary, one failure handler. The fast path's input checks are the other
 * table, in command-input.ts; both are keyed by `CommandName`, so a command cannot be in one and not the other.
 */
import {
  blankToUndefined,
  createPorts,
  createRolloutPorts,
  execute,
  type Ports,
  type PrepareContext,
  parseReleaseOptions,
  planResume,
  prepareDeploy,
  preparePromote,
  prepareRollback,
  prepareRollout,
  promote,
  type Reporter,
  type RolloutInputs,
  resume,
  rollback,
  rollout,
  rolloutOutputs,
  toOutputs,
} from '@shared-hosting/core';
import type { ReleaseLive } from '@shared-hosting/core/adapter';
import {
  ACTION_NAMES,
  type CommandName,
  operationInputs,
  parseDryRun,
  parseTrigger,
} from './command-input.js';
import {
  ACTION_ADAPTER_NAMES,
  ACTION_INPUT_NAMES,
  ACTION_ROLLOUT_NAMES,
  type ActionInputs,
  type GetInput,
  GITHUB_TOKEN_INPUT,
  TRIGGER_INPUT,
} from './inputs.js';
import type { ActionResult } from './summary.js';

/** What a command runs with: the inputs, the environment, the reporter and what the post step needs. */
export interface Session {
  given: ActionInputs;
  env: NodeJS.ProcessEnv;
  reporter: Reporter;
  signal: AbortSignal;
  /** Each GitHub App token as it is minted (saved for the post step). */
  onGitHubToken(token: string): void;
  /** Where a release is: its lock, saved for the post step while it is held. */
  live: ReleaseLive;
}

/** A command validated and planned, nothing changed yet. */
interface PreparedCommand {
  /** The infra repository whose run the post step cancels if the job stops while it waits (releases). */
  cancels: { owner: string; repo: string } | undefined;
  /** Create the ports and run; a failure of the operation is in the result, not thrown. */
  run(session: Session): Promise<ActionResult>;
}

type Prepare = (given: ActionInputs, context: PrepareContext, get: GetInput) => Promise<PreparedCommand>;

/** The ports of a release (AWS, GitHub, the builder for deploy); closed after the run, whatever happened. */
async function withReleasePorts(
  session: Session,
  builder: Parameters<typeof createPorts>[0]['builder'],
  work: (
    ports: Ports,
    options: { signal: AbortSignal; tokenInput: string; live: ReleaseLive },
  ) => Promise<ActionResult>,
): Promise<ActionResult> {
  const { given, env, reporter, signal, live } = session;
  const ports = await createPorts({
    builder,
    githubToken: given.githubToken,
    githubAppId: given.githubAppId,
    githubAppPrivateKey: given.githubAppPrivateKey,
    onGitHubToken: session.onGitHubToken,
    env,
    reporter,
    names: ACTION_ADAPTER_NAMES,
  });
  try {
    return await work(ports, { signal, tokenInput: GITHUB_TOKEN_INPUT, live });
  } finally {
    await ports.close();
  }
}

/** The rollout's inputs: application, environment and timeout as read for every command, and its own. */
function rolloutInputs(given: ActionInputs, get: GetInput): RolloutInputs {
  const own = (name: string) => blankToUndefined(get(name));
  return {
    application: given.inputs.application,
    environment: given.inputs.environment,
    timeout: given.inputs.timeout,
    spec: own(ACTION_ROLLOUT_NAMES.spec),
    cluster: own(ACTION_ROLLOUT_NAMES.cluster),
    service: own(ACTION_ROLLOUT_NAMES.service),
    container: own(ACTION_ROLLOUT_NAMES.container),
    waitUntil: own(ACTION_ROLLOUT_NAMES.waitUntil),
    dryRun: given.dryRun,
  };
}

/** continue / abort: the App spec names cluster and service; answer the deployment in flight. */
const resumeCommand =
  (action: 'continue' | 'abort'): Prepare =>
  async (given, context, get) => {
    const { spec, cluster, service, application, environment } = rolloutInputs(given, get);
    const target = { application, environment, spec, cluster, service };
    const plan = await prepareRollout(target, ACTION_ROLLOUT_NAMES, context.cwd);
    return {
      cancels: undefined,
      run: async ({ env, reporter, signal }) => {
        const ports = await createRolloutPorts({ env, reporter, names: ACTION_ADAPTER_NAMES });
        const result = await resume(planResume(plan, action), ports, { signal });
        return { command: action, result };
      },
    };
  };

export const COMMANDS: Record<CommandName, Prepare> = {
  deploy: async (given, context) => {
    const plan = await prepareDeploy(given.inputs, ACTION_INPUT_NAMES, context);
    const release = parseReleaseOptions({ ...given.operation }, ACTION_NAMES);
    const dryRun = parseDryRun(given);
    // false: only set the version (no token needed, no run triggered: "version set, not deployed").
    const trigger = parseTrigger(given);
    const noTriggerInput = `${TRIGGER_INPUT}: false`;
    return {
      cancels: plan.wait.cancelOnInterrupt && trigger ? plan.workflow : undefined,
      run: (session) =>
        withReleasePorts(session, plan.build.builder, async (ports, options) => ({
          command: 'deploy',
          result: await execute(plan, ports, { ...release, ...options, dryRun, trigger, noTriggerInput }),
        })),
    };
  },
  rollback: async (given, context) => {
    const plan = await prepareRollback(operationInputs(given), ACTION_NAMES, context);
    const dryRun = parseDryRun(given);
    return {
      cancels: plan.wait.cancelOnInterrupt ? plan.target.workflow : undefined,
      run: (session) =>
        withReleasePorts(session, 'auto', async (ports, options) => ({
          command: 'rollback',
          result: await rollback(plan, ports, { ...options, dryRun }),
        })),
    };
  },
  promote: async (given, context) => {
    const plan = await preparePromote(operationInputs(given), ACTION_NAMES, context);
    const dryRun = parseDryRun(given);
    return {
      cancels: plan.wait.cancelOnInterrupt ? plan.target.workflow : undefined,
      run: (session) =>
        withReleasePorts(session, 'auto', async (ports, options) => ({
          command: 'promote',
          result: await promote(plan, ports, { ...options, dryRun }),
        })),
    };
  },
  rollout: async (given, context, get) => {
    // App spec, inputs and plan: every problem is bad input, before any AWS call.
    const plan = await prepareRollout(rolloutInputs(given, get), ACTION_ROLLOUT_NAMES, context.cwd);
    return {
      cancels: undefined,
      run: async ({ env, reporter, signal }) => {
        const ports = await createRolloutPorts({ env, reporter, names: ACTION_ADAPTER_NAMES });
        return { command: 'rollout', result: await rollout(plan, ports, { signal }) };
      },
    };
  },
  continue: resumeCommand('continue'),
  abort: resumeCommand('abort'),
};

/** The outputs of a result: design.md's for the releases and the rollout; the deployment answered for continue/abort. */
export function outputsOf(r: ActionResult): Record<string, string> {
  switch (r.command) {
    case 'deploy':
    case 'rollback':
    case 'promote':
      return { ...toOutputs(r.result) };
    case 'rollout':
      return { ...rolloutOutputs(r.result) };
    default:
      return { 'service-deployment': r.result.serviceDeployment ?? '' };
  }
}
