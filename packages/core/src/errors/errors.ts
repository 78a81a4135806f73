/**
 * Typed errors. Every error the engine reports is a `HostingError` with a stable `code`, a message that
 * names the cause, a `fix` that says what to do, and the original `cause` when there is one.
 * Adapters print `message` and `fix`; stack traces only with --debug. Never put secrets, request
 * objects or headers into an error.
 */

export type ErrorKind =
  /** Bad input: nothing was done. The CLI exits with a distinct code. */
  | 'input'
  /** A precondition on a remote system failed (missing repository, workflow, permission). */
  | 'precondition'
  /** A remote call failed after retries. */
  | 'remote'
  /** The build or push failed. */
  | 'build'
  /** The infra deployment ran and did not succeed. */
  | 'deployment'
  /** The wait ran out of time. */
  | 'timeout'
  /** The user interrupted. */
  | 'interrupted';

export interface HostingErrorOptions {
  /** What to do about it, in one or two sentences. */
  fix?: string | undefined;
  cause?: unknown;
  /** Extra structured context safe to show (names, URLs, ids; never secrets). */
  details?: Record<string, string | number | boolean | undefined> | undefined;
}

export class HostingError extends Error {
  override name = 'HostingError';
  readonly code: string;
  readonly kind: ErrorKind;
  readonly fix: string | undefined;
  readonly details: Record<string, string | number | boolean | undefined>;

  constructor(code: string, kind: ErrorKind, message: string, options: HostingErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.kind = kind;
    this.fix = options.fix;
    this.details = options.details ?? {};
  }
}

/** One or more inputs are invalid. Raised before any side effect. */
export class InputError extends HostingError {
  override name = 'InputError';
  /** The input as the user knows it, e.g. `application` / `--app`. */
  readonly input: string;
  constructor(input: string, message: string, fix: string, options: Omit<HostingErrorOptions, 'fix'> = {}) {
    super('INVALID_INPUT', 'input', message, { ...options, fix });
    this.input = input;
  }
}

/** Several invalid inputs, reported together. */
export class InputErrors extends HostingError {
  override name = 'InputErrors';
  readonly errors: readonly InputError[];
  constructor(errors: readonly InputError[]) {
    const first = errors[0];
    super(
      'INVALID_INPUT',
      'input',
      errors.length === 1 && first
        ? first.message
        : `${errors.length} inputs are invalid:\n${errors.map((e) => `  - ${e.message} ${e.fix ?? ''}`.trimEnd()).join('\n')}`,
      { fix: errors.length === 1 ? first?.fix : 'Correct the inputs listed above.' },
    );
    this.errors = errors;
  }
}

export class PreconditionError extends HostingError {
  override name = 'PreconditionError';
  constructor(code: string, message: string, options: HostingErrorOptions = {}) {
    super(code, 'precondition', message, options);
  }
}

export class RemoteError extends HostingError {
  override name = 'RemoteError';
  /** Which service: 'ecr' | 'ssm' | 'github' | 'registry'. */
  readonly service: string;
  constructor(service: string, code: string, message: string, options: HostingErrorOptions = {}) {
    super(code, 'remote', message, options);
    this.service = service;
  }
}

export class BuildError extends HostingError {
  override name = 'BuildError';
  /** Last lines of the builder's output, secrets removed. */
  readonly logTail: readonly string[];
  constructor(
    code: string,
    message: string,
    logTail: readonly string[] = [],
    options: HostingErrorOptions = {},
  ) {
    super(code, 'build', message, options);
    this.logTail = logTail;
  }
}

export class DeploymentFailedError extends HostingError {
  override name = 'DeploymentFailedError';
  /** `code`: DEPLOYMENT_FAILED unless given (e.g. DEPLOYED_OTHER_VERSION). */
  constructor(message: string, options: HostingErrorOptions & { code?: string } = {}) {
    super(options.code ?? 'DEPLOYMENT_FAILED', 'deployment', message, options);
  }
}

/** The ECS rollout ran and did not succeed: why, the stopped tasks' reasons, where the service went back to. */
export class RolloutFailedError extends HostingError {
  override name = 'RolloutFailedError';
  constructor(
    message: string,
    /** The stopped tasks' stoppedReason (and container reasons), each once. */
    readonly stoppedReasons: readonly string[],
    /** The task definition the service went back to, when it did. */
    readonly rolledBackTo: string | undefined,
    options: HostingErrorOptions = {},
  ) {
    super('ROLLOUT_FAILED', 'deployment', message, options);
  }
}

export class TimeoutError extends HostingError {
  override name = 'TimeoutError';
  constructor(message: string, options: HostingErrorOptions = {}) {
    super('WAIT_TIMEOUT', 'timeout', message, options);
  }
}

export class InterruptedError extends HostingError {
  override name = 'InterruptedError';
  constructor(message: string, options: HostingErrorOptions = {}) {
    super('INTERRUPTED', 'interrupted', message, options);
  }
}

/** The same error (code, kind, stopped reasons) with another message and fix; the original as its cause. */
export function restate(error: HostingError, message: string, fix: string | undefined): HostingError {
  const options = { fix: fix ?? error.fix, details: error.details, cause: error };
  if (error instanceof RolloutFailedError)
    return new RolloutFailedError(message, error.stoppedReasons, error.rolledBackTo, options);
  return new HostingError(error.code, error.kind, message, options);
}

/** Wrap anything thrown (an Error or not) so adapters always have a message to show. */
export function toHostingError(error: unknown): HostingError {
  if (error instanceof HostingError) return error;
  if (error instanceof Error) {
    return new HostingError('UNEXPECTED', 'remote', error.message || error.name, {
      cause: error,
      fix: 'This is unexpected. Re-run with debug output on and report it with the output.',
    });
  }
  return new HostingError('UNEXPECTED', 'remote', `Unexpected failure: ${safeString(error)}`, {
    cause: error,
    fix: 'This is unexpected. Re-run with debug output on and report it with the output.',
  });
}

function safeString(value: unknown): string {
  try {
    return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    return String(value);
  }
}
