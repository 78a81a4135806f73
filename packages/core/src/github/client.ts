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
  /** Timeout of one HTTP attempt: one that gets no answer in time is retried like a 5xx (unless `retries: 0`). */
  requestTimeoutMs: number;
  /** The deadline (our clock, ms) of the call a signal belongs to, so that no retry is promised past it. */
  deadlineOf: (signal: AbortSignal | undefined) => number | undefined;
  /** Told of each retry of a request that got no answer: "GitHub did not answer within 15 s (GET …); retrying …". */
  onRetry: (message: string) => void;
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

/** A request that got no HTTP answer in time; with `request` set, plugin-retry retries it like a 5xx. */
class NoAnswerError extends Error {
  override name = 'GitHubNoAnswer';
  readonly status = 500;
  constructor(
    message: string,
    readonly request?: { request: object },
  ) {
    super(message);
  }
}

interface AttemptOptions {
  method: string;
  url: string;
  request?: { signal?: AbortSignal | undefined; retries?: number; retryCount?: number };
}

/**
 * Registered before plugin-retry, so it wraps each HTTP attempt: the attempt gets its own timeout within
 * the call's signal; an attempt that got no answer in time becomes a NoAnswerError that plugin-retry retries
 * (backoff 1 s, 4 s, 9 s × base) while the call's deadline allows, saying so. The call's own signal (its
 * deadline, an interrupt) ends it as it is.
 */
function attemptTimeouts(o: ClientOptions) {
  return (octokit: { hook: { wrap: (name: 'request', fn: AttemptWrap) => void } }) => {
    octokit.hook.wrap('request', async (request, options) => {
      const call = options.request?.signal;
      const timer = AbortSignal.timeout(o.requestTimeoutMs);
      // Hooks share one options object (before-after-hook binds it): set the attempt's signal in place,
      // and put the call's back for the next attempt.
      options.request ??= {};
      const request_ = options.request;
      request_.signal = call ? AbortSignal.any([call, timer]) : timer;
      try {
        return await request(options);
      } catch (error) {
        const why = noAnswer(error, timer, call, o.requestTimeoutMs);
        if (!why) throw error;
        const count = options.request?.retryCount ?? 0;
        const delay = (count + 1) ** 2 * o.retryAfterBaseValue;
        const deadline = o.deadlineOf(call);
        const retries = options.request?.retries ?? o.retries;
        const fits = deadline === undefined || Date.now() + delay + o.requestTimeoutMs <= deadline;
        if (count >= retries || !fits) throw new NoAnswerError(why);
        o.onRetry(
          `GitHub ${why} (${options.method} ${options.url}); retrying in ${seconds(delay)} (attempt ${count + 2})`,
        );
        throw new NoAnswerError(why, options as { request: object });
      } finally {
        request_.signal = call;
      }
    });
  };
}

/**
 * Why an attempt got no HTTP answer: its own timeout, or a connection that failed (Octokit: HTTP 500 with
 * no response); undefined for an answer, and for the call's own end (its deadline, an interrupt).
 */
function noAnswer(
  error: unknown,
  timer: AbortSignal,
  call: AbortSignal | undefined,
  timeoutMs: number,
): string | undefined {
  if (call?.aborted) return undefined;
  if (timer.aborted) return `did not answer within ${seconds(timeoutMs)}`;
  const e = error as { status?: unknown; response?: unknown; request?: unknown; message?: unknown };
  if (e?.status !== 500 || e.response !== undefined || e.request === undefined) return undefined;
  return `closed the connection without answering (${String(e.message)})`;
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

type AttemptWrap = (
  request: (options: AttemptOptions) => Promise<unknown>,
  options: AttemptOptions,
) => Promise<unknown>;

export function createClient(o: ClientOptions): GitHubClient {
  const Client = Octokit.plugin(attemptTimeouts(o) as never, retry, throttling);
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
          o.onRetry(
            `GitHub rate limit reached (${options.method} ${options.url}); retrying in ${retryAfter} s.`,
          );
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
          o.onRetry(
            `GitHub secondary rate limit (${options.method} ${options.url}); retrying in ${retryAfter} s.`,
          );
          return true;
        }
        return false;
      },
    },
  });
}
