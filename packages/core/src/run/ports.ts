import type { Reporter } from '../events.js';
import type { Clock, ImageBuilder, InfraWorkflows, ParameterStore, Registry, RunRef } from '../ports.js';

/** Every side effect an operation may perform, passed in once. */
export interface DeployPorts {
  /** Resolved lazily: a deployment whose image already exists needs no builder at all. */
  builder: () => Promise<ImageBuilder>;
  registry: Registry;
  parameters: ParameterStore;
  /** Undefined when no GitHub token is available: only a dry run can proceed then. */
  workflows: InfraWorkflows | undefined;
  clock: Clock;
  reporter: Reporter;
}

/** The ports a rollback or promote uses: no builder, so neither can build by construction. */
export type OperationPorts = Omit<DeployPorts, 'builder'>;

/** How a release behaves around the infra run: the lock before it, the recovery after a failure. */
export interface ReleaseOptions {
  /**
   * When another operation holds the lock of the same application and environment, or a run of the
   * infra workflow for them is queued or in progress: wait for it (true, the default) or refuse with
   * DEPLOYMENT_IN_PROGRESS (false).
   */
  waitForLock?: boolean | undefined;
  /** When the infra run fails, write the parameter's previous value back (default false). */
  rollbackOnFailure?: boolean | undefined;
  /** After restoring the previous value, trigger the infra deployment again and wait (default false). */
  redeployOnRollback?: boolean | undefined;
}

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

/** Where a release is, for the message of a quit that does not wait for it to finish. */
export interface ReleaseLive {
  /** The lock held now, and the command that removes it. */
  lock: { name: string; unlock: string } | undefined;
  parameter: string | undefined;
  /** The value being released, and the one it replaces (as read under the lock). */
  version: string | undefined;
  previous: string | undefined;
  phase: 'before-write' | 'writing' | 'written' | 'triggered' | 'restoring' | 'restored' | 'done';
  run: RunRef | undefined;
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
