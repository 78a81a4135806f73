import type { Clock } from '../ports/ports.js';
import { systemClock } from '../ports/ports.js';

export interface RetryOptions {
  /** Attempts in total, including the first. */
  attempts?: number;
  /** First delay; doubled each time, with full jitter, capped at maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  clock?: Clock;
  signal?: AbortSignal | undefined;
  /** Whether this error is transient. Return a number to wait exactly that long (e.g. Retry-After). */
  retryable: (error: unknown) => boolean | number;
  onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  /** Source of randomness for jitter (tests pass a fixed one). */
  random?: () => number;
}

/** Run `fn`, retrying transient failures with exponential backoff and full jitter. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? 5;
  const base = options.baseDelayMs ?? 200;
  const max = options.maxDelayMs ?? 20_000;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      const verdict = options.retryable(error);
      if (attempt >= attempts || verdict === false || options.signal?.aborted) throw error;
      const delay =
        typeof verdict === 'number'
          ? verdict
          : Math.round(random() * Math.min(max, base * 2 ** (attempt - 1)));
      options.onRetry?.(error, attempt, delay);
      await clock.sleep(delay, options.signal);
    }
  }
}
