/**
 * A deadline per AWS call, across its retries: the SDK's retry strategy retries timeouts, 5xx and
 * throttling with backoff; this wrapper refuses a retry whose attempt could not end before the call's
 * deadline (so a request that never answers fails within about a minute, not after 8 × the request
 * timeout), and reports every retry of a request that got no answer (timed out, connection cut).
 * Loaded with the SDK (by config.ts only).
 */
import type { ConfiguredRetryStrategy } from '@smithy/core/retry';

type Token = Awaited<ReturnType<ConfiguredRetryStrategy['acquireInitialRetryToken']>>;
type ErrorInfo = Parameters<ConfiguredRetryStrategy['refreshRetryTokenForRetry']>[1];

export interface DeadlineOptions {
  /** `SSM`, `ECR`, `ECS`: named in the retry lines. */
  service: string;
  /** The whole call, every attempt and backoff included. */
  deadlineMs: number;
  /** One attempt's timeout: a retry is started only when it can end before the deadline. */
  requestTimeoutMs: number;
  /** Told of each retry of a request that got no answer: "SSM did not answer within 15 s; retrying …". */
  onRetry?: ((message: string) => void) | undefined;
}

const NO_ANSWER_CODES = /^(ECONNRESET|EPIPE|ECONNREFUSED)$/;

/** Why a request got no answer, or undefined when it got one (an HTTP error, throttling). */
function noAnswer(error: unknown, requestTimeoutMs: number): string | undefined {
  const e = error as { name?: string; code?: string } | undefined;
  // The SDK names a reset connection a TimeoutError too: the code tells them apart.
  if (e?.code && NO_ANSWER_CODES.test(e.code)) return `closed the connection without answering (${e.code})`;
  if (e?.name === 'TimeoutError') return `did not answer within ${seconds(requestTimeoutMs)}`;
  return undefined;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

export class DeadlineRetryStrategy {
  private readonly started = new WeakMap<Token, number>();

  constructor(
    private readonly inner: ConfiguredRetryStrategy,
    private readonly options: DeadlineOptions,
  ) {}

  async acquireInitialRetryToken(scope: string): Promise<Token> {
    const token = await this.inner.acquireInitialRetryToken(scope);
    this.started.set(token, Date.now());
    return token;
  }

  /** The inner strategy's next token, unless the next attempt could not end before the deadline. */
  async refreshRetryTokenForRetry(token: Token, info: ErrorInfo): Promise<Token> {
    const started = this.started.get(token) ?? Date.now();
    const next = await this.inner.refreshRetryTokenForRetry(token, info);
    const { deadlineMs, requestTimeoutMs, service } = this.options;
    const delay = next.getRetryDelay();
    if (Date.now() - started + delay + requestTimeoutMs > deadlineMs) throw info.error;
    this.started.set(next, started);
    const why = noAnswer(info.error, requestTimeoutMs);
    if (why) {
      const attempt = next.getRetryCount() + 1;
      this.options.onRetry?.(`${service} ${why}; retrying in ${seconds(delay)} (attempt ${attempt})`);
    }
    return next;
  }

  recordSuccess(token: Token): void {
    this.inner.recordSuccess(token);
  }
}
