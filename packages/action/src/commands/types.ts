/**
 * What an Action command is: one descriptor per command (commands/<name>.ts) holding how it prepares and
 * runs, its outputs and its part of the job summary. The generic code (main.ts, summary.ts) only dispatches.
 */
import type { CommandResult, PrepareContext, Reads, Reporter } from '@shared-hosting/core';
import type { ReleaseLive } from '@shared-hosting/core/adapter';
import type { CommandName } from '../command-input.js';
import type { Fact } from '../html.js';
import type { ActionInputs, GetInput } from '../inputs.js';

/** The result of a command of the Action. */
export type ActionResult = Extract<CommandResult, { command: CommandName }>;
/** The result type of one command. */
type ResultOf<C extends CommandName> = Extract<ActionResult, { command: C }>['result'];

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

/** Validate every input and plan (reading only): every problem is bad input, before any side effect. */
export type Prepare = (
  given: ActionInputs,
  context: PrepareContext,
  get: GetInput,
) => Promise<PreparedCommand>;

/** One command of the Action: its runner, its outputs and its part of the job summary. */
export interface ActionCommand<C extends CommandName> {
  prepare: Prepare;
  /** The step's outputs (strings; "" when unknown). */
  outputs(result: ResultOf<C>): Record<string, string>;
  /** The summary's heading: what was done, and how it went. */
  heading(result: ResultOf<C>, command: C): string;
  /** The rows of the summary's facts table. */
  facts(result: ResultOf<C>, read: Reads): Fact[];
  /** Its own sections, after the facts (pauses, changes, events). */
  sections?(result: ResultOf<C>): string[];
  /** What its failure section adds after the failed step and the error (stopped tasks, infra jobs). */
  failure?(result: ResultOf<C>): string[];
}
