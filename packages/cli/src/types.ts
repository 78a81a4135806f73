// The CLI's shared types: its view of the process, and the flags the commands share.

/** What a command needs from the outside world; tests pass their own. */
export interface CliIO {
  stdout: { write(text: string): void; isTTY?: boolean | undefined; columns?: number | undefined };
  stderr: { write(text: string): void; isTTY?: boolean | undefined; columns?: number | undefined };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Set by a command to the process exit code. */
  exitCode: number;
}

export interface CommonFlags {
  json?: boolean;
  debug?: boolean;
  color?: boolean;
}

/** Options of the infra deployment and its safety nets, shared by deploy, rollback and promote. */
export interface ReleaseFlags extends CommonFlags {
  app?: string;
  repository?: string;
  parameter?: string;
  infraRepo?: string;
  infraWorkflow?: string;
  infraRef?: string;
  wait?: boolean;
  timeout?: string;
  cancelOnTimeout?: boolean;
  cancelOnInterrupt?: boolean;
  waitForLock?: boolean;
  rollbackOnFailure?: boolean;
  redeployOnRollback?: boolean;
  dryRun?: boolean;
  profile?: string;
  region?: string;
}

export interface DeployFlags extends ReleaseFlags {
  env?: string;
  version?: string;
  context?: string;
  dockerfile?: string;
  builder?: string;
  buildArg?: string[];
  target?: string;
  platform?: string;
  /** false with --no-cache. */
  cache?: boolean;
  /** false with --no-trigger: only set the version. */
  trigger?: boolean;
}
