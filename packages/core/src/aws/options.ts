/**
 * The options of the AWS ports and what can be known of them without the SDK (the region from the
 * environment, the error when there is none). Loads no SDK.
 */
import { InputError } from '../errors.js';
import type { ParameterStore, Registry } from '../ports.js';

export type AwsEnv = Readonly<Record<string, string | undefined>>;

export interface AwsRetryOptions {
  /** Attempts in total per call, including the first (default 8). */
  maxAttempts?: number | undefined;
  /** First backoff delay; doubled per attempt with full jitter (default 200 ms). */
  baseDelayMs?: number | undefined;
  /** Cap of one backoff delay (default 20 s). */
  maxDelayMs?: number | undefined;
}

export interface AwsPortsOptions {
  /** `--region`; else AWS_REGION, AWS_DEFAULT_REGION, then the profile's region. */
  region?: string | undefined;
  /** `--profile`; else AWS_PROFILE; credentials then come from the SDK's default chain (SSO included). */
  profile?: string | undefined;
  /** The environment to read (default `process.env`). */
  env?: AwsEnv | undefined;
  retry?: AwsRetryOptions | undefined;
  /** Per-request timeout (default 30 s); a timed-out request is retried. */
  requestTimeoutMs?: number | undefined;
  /** Debug output: retries of conflicting writes, and the SDK's own warnings (never printed to the console). */
  debug?: ((message: string) => void) | undefined;
}

export interface AwsPorts {
  registry: Registry;
  parameters: ParameterStore;
  /** The region in use. */
  region: string;
}

/** Region from the option, AWS_REGION, AWS_DEFAULT_REGION; undefined when only the profile could say. */
export function regionFromEnv(options: Pick<AwsPortsOptions, 'region' | 'env'>): string | undefined {
  const env = options.env ?? process.env;
  const pick = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  return pick(options.region) ?? pick(env.AWS_REGION) ?? pick(env.AWS_DEFAULT_REGION);
}

export function missingRegionError(profile: string | undefined): InputError {
  return new InputError(
    'AWS_REGION',
    `No AWS region is configured${profile ? ` (profile "${profile}" has none)` : ''}.`,
    'Set AWS_REGION (e.g. export AWS_REGION=eu-west-1), pass --region, or set "region" in your AWS profile.',
  );
}
