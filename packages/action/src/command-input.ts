/**
 * The `command` input and the inputs of the day-2 commands: read and checked in the bundle's fast path,
 * so this file stays light (the engine's operations are in operations.ts, loaded with main.js).
 */
import {
  ACTION_INPUT_NAMES,
  ACTION_OPERATION_NAMES,
  ACTION_ROLLOUT_NAMES,
  blankToUndefined,
  checkRolloutInputs,
  InputError,
  InputErrors,
  type OperationInputs,
  parseDeployInputs,
  parseReleaseOptions,
  planPromote,
  planRollback,
} from '@shared-hosting/core';
import type { ActionInputs, GetInput } from './inputs.js';

export const COMMAND_INPUT = 'command';
export const COMMANDS = ['deploy', 'rollback', 'promote', 'rollout'] as const;
export type CommandName = (typeof COMMANDS)[number];

/** Input names of the Action, for error messages (promote's target is `environment`). */
export const ACTION_NAMES = { ...ACTION_INPUT_NAMES, ...ACTION_OPERATION_NAMES };

/** The inputs only the day-2 commands (and deploy's safety nets) read. */
export const OPERATION_INPUTS = {
  to: 'to',
  from: 'from-environment',
  waitForLock: 'wait-for-lock',
  rollbackOnFailure: 'rollback-on-failure',
  redeployOnRollback: 'redeploy-on-rollback',
} as const satisfies Partial<Record<keyof OperationInputs, string>>;

/** Read `command` and the operation inputs (empty means not given). */
export function readOperationInputs(get: GetInput): Pick<ActionInputs, 'command' | 'operation'> {
  const operation: OperationInputs = {};
  for (const [key, name] of Object.entries(OPERATION_INPUTS) as [keyof typeof OPERATION_INPUTS, string][]) {
    const value = blankToUndefined(get(name));
    if (value !== undefined) operation[key] = value;
  }
  return { command: blankToUndefined(get(COMMAND_INPUT)), operation };
}

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
    ...shared
  } = given.inputs;
  return { ...shared, ...given.operation };
}

/**
 * Validate every input of the command asked for, without I/O (the fast path): throws InputErrors naming
 * each bad input. main.js validates again while planning, with the file system and git.
 */
export function checkInputs(given: ActionInputs, cwd: string): void {
  const command = parseCommand(given.command);
  if (command === 'deploy') {
    parseDeployInputs(given.inputs, ACTION_INPUT_NAMES, cwd);
    parseReleaseOptions(given.operation ?? {}, ACTION_NAMES);
  } else if (command === 'rollout') {
    // The App spec is read (and checked) by main.js; here the inputs that need no file.
    const { application, environment, timeout } = given.inputs;
    checkRolloutInputs({ application, environment, timeout }, ACTION_ROLLOUT_NAMES);
  } else if (command === 'rollback') {
    planRollback(operationInputs(given), ACTION_NAMES, cwd);
  } else {
    planPromote(operationInputs(given), ACTION_NAMES, cwd);
  }
}
