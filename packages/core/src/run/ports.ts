import type { ReleaseOptions } from '../plan/release.js';
import type { ReleaseLive } from './quit.js';

/** Options of every operation that changes a deployment. */
export interface OperationOptions {
  /** Run the read-only preflight and report what would happen; change nothing. */
  dryRun?: boolean | undefined;
  /** Abort (Ctrl-C, SIGTERM, job cancelled). */
  signal?: AbortSignal | undefined;
  /** How the GitHub token input is called, for the error when it is missing. */
  tokenInput?: string | undefined;
  /** How this adapter asks to only set the version (`--no-trigger`, `trigger: false`), for that error's fix. */
  noTriggerInput?: string | undefined;
  /**
   * Updated as the release goes (see `newReleaseLive`): what a process killed now would leave behind,
   * for an adapter that quits at once on a second Ctrl-C (`describeQuit`).
   */
  live?: ReleaseLive | undefined;
}

export interface ExecuteOptions extends ReleaseOptions, OperationOptions {}
