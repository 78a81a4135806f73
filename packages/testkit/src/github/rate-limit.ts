/** GitHub's primary rate limit: a budget per hour window, its headers, and 304s that cost nothing. */
import { HttpReply } from './reply.js';

const WINDOW_MS = 3_600_000;

export class RateLimit {
  used = 0;
  resetAt: number;

  constructor(
    readonly limit: number,
    private readonly now: () => number,
  ) {
    this.resetAt = now() + WINDOW_MS;
  }

  /** The x-ratelimit-* headers of an answer (a new window starts when the old one has passed). */
  headers(): Record<string, string> {
    if (this.now() >= this.resetAt) {
      this.used = 0;
      this.resetAt = this.now() + WINDOW_MS;
    }
    return {
      'x-ratelimit-limit': String(this.limit),
      'x-ratelimit-remaining': String(this.remaining()),
      'x-ratelimit-reset': String(Math.ceil(this.resetAt / 1000)),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-resource': 'core',
    };
  }

  remaining(): number {
    return Math.max(0, this.limit - this.used);
  }

  /** Count one request, or answer 403 when the budget is spent. */
  take(): void {
    if (this.used >= this.limit && this.now() < this.resetAt) {
      throw new HttpReply({
        status: 403,
        body: {
          message:
            'API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits',
        },
      });
    }
    this.used++;
  }

  /** A 304 Not Modified: give the request back. */
  refund(): void {
    if (this.used > 0) this.used--;
  }

  /** Spend the whole budget until `resetInMs` from now. */
  exhaust(resetInMs: number): void {
    this.used = this.limit;
    this.resetAt = this.now() + resetInMs;
  }

  /** The `core` entry of GET /rate_limit. */
  overview(): { limit: number; remaining: number; reset: number; used: number } {
    const h = this.headers();
    return {
      limit: this.limit,
      remaining: Number(h['x-ratelimit-remaining']),
      reset: Number(h['x-ratelimit-reset']),
      used: this.used,
    };
  }
}
