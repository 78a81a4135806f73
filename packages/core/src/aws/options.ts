/**
 * The options of the AWS ports and what can be known of them without the SDK (the region from the
 * environment, the error when there is none). Loads no SDK.
 */
import { InputError } from '../errors/errors.js';
import { quote } from '../inputs/inputs.js';
import { type AdapterNames, orPass } from '../inputs/names.js';
import type { ParameterStore, Registry } from '../ports/ports.js';

export type AwsEnv = Readonly<Record<string, string | undefined>>;

interface AwsRetryOptions {
  /** Attempts in total per call, including the first (default 8). */
  maxAttempts?: number | undefined;
  /** First backoff delay; doubled per attempt with full jitter (default 200 ms). */
  baseDelayMs?: number | undefined;
  /** Cap of one backoff delay (default 20 s). */
  maxDelayMs?: number | undefined;
}

export interface AwsPortsOptions {
  /** The adapter's region setting; else AWS_REGION, AWS_DEFAULT_REGION, then the profile's region. */
  region?: string | undefined;
  /** The adapter's profile setting; else AWS_PROFILE; credentials then come from the SDK's default chain (SSO included). */
  profile?: string | undefined;
  /** How the adapter calls the settings the messages name (region, profile, repository, ...). */
  names: AdapterNames;
  /** The environment to read (default `process.env`). */
  env?: AwsEnv | undefined;
  retry?: AwsRetryOptions | undefined;
  /** Per-request timeout (default 15 s); a timed-out request is retried. */
  requestTimeoutMs?: number | undefined;
  /**
   * Deadline of one call, all its attempts and backoff included (default 60 s): a retry that could not
   * end before it is not started, and the call fails naming the service.
   */
  callDeadlineMs?: number | undefined;
  /** How long the credential chain may take to produce credentials the first time (default 3 s). */
  credentialsDeadlineMs?: number | undefined;
  /** Told of each retry of a request that got no answer ("SSM did not answer within 15 s; retrying …"). */
  onRetry?: ((message: string) => void) | undefined;
  /** Debug output: retries of conflicting writes, and the SDK's own warnings (never printed to the console). */
  debug?: ((message: string) => void) | undefined;
}

export interface AwsPorts {
  registry: Registry;
  parameters: ParameterStore;
  /** The region in use. */
  region: string;
}

/** A region and the input it came from, as the user knows it (the adapter's setting, `AWS_REGION`, ...). */
export interface RegionChoice {
  region: string;
  input: string;
}

/**
 * The region given by option or environment, with where it came from. The CLI's region setting also reads
 * AWS_REGION: an option equal to AWS_REGION is named as that variable.
 */
export function explicitRegion(
  options: Pick<AwsPortsOptions, 'region' | 'env' | 'names'>,
): RegionChoice | undefined {
  const env = options.env ?? process.env;
  const pick = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  const option = pick(options.region);
  if (option) {
    const setting = options.names.region ?? 'the region option';
    return { region: option, input: option === pick(env.AWS_REGION) ? 'AWS_REGION' : setting };
  }
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION'] as const) {
    const region = pick(env[name]);
    if (region) return { region, input: name };
  }
  return undefined;
}

/** AWS region names: `eu-west-1`, `us-gov-west-1`, `us-isob-east-1`, `cn-north-1`. */
const AWS_REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

/**
 * Refuse a region that is not an AWS region name before any call: it ends up in endpoints and in
 * signatures (`eu-west-1;id` would reach a custom endpoint). InputError naming where it came from.
 */
export function checkRegion(choice: RegionChoice, names: Pick<AdapterNames, 'region'>): string {
  if (AWS_REGION_PATTERN.test(choice.region)) return choice.region;
  const set = choice.input === names.region ? choice.input : orPass(choice.input, names.region);
  throw new InputError(
    choice.input,
    `${choice.input} ${quote(choice.region)} is not an AWS region name (like eu-west-1 or us-gov-west-1).`,
    `Set ${set} to the region of your ECR repository and SSM parameters, e.g. eu-west-1; \`aws account list-regions\` lists them.`,
  );
}

export function missingRegionError(
  profile: string | undefined,
  names: Pick<AdapterNames, 'region'>,
): InputError {
  const pass = names.region === undefined ? '' : ` pass ${names.region},`;
  return new InputError(
    'AWS_REGION',
    `No AWS region is configured${profile ? ` (profile "${profile}" has none)` : ''}.`,
    `Set AWS_REGION (e.g. export AWS_REGION=eu-west-1),${pass} or set "region" in your AWS profile.`,
  );
}
