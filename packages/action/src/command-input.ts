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

/** Input names of the Action, for error messages (promote's target is `environment`). */
export const ACTION_NAMES = { ...ACTION_INPUT_NAMES, ...ACTION_OPERATION_NAMES };

/** continue and abort: the application and environment (the App spec is read by main.cjs). */
function resumeInputs(given: ActionInputs): void {
  const { application, environment } = given.inputs;
  checkRolloutInputs({ application, environment }, ACTION_ROLLOUT_NAMES);
}

/** One input check, without I/O: throws InputErrors naming each bad input. */
type Check = (given: ActionInputs, cwd: string) => unknown;

/**
 * Every command of the Action, in the order its error lists them, with its input checks (each one's errors
 * are collected, so that one run names every bad input). main.cjs checks again while planning, with the file
 * system and git. The releases (deploy, rollback, promote) check their dry-run input first; the rollout
 * checks its own with its inputs.
 */
const COMMAND_INPUTS = {
  deploy: [
    parseDryRun,
    (given, cwd) => {
      parseDeployInputs(given.inputs, ACTION_INPUT_NAMES, cwd);
      parseReleaseOptions(given.operation ?? {}, ACTION_NAMES);
      parseTrigger(given);
    },
  ],
  rollback: [
    parseDryRun,
    (given) => {
      planRollback(operationInputs(given), ACTION_NAMES);
      deployOnly(given, 'rollback');
    },
  ],
  promote: [
    parseDryRun,
    (given) => {
      planPromote(operationInputs(given), ACTION_NAMES);
      deployOnly(given, 'promote');
    },
  ],
  rollout: [
    (given) => {
      // The App spec is read (and checked) by main.cjs; here the inputs that need no file.
      const { application, environment, timeout } = given.inputs;
      checkRolloutInputs({ application, environment, timeout, dryRun: given.dryRun }, ACTION_ROLLOUT_NAMES);
    },
  ],
  continue: [resumeInputs],
  abort: [resumeInputs],
} satisfies Record<string, Check[]>;

/** A command of the Action (the `command` input): a key of COMMAND_INPUTS. */
export type CommandName = keyof typeof COMMAND_INPUTS;
const COMMANDS = Object.keys(COMMAND_INPUTS) as CommandName[];

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
  for (const check of COMMAND_INPUTS[command] as readonly Check[]) collect(() => check(given, cwd));
  if (errors.length > 0) throw new InputErrors(errors);
}
