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
  /**
   * false: only set the version (`--no-trigger`): no infra run is triggered or waited for, and none is
   * needed (a missing GitHub token is then no error). Default true.
   */
  trigger?: boolean | undefined;
}

/** Whether and how long to wait for the infra run, and when to cancel it (every release has one). */
export interface WaitPlan {
  enabled: boolean;
  timeoutMs: number;
  cancelOnTimeout: boolean;
  cancelOnInterrupt: boolean;
}
