/**
 * The commands of the Action's `command` input and how each one's inputs are checked: the fast path
 * (dist/index.js) runs these checks before loading anything else, so this file stays light. Each
 * command's runner, outputs and summary are its descriptor (commands/<name>.ts, loaded with main.cjs); both
 * tables are keyed by `CommandName`, so a new command cannot be added to one and forgotten in the other.
 */
import {
  checkRolloutInputs,
  DEFAULTS,
  InputError,
  InputErrors,
  type OperationInputs,
  parseDeployInputs,
  parseFlag,
  parseReleaseOptions,
  planPromote,
  planRollback,
} from '@shared-hosting/core';
import {
  ACTION_INPUT_NAMES,
  ACTION_OPERATION_NAMES,
  ACTION_ROLLOUT_NAMES,
  type ActionInputs,
  COMMAND_INPUT,
  DRY_RUN_INPUT,
  TRIGGER_INPUT,
} from './inputs.js';

/** The commands that change a deployment (they dispatch and follow the infra run). */
const RELEASE_COMMANDS = ['deploy', 'rollback', 'promote'] as const;
type ReleaseCommandName = (typeof RELEASE_COMMANDS)[number];
/** Every command: the releases, and the infra repository's rollout on ECS with its continue and abort. */
const COMMANDS = [...RELEASE_COMMANDS, 'rollout', 'continue', 'abort'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Input names of the Action, for error messages (promote's target is `environment`). */
export const ACTION_NAMES = { ...ACTION_INPUT_NAMES, ...ACTION_OPERATION_NAMES };

/** `deploy` when not given; an InputErrors naming the input otherwise. */
export function parseCommand(text: string | undefined): CommandName {
  const value = (text ?? 'deploy').toLowerCase();
  if ((COMMANDS as readonly string[]).includes(value)) return value as CommandName;
  throw new InputErrors([
    new InputError(
      COMMAND_INPUT,
      `${COMMAND_INPUT} "${text}" is not a command of this Action.`,
      `Use one of: ${COMMANDS.join(', ')} (default deploy).`,
    ),
  ]);
}

/** The inputs of rollback and promote: the shared ones (no build inputs) and their own. */
export function operationInputs(given: ActionInputs): OperationInputs {
  const {
    buildArgs: _b,
    context: _c,
    dockerfile: _d,
    builder: _r,
    target: _t,
    platform: _p,
    cache: _k,
    ...shared
  } = given.inputs;
  return { ...shared, ...given.operation };
}

/**
 * Each command's input check, without I/O: throws InputErrors naming each bad input. main.cjs checks
 * again while planning, with the file system and git.
 */
const COMMAND_INPUTS: Record<CommandName, (given: ActionInputs, cwd: string) => void> = {
  deploy: (given, cwd) => {
    parseDeployInputs(given.inputs, ACTION_INPUT_NAMES, cwd);
    parseReleaseOptions(given.operation ?? {}, ACTION_NAMES);
    parseTrigger(given);
  },
  rollback: (given) => {
    planRollback(operationInputs(given), ACTION_NAMES);
    deployOnly(given, 'rollback');
  },
  promote: (given) => {
    planPromote(operationInputs(given), ACTION_NAMES);
    deployOnly(given, 'promote');
  },
  rollout: (given) => {
    // The App spec is read (and checked) by main.cjs; here the inputs that need no file.
    const { application, environment, timeout } = given.inputs;
    checkRolloutInputs({ application, environment, timeout, dryRun: given.dryRun }, ACTION_ROLLOUT_NAMES);
  },
  continue: (given) => {
    const { application, environment } = given.inputs;
    checkRolloutInputs({ application, environment }, ACTION_ROLLOUT_NAMES);
  },
  abort: (given) => {
    const { application, environment } = given.inputs;
    checkRolloutInputs({ application, environment }, ACTION_ROLLOUT_NAMES);
  },
};

/** The dry-run input of a release (the rollout's is checked with its inputs); throws InputErrors naming it. */
export function parseDryRun(given: ActionInputs): boolean {
  const flag = parseFlag(given.dryRun, DEFAULTS.dryRun, DRY_RUN_INPUT);
  if ('error' in flag) throw new InputErrors([flag.error]);
  return flag.value;
}

/** deploy's trigger input (default true; false only sets the version); throws InputErrors naming it. */
export function parseTrigger(given: ActionInputs): boolean {
  const flag = parseFlag(given.trigger, DEFAULTS.trigger, TRIGGER_INPUT);
  if ('error' in flag) throw new InputErrors([flag.error]);
  return flag.value;
}

/** `trigger: false` is deploy's alone: a rollback or promote asked not to trigger would trigger all the same. */
function deployOnly(given: ActionInputs, command: string): void {
  if (parseTrigger(given)) return;
  throw new InputErrors([
    new InputError(
      TRIGGER_INPUT,
      `${TRIGGER_INPUT}: false applies to deploy only; ${command} always triggers the infra deployment.`,
      `Remove ${TRIGGER_INPUT} from this step, or use command: deploy to only set the version.`,
    ),
  ]);
}

/** Validate every input of the command asked for (the fast path): throws InputErrors naming each one. */
export function checkInputs(given: ActionInputs, cwd: string): void {
  const command = parseCommand(given.command);
  const errors: InputError[] = [];
  const collect = (check: () => unknown) => {
    try {
      check();
    } catch (error) {
      if (!(error instanceof InputErrors)) throw error;
      errors.push(...error.errors);
    }
  };
  if (RELEASE_COMMANDS.includes(command as ReleaseCommandName)) collect(() => parseDryRun(given));
  collect(() => COMMAND_INPUTS[command](given, cwd));
  if (errors.length > 0) throw new InputErrors(errors);
}
