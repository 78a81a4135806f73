/**
 * Every command of the `command` input, one descriptor each (commands/<name>.ts): prepare (validate every
 * input and plan, reading only), then run (create the ports it needs and run the engine); its outputs; its
 * part of the job summary. main.ts runs each one the same way: reporter, signals, outputs, job summary, one
 * failure handler. The fast path's input checks are in command-input.ts, which names the commands: this
 * table must hold every one of them (it is typed by `CommandName`).
 */
import type { CommandName } from './command-input.js';
import { deploy } from './commands/deploy.js';
import { promote } from './commands/promote.js';
import { resume } from './commands/resume.js';
import { rollback } from './commands/rollback.js';
import { rollout } from './commands/rollout.js';
import type { ActionCommand, ActionResult, Prepare } from './commands/types.js';

export type { Session } from './commands/types.js';

const ACTION_COMMANDS: { [C in CommandName]: ActionCommand<C> } = {
  deploy,
  rollback,
  promote,
  rollout,
  continue: resume('continue'),
  abort: resume('abort'),
};

/** The descriptor of a result's command (its functions then take that result: the table pairs them). */
export function commandOf(r: ActionResult): ActionCommand<CommandName> {
  return ACTION_COMMANDS[r.command] as ActionCommand<CommandName>;
}

/** Each command's prepare step, by name. */
export const COMMANDS = Object.fromEntries(
  Object.entries(ACTION_COMMANDS).map(([name, command]) => [name, command.prepare]),
) as Record<CommandName, Prepare>;

/** The outputs of a result: design.md's for the releases and the rollout; the deployment answered for continue/abort. */
export function outputsOf(r: ActionResult): Record<string, string> {
  return commandOf(r).outputs(r.result);
}
