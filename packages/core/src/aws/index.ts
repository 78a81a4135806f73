/**
 * AWS ports: ECR (`Registry`) and SSM Parameter Store (`ParameterStore`) over the AWS SDK v3.
 * This module loads no SDK: `createAwsPorts` imports the clients on demand, so `import '@shared-hosting/core'`
 * stays cheap (`hosting --help` must not pay for the SDK).
 */
import { InputError } from '../errors.js';
import type { ContainerService, ParameterStore, Registry } from '../ports.js';

export { type AwsCallContext, awsErrorName, mapAwsError } from './errors.js';

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

/**
 * Create the ECR and SSM ports. Loads the SDK clients now (not at import time), resolves the region
 * (InputError naming AWS_REGION when there is none) and configures retries of throttling, 5xx and timeouts.
 */
export async function createAwsPorts(options: AwsPortsOptions = {}): Promise<AwsPorts> {
  const { createAwsClients } = await import('./clients.js');
  return createAwsClients(options);
}

/**
 * Create the ECS port (ContainerService), with the same region, credentials, endpoint override
 * (AWS_ENDPOINT_URL_ECS or AWS_ENDPOINT_URL), retries and timeouts as the SSM and ECR clients.
 */
export async function createContainerService(options: AwsPortsOptions = {}): Promise<ContainerService> {
  const { createEcsClient } = await import('./ecs.js');
  return createEcsClient(options);
}
