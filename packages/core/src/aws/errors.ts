/**
 * AWS SDK errors → HostingErrors. One flat table (`AWS_ERRORS`): which errors a rule matches, the class
 * and code it produces, the message and the fix; `mapAwsError` takes the first rule that matches.
 */
import { type HostingError, PreconditionError, RemoteError } from '../errors/errors.js';
import type { AdapterNames } from '../inputs/names.js';

/** What was being done when an AWS call failed: enough to say what to do about it. */
export interface AwsCallContext {
  service: 'ecr' | 'ssm' | 'ecs';
  /** API action, e.g. `PutParameter`. */
  action: string;
  region: string;
  /** The ECR repository or SSM parameter concerned. */
  resource?: string | undefined;
  /** The endpoint in use when it is not AWS's own (AWS_ENDPOINT_URL). */
  endpoint?: string | undefined;
  /** The AWS profile in use, if any. */
  profile?: string | undefined;
  /** How the adapter calls the settings the fixes name. */
  names: AdapterNames;
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
}

const SERVICE_TITLE = { ecr: 'ECR', ssm: 'SSM', ecs: 'ECS' } as const;

/** Everything a rule's templates may use. */
interface Facts {
  /** The AWS error name (`ThrottlingException`). */
  name: string;
  message: string;
  status: number | undefined;
  attempts: number | undefined;
  fault: SdkErrorLike['$fault'];
  /** Node's network error code (`ECONNREFUSED`), if any. */
  code: string | undefined;
  /** `ECR` / `SSM`. */
  title: string;
  /** `ssm:PutParameter`. */
  what: string;
  /** Who was denied what on which resource, from an AccessDenied message. */
  denied: { identity?: string; action?: string; resource?: string };
  c: AwsCallContext;
}

interface AwsErrorRule {
  /** AWS error names this rule is for; a rule without names matches by `when` alone. */
  names?: readonly string[];
  when?: (f: Facts) => boolean;
  kind: 'precondition' | 'remote';
  code: string;
  /** Service named by a RemoteError (default: the service called). */
  service?: 'ssm';
  message: (f: Facts) => string;
  fix: (f: Facts) => string;
  /** Details beyond the common ones. */
  details?: (f: Facts) => Record<string, string | undefined>;
}

const deniedResource = (f: Facts, prefix: string) => {
  const resource = f.denied.resource ?? f.c.resource;
  return resource ? `${prefix}${resource}` : '';
};
const deniedAction = (f: Facts) => f.denied.action ?? f.what;
const deniedIdentity = (f: Facts) =>
  f.denied.identity ? ` ${f.denied.identity}` : ' the current AWS identity';
/** `--profile, AWS_PROFILE` in the CLI; `AWS_PROFILE` where the adapter has no profile setting. */
const profileSettings = (f: Facts) =>
  f.c.names.profile === undefined ? 'AWS_PROFILE' : `${f.c.names.profile}, AWS_PROFILE`;
const afterAttempts = (f: Facts) => (f.attempts ? ` after ${f.attempts} attempts` : '');
const NETWORK_CODES = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)$/;
const SSO_OR_EXPIRED = /sso|token.*expired|expired.*token|refresh/i;

function unavailableWhy(f: Facts): string {
  if (f.name === 'TimeoutError') return 'no answer: every attempt timed out';
  const named = f.name && f.name !== 'Unknown' && !/^\d/.test(f.name) ? ` ${f.name}` : '';
  return `HTTP ${f.status ?? '5xx'}${named}`;
}

/** The rules, tried in order: by error name first, then by HTTP status, fault and network code. */
export const AWS_ERRORS: readonly AwsErrorRule[] = [
  {
    names: ['RepositoryNotFoundException'],
    kind: 'precondition',
    code: 'ECR_REPOSITORY_NOT_FOUND',
    message: (f) => `The ECR repository "${f.c.resource}" does not exist in region ${f.c.region}.`,
    fix: (f) =>
      `Create it (aws ecr create-repository --repository-name ${f.c.resource} --region ${f.c.region}), or pass the right name with ${f.c.names.repository} and the right region with ${f.c.names.region === undefined ? 'AWS_REGION' : `AWS_REGION/${f.c.names.region}`}.`,
  },
  {
    names: ['ClusterNotFoundException'],
    kind: 'precondition',
    code: 'ECS_CLUSTER_NOT_FOUND',
    message: (f) => `The ECS cluster "${f.c.resource}" does not exist in region ${f.c.region}.`,
    fix: (f) =>
      `Fix "cluster:" for this environment in the App spec, or pass ${f.c.names.cluster}; check AWS_REGION.`,
  },
  {
    names: ['ServiceNotFoundException'],
    kind: 'precondition',
    code: 'ECS_SERVICE_NOT_FOUND',
    message: (f) => `The ECS service "${f.c.resource}" does not exist (region ${f.c.region}).`,
    fix: (f) => `Fix "service:" for this environment in the App spec, or pass ${f.c.names.service}.`,
  },
  {
    names: ['ServiceNotActiveException'],
    kind: 'precondition',
    code: 'ECS_SERVICE_NOT_ACTIVE',
    message: (f) => `The ECS service "${f.c.resource}" is not active (it is being deleted or was deleted).`,
    fix: () => 'Recreate the service, or point the App spec at the right one.',
  },
  {
    // ECS reports a missing permission (e.g. iam:PassRole) as a ClientException "... is not authorized to perform: ...".
    names: [
      'AccessDeniedException',
      'AccessDenied',
      'UnauthorizedOperation',
      'NotAuthorized',
      'ClientException',
    ],
    when: (f) => f.name !== 'ClientException' || /not authorized to perform/.test(f.message),
    kind: 'precondition',
    code: 'AWS_ACCESS_DENIED',
    message: (f) => `AWS denied ${deniedAction(f)} to${deniedIdentity(f)}${deniedResource(f, ' on ')}.`,
    fix: (f) =>
      `Add "${deniedAction(f)}" to the IAM policy of${deniedIdentity(f)}${deniedResource(f, ' for resource ')}, or use a profile/role that has it (${profileSettings(f)}).`,
    details: (f) => ({ identity: f.denied.identity, permission: deniedAction(f) }),
  },
  {
    names: ['CredentialsProviderError', 'TokenProviderError'],
    when: (f) => SSO_OR_EXPIRED.test(f.message),
    kind: 'precondition',
    code: 'AWS_CREDENTIALS_EXPIRED',
    message: (f) => `The AWS credentials could not be refreshed: ${f.message}`,
    fix: () =>
      'Sign in again (aws sso login --profile <name>) or refresh your temporary credentials, then run again.',
  },
  {
    names: ['CredentialsProviderError', 'TokenProviderError'],
    kind: 'precondition',
    code: 'AWS_CREDENTIALS_MISSING',
    message: (f) =>
      `No AWS credentials were found${f.c.profile ? ` for profile "${f.c.profile}"` : ''}${/^Could not load credentials/i.test(f.message) ? '' : ` (${f.message})`}.`,
    fix: (f) =>
      `Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ${f.c.names.profile === undefined ? 'set AWS_PROFILE (' : `pass ${f.c.names.profile} (or set AWS_PROFILE; `}for SSO run "aws sso login --profile <name>" first), or in GitHub Actions use aws-actions/configure-aws-credentials before this step.`,
  },
  {
    names: ['ExpiredTokenException', 'ExpiredToken', 'RequestExpired'],
    kind: 'precondition',
    code: 'AWS_CREDENTIALS_EXPIRED',
    message: (f) => `The AWS credentials have expired (${f.what}).`,
    fix: () => 'Refresh them (aws sso login --profile <name>, or assume the role again) and run again.',
  },
  {
    names: [
      'UnrecognizedClientException',
      'InvalidClientTokenId',
      'InvalidSignatureException',
      'SignatureDoesNotMatch',
      'IncompleteSignatureException',
      'MissingAuthenticationTokenException',
    ],
    kind: 'precondition',
    code: 'AWS_CREDENTIALS_INVALID',
    message: (f) => `AWS rejected the credentials for ${f.what}: ${f.message}`,
    fix: () =>
      'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or the profile in use; a stale session token in the environment often causes this.',
  },
  {
    names: ['TooManyUpdates'],
    kind: 'remote',
    service: 'ssm',
    code: 'SSM_TOO_MANY_UPDATES',
    message: (f) => `Parameter ${f.c.resource} is being updated concurrently (SSM TooManyUpdates).`,
    fix: () =>
      'Another deployment is probably writing the same parameter: wait for it to finish and run again.',
  },
  {
    names: ['HierarchyTypeMismatchException'],
    kind: 'precondition',
    code: 'SSM_PARAMETER_TYPE_MISMATCH',
    message: (f) =>
      `Parameter ${f.c.resource} already exists with a type other than String, and SSM will not change it (HierarchyTypeMismatch).`,
    fix: (f) =>
      `Choose another name with ${f.c.names.parameter}, or delete the existing parameter (aws ssm delete-parameter --name ${f.c.resource}) if nothing else reads it.`,
  },
  {
    names: ['ParameterLimitExceeded'],
    kind: 'precondition',
    code: 'SSM_PARAMETER_LIMIT_EXCEEDED',
    message: (f) =>
      `The account has reached its SSM parameter quota in ${f.c.region}; ${f.c.resource} cannot be created.`,
    fix: () =>
      'Delete parameters that are no longer used, or ask for a higher quota (Service Quotas, Systems Manager) or use the advanced tier.',
  },
  {
    names: ['ParameterMaxVersionLimitExceeded'],
    kind: 'precondition',
    code: 'SSM_PARAMETER_VERSION_LIMIT',
    message: (f) =>
      `Parameter ${f.c.resource} has 100 versions and the oldest has a label, so SSM cannot drop it to write a new one.`,
    fix: (f) =>
      `Move or remove the label of the oldest version (aws ssm unlabel-parameter-version --name ${f.c.resource} ...) and run again.`,
  },
  {
    names: ['ParameterPatternMismatchException'],
    kind: 'precondition',
    code: 'SSM_PARAMETER_PATTERN_MISMATCH',
    message: (f) => `The new value does not match the AllowedPattern of parameter ${f.c.resource}.`,
    fix: () => 'Change or remove the AllowedPattern of the parameter, or deploy a version that matches it.',
  },
  {
    names: ['ParameterAlreadyExists'],
    kind: 'remote',
    service: 'ssm',
    code: 'SSM_PARAMETER_EXISTS',
    message: (f) => `Parameter ${f.c.resource} already exists.`,
    fix: (f) => `Overwrite it explicitly or choose another name with ${f.c.names.parameter}.`,
  },
  {
    names: ['KMSKeyNotAccessibleException', 'InvalidKeyId'],
    kind: 'precondition',
    code: 'AWS_ACCESS_DENIED',
    message: (f) => `The KMS key of parameter ${f.c.resource} cannot be used: ${f.message}`,
    fix: () =>
      "Grant kms:Encrypt/kms:Decrypt on the parameter's key to the deploying identity, or use a String parameter.",
  },
  {
    names: ['ImageTagAlreadyExistsException'],
    kind: 'precondition',
    code: 'ECR_TAG_IMMUTABLE',
    message: (f) =>
      `Tag already exists in the immutable ECR repository ${f.c.resource} with a different image.`,
    fix: (f) =>
      `Deploy a new version (a new commit or ${f.c.names.version}), or make the repository's tags mutable.`,
  },
  {
    names: ['ClientException'],
    kind: 'remote',
    code: 'AWS_VALIDATION',
    message: (f) => `ECS rejected ${f.c.action}: ${f.message}`,
    fix: (f) =>
      `Check the service, cluster and task definition named in the message; re-run with ${f.c.names.debug} if they look right.`,
  },
  {
    names: ['ValidationException', 'InvalidParameterException'],
    kind: 'remote',
    code: 'AWS_VALIDATION',
    message: (f) => `${f.title} rejected ${f.c.action}: ${f.message}`,
    fix: (f) =>
      `Check the repository and parameter names; re-run with ${f.c.names.debug} and report it if they look right.`,
  },
  {
    names: ['ThrottlingException', 'Throttling', 'TooManyRequestsException'],
    kind: 'remote',
    code: 'AWS_THROTTLED',
    message: (f) => `AWS kept throttling ${f.what}${afterAttempts(f)}.`,
    fix: () =>
      'Wait a minute and run again; if it persists, reduce concurrent deployments or raise the API rate quota.',
  },
  {
    when: (f) => f.status === 429,
    kind: 'remote',
    code: 'AWS_THROTTLED',
    message: (f) => `AWS kept throttling ${f.what}${afterAttempts(f)}.`,
    fix: () =>
      'Wait a minute and run again; if it persists, reduce concurrent deployments or raise the API rate quota.',
  },
  {
    when: (f) =>
      (f.status !== undefined && f.status >= 500) || f.fault === 'server' || f.name === 'TimeoutError',
    kind: 'remote',
    code: 'AWS_UNAVAILABLE',
    message: (f) => `${f.title} kept failing on ${f.c.action} (${unavailableWhy(f)})${afterAttempts(f)}.`,
    fix: (f) =>
      f.c.endpoint
        ? `The endpoint ${f.c.endpoint} (AWS_ENDPOINT_URL) is not answering properly: check it and run again.`
        : 'AWS is having trouble: check https://health.aws.amazon.com and run again later.',
  },
  {
    when: (f) => f.code !== undefined && NETWORK_CODES.test(f.code),
    kind: 'remote',
    code: 'AWS_UNREACHABLE',
    message: (f) => `Could not reach ${f.title}${f.c.endpoint ? ` at ${f.c.endpoint}` : ''} (${f.code}).`,
    fix: (f) =>
      f.c.endpoint
        ? 'Check AWS_ENDPOINT_URL and that the endpoint is running.'
        : 'Check the network connection, proxy settings (HTTPS_PROXY) and the region.',
  },
];

/** When no rule matches. */
const FALLBACK: AwsErrorRule = {
  kind: 'remote',
  code: 'AWS_REQUEST_FAILED',
  message: (f) => `${f.title} ${f.c.action} failed: ${f.name ? `${f.name}: ` : ''}${f.message}`,
  fix: (f) =>
    `Re-run with ${f.c.names.debug}; if the message does not explain it, report it with the output.`,
};

/** The AWS error name of an SDK error (`ThrottlingException`, `ParameterNotFound`, ...). */
export function awsErrorName(error: unknown): string {
  const e = error as SdkErrorLike | undefined;
  return String(e?.name ?? e?.code ?? '');
}

/** A copy of the error without the SDK's response objects, safe to keep as `cause`. */
function cleanCause(error: unknown): Error {
  const e = error as SdkErrorLike;
  const clean = new Error(`${awsErrorName(error) || 'Error'}: ${e?.message ?? String(error)}`);
  clean.name = awsErrorName(error) || 'Error';
  return clean;
}

/** `User: arn:... is not authorized to perform: ssm:PutParameter on resource: arn:...` */
function parseAccessDenied(message: string): Facts['denied'] {
  const identity = /User: (\S+) is not authorized/.exec(message)?.[1];
  const action = /to perform: (\S+)/.exec(message)?.[1];
  const resource = /on resource: (\S+)/.exec(message)?.[1];
  return {
    ...(identity ? { identity } : {}),
    ...(action ? { action } : {}),
    ...(resource ? { resource: resource.replace(/[.,]$/, '') } : {}),
  };
}

function factsOf(error: unknown, context: AwsCallContext): Facts {
  const e = (error ?? {}) as SdkErrorLike;
  const message = e.message ?? String(error);
  return {
    name: awsErrorName(error),
    message,
    status: e.$metadata?.httpStatusCode,
    attempts: e.$metadata?.attempts,
    fault: e.$fault,
    code: (error as { code?: string } | undefined)?.code,
    title: SERVICE_TITLE[context.service],
    what: `${context.service}:${context.action}`,
    denied: parseAccessDenied(message),
    c: context,
  };
}

function matches(rule: AwsErrorRule, f: Facts): boolean {
  if (rule.names && !rule.names.includes(f.name)) return false;
  return rule.when ? rule.when(f) : true;
}

/** Turn an error of the AWS SDK into a HostingError whose message says what happened and what to do. */
export function mapAwsError(error: unknown, context: AwsCallContext): HostingError {
  const f = factsOf(error, context);
  const rule = AWS_ERRORS.find((r) => matches(r, f)) ?? FALLBACK;
  const e = (error ?? {}) as SdkErrorLike;
  const details = {
    service: context.service,
    action: context.action,
    region: context.region,
    resource: context.resource,
    requestId: e.$metadata?.requestId,
    httpStatus: f.status,
    attempts: f.attempts,
    ...rule.details?.(f),
  };
  const options = { cause: cleanCause(error), details, fix: rule.fix(f) };
  return rule.kind === 'precondition'
    ? new PreconditionError(rule.code, rule.message(f), options)
    : new RemoteError(rule.service ?? context.service, rule.code, rule.message(f), options);
}
