/**
 * The Octokit client: REST + retry + throttling. Loaded only through `createGitHubWorkflows` (dynamic import),
 * so importing `@shared-hosting/core` never loads Octokit.
 */
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import Bottleneck from 'bottleneck';

export type GitHubClient = InstanceType<typeof Octokit>;

export interface ClientOptions {
  /** A token; none with a GitHub App (its tokens are set per request). */
  token?: string | undefined;
  baseUrl: string;
  userAgent: string;
  /** Warnings worth a line (retries, rate limits). Already free of the token. */
  warn: (message: string) => void;
  /** Retries of idempotent requests on 5xx / network errors (plugin-retry). Default 3. */
  retries: number;
  /** Multiplier for retry delays in ms (plugin default 1000; tests use less). */
  retryAfterBaseValue: number;
  /** Retry a request hit by a rate limit at most this often, if the wait is at most maxRateLimitWaitS. */
  rateLimitRetries: number;
  maxRateLimitWaitS: number;
  /** Minimum time between writes (GitHub asks for 1 s between mutating requests). */
  writeMinTimeMs: number;
}

/** Per-request flag: this request handles rate limits itself (the wait loop, on the injected Clock). */
interface ManualRequestOptions {
  manualRateLimit?: boolean;
}

const REQUEST_LOG = /^[A-Z]+ \S+ - \d{3} with id /;

interface LimitOptions {
  method: string;
  url: string;
  request: object;
}

export function createClient(o: ClientOptions): GitHubClient {
  const Client = Octokit.plugin(retry, throttling);
  const id = `shared-hosting-${Math.random().toString(36).slice(2)}`;
  return new Client({
    ...(o.token ? { auth: o.token } : {}),
    baseUrl: o.baseUrl,
    userAgent: o.userAgent,
    // No `request.retries` default: set on a request it makes plugin-retry retry every failure, 4xx
    // included; `retry.retries` retries only what may pass on a second try (5xx, network errors).
    log: {
      debug: () => {},
      info: () => {},
      // Octokit reports each failed request ("GET /x - 502 with id ... in 5ms"): our own messages say what it means.
      warn: (m: string) => {
        if (!REQUEST_LOG.test(m)) o.warn(m);
      },
      error: (m: string) => {
        if (!REQUEST_LOG.test(m)) o.warn(m);
      },
    },
    retry: { retries: o.retries, retryAfterBaseValue: o.retryAfterBaseValue },
    throttle: {
      id,
      retryAfterBaseValue: o.retryAfterBaseValue,
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: o.writeMinTimeMs }),
      onRateLimit: (retryAfter: number, options: LimitOptions, _octokit: unknown, retryCount: number) => {
        if ((options.request as ManualRequestOptions | undefined)?.manualRateLimit) return false;
        if (retryCount < o.rateLimitRetries && retryAfter <= o.maxRateLimitWaitS) {
          o.warn(`GitHub rate limit reached (${options.method} ${options.url}); retrying in ${retryAfter}s.`);
          return true;
        }
        return false;
      },
      onSecondaryRateLimit: (
        retryAfter: number,
        options: LimitOptions,
        _octokit: unknown,
        retryCount: number,
      ) => {
        if ((options.request as ManualRequestOptions | undefined)?.manualRateLimit) return false;
        if (retryCount < o.rateLimitRetries && retryAfter <= o.maxRateLimitWaitS) {
          o.warn(
            `GitHub secondary rate limit (${options.method} ${options.url}); retrying in ${retryAfter}s.`,
          );
          return true;
        }
        return false;
      },
    },
  });
}
