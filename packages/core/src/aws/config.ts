/**
 * The settings every AWS SDK client of the tool shares: region, profile, credentials given in `env`,
 * endpoint overrides (AWS_ENDPOINT_URL[_SERVICE]), retries of throttling, 5xx and timeouts with
 * backoff, request timeouts, and the SDK's warnings routed to debug output.
 */
import { ConfiguredRetryStrategy } from '@smithy/core/retry';
import { type AwsPortsOptions, regionFromEnv } from './index.js';

export type AwsServiceId = 'SSM' | 'ECR' | 'ECS';

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

export function awsClientSettings(options: AwsPortsOptions) {
  const env = options.env ?? process.env;
  const profile = options.profile?.trim() || env.AWS_PROFILE?.trim() || undefined;
  const explicitRegion = regionFromEnv(options);
  const maxAttempts = options.retry?.maxAttempts ?? 8;
  const base = options.retry?.baseDelayMs ?? 200;
  const cap = options.retry?.maxDelayMs ?? 20_000;
  // Exponential backoff with full jitter, for throttling, 5xx and timeouts alike.
  const retryStrategy = () =>
    new ConfiguredRetryStrategy(maxAttempts, (attempt: number) =>
      Math.round(Math.random() * Math.min(cap, base * 2 ** Math.max(0, attempt - 1))),
    );

  // Credentials given in `env` (tests, child environments) are used as they are; otherwise the SDK's default
  // chain runs (env vars, SSO, shared config/credentials files, web identity, container/instance roles).
  const staticCredentials =
    !options.profile && env !== process.env && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY
      ? {
          accessKeyId: env.AWS_ACCESS_KEY_ID,
          secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
          ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
        }
      : undefined;

  const sdkLogger = {
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: (...args: unknown[]) => options.debug?.(`AWS SDK: ${args.map(String).join(' ')}`),
    error: (...args: unknown[]) => options.debug?.(`AWS SDK: ${args.map(String).join(' ')}`),
  };
  const endpointFor = (service: AwsServiceId) =>
    env[`AWS_ENDPOINT_URL_${service}`]?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
  const common = (service: AwsServiceId) => {
    const endpoint = endpointFor(service);
    return {
      ...(explicitRegion ? { region: explicitRegion } : {}),
      ...(profile ? { profile } : {}),
      ...(staticCredentials ? { credentials: staticCredentials } : {}),
      ...(endpoint ? { endpoint } : {}),
      retryStrategy: retryStrategy(),
      // The SDK warns through console.warn unless given a logger (e.g. "Multiple credential sources
      // detected" when AWS_PROFILE and access keys are both set): route that to debug output instead.
      logger: sdkLogger,
      requestHandler: {
        requestTimeout: options.requestTimeoutMs ?? 30_000,
        connectionTimeout: Math.min(options.requestTimeoutMs ?? 30_000, 10_000),
        // Without this the handler only prints a warning to the console and keeps waiting.
        throwOnRequestTimeout: true,
      },
    };
  };

  return { env, profile, explicitRegion, base, endpointFor, common };
}
