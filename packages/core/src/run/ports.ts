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
  /**
   * Updated as the release goes (see `newReleaseLive`): what a process killed now would leave behind,
   * for an adapter that quits at once on a second Ctrl-C (`describeQuit`).
   */
  live?: ReleaseLive | undefined;
}

export interface ExecuteOptions extends ReleaseOptions, OperationOptions {
  /**
   * With no GitHub token (ports.workflows undefined): false (default) refuses before any side effect;
   * true still builds, pushes and sets the version, then skips trigger and wait with a warning. The CLI
   * passes true so that a local deploy without GitHub access still publishes the version; the Action,
   * whose github-token input is required, keeps the default.
   */
  allowMissingToken?: boolean | undefined;
}
