/**
 * What the SSM and ECR clients share: region, profile, credentials, the retry strategy, the request
 * handler's timeouts, the endpoint override and the SDK logger. Loaded with the SDK (by clients.ts only).
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import type { AdapterNames } from '../inputs/names.js';
import { CREDENTIALS_DEADLINE_MS } from './credentials.js';
import { DeadlineRetryStrategy } from './deadline.js';
import { type AwsEnv, type AwsPortsOptions, checkRegion, explicitRegion } from './options.js';

export type AwsServiceId = 'SSM' | 'ECR' | 'ECS';

/** The options resolved once, for both clients. */
export interface AwsSettings {
  env: AwsEnv;
  /** How the adapter calls the settings the messages name. */
  names: AdapterNames;
  profile: string | undefined;
  /** The region given by option or environment; undefined when only the profile can say. */
  explicitRegion: string | undefined;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  requestTimeoutMs: number;
  callDeadlineMs: number;
  /** How long the credential chain may take the first time (AWS_CREDENTIALS_TIMEOUT after). */
  credentialsDeadlineMs: number;
  onRetry: ((message: string) => void) | undefined;
  debug: ((message: string) => void) | undefined;
}

/** The settings, with the region given by option or environment checked (InputError) before any client exists. */
export function awsSettings(options: AwsPortsOptions): AwsSettings {
  const env = options.env ?? process.env;
  const region = explicitRegion(options);
  return {
    env,
    names: options.names,
    profile: options.profile?.trim() || env.AWS_PROFILE?.trim() || undefined,
    explicitRegion: region ? checkRegion(region, options.names) : undefined,
    maxAttempts: options.retry?.maxAttempts ?? 8,
    baseDelayMs: options.retry?.baseDelayMs ?? 200,
    maxDelayMs: options.retry?.maxDelayMs ?? 20_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    callDeadlineMs: options.callDeadlineMs ?? 60_000,
    credentialsDeadlineMs: options.credentialsDeadlineMs ?? CREDENTIALS_DEADLINE_MS,
    onRetry: options.onRetry,
    debug: options.debug,
  };
}

/** AWS_ENDPOINT_URL_<SERVICE>, else AWS_ENDPOINT_URL, else none (AWS's own endpoint). */
export function endpointFor(env: AwsEnv, service: AwsServiceId): string | undefined {
  return env[`AWS_ENDPOINT_URL_${service}`]?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
}

/**
 * Credentials given in `env` (tests, child environments) are used as they are; otherwise the SDK's default
 * chain runs (env vars, SSO, shared config/credentials files, web identity, container/instance roles).
 */
function staticCredentials(options: AwsPortsOptions, env: AwsEnv) {
  if (options.profile || env === process.env || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    return undefined;
  }
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
  };
}

/**
 * Exponential backoff with full jitter, for throttling, 5xx and timeouts alike, within the call's
 * deadline; retries of requests that got no answer are reported.
 */
function retryStrategy(settings: AwsSettings, service: AwsServiceId): DeadlineRetryStrategy {
  const { maxAttempts, baseDelayMs: base, maxDelayMs: cap } = settings;
  const inner = new ConfiguredRetryStrategy(maxAttempts, (attempt: number) =>
    Math.round(Math.random() * Math.min(cap, base * 2 ** Math.max(0, attempt - 1))),
  );
  return new DeadlineRetryStrategy(inner, {
    service,
    deadlineMs: settings.callDeadlineMs,
    requestTimeoutMs: settings.requestTimeoutMs,
    onRetry: settings.onRetry,
  });
}

/**
 * The SDK warns through console.warn unless given a logger (e.g. "Multiple credential sources detected"
 * when AWS_PROFILE and access keys are both set): route that to debug output instead.
 */
function sdkLogger(debug: AwsSettings['debug']) {
  const toDebug = (...args: unknown[]) => debug?.(`AWS SDK: ${args.map(String).join(' ')}`);
  return { trace: () => {}, debug: () => {}, info: () => {}, warn: toDebug, error: toDebug };
}

/** The configuration of one service's client. */
export function clientConfig(options: AwsPortsOptions, settings: AwsSettings, service: AwsServiceId) {
  const endpoint = endpointFor(settings.env, service);
  const credentials = staticCredentials(options, settings.env);
  return {
    ...(settings.explicitRegion ? { region: settings.explicitRegion } : {}),
    ...(settings.profile ? { profile: settings.profile } : {}),
    ...(credentials ? { credentials } : {}),
    ...(endpoint ? { endpoint } : {}),
    retryStrategy: retryStrategy(settings, service),
    logger: sdkLogger(settings.debug),
    requestHandler: {
      requestTimeout: settings.requestTimeoutMs,
      connectionTimeout: Math.min(settings.requestTimeoutMs, 10_000),
      // Without this the handler only prints a warning to the console and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}

/**
 * Build the clients with the SDK's NodeVersionSupportWarning switched off by its documented variable
 * (AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED), set only while the clients are constructed: the
 * warning is emitted then, at most once per process, and users of Node 20 should never see it.
 */
export function quietly<T>(construct: () => T): T {
  const key = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
  const before = process.env[key];
  process.env[key] = 'true';
  try {
    return construct();
  } finally {
    if (before === undefined) delete process.env[key];
    else process.env[key] = before;
  }
}
