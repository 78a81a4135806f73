import { type HostingError, PreconditionError, RemoteError } from '../errors.js';

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
}

interface SdkErrorLike {
  name?: string;
  message?: string;
  code?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
}

const SERVICE_TITLE = { ecr: 'ECR', ssm: 'SSM', ecs: 'ECS' } as const;

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
function parseAccessDenied(message: string): { identity?: string; action?: string; resource?: string } {
  const identity = /User: (\S+) is not authorized/.exec(message)?.[1];
  const action = /to perform: (\S+)/.exec(message)?.[1];
  const resource = /on resource: (\S+)/.exec(message)?.[1];
  return {
    ...(identity ? { identity } : {}),
    ...(action ? { action } : {}),
    ...(resource ? { resource: resource.replace(/[.,]$/, '') } : {}),
  };
}

/** Turn an error of the AWS SDK into a HostingError whose message says what happened and what to do. */
export function mapAwsError(error: unknown, context: AwsCallContext): HostingError {
  const name = awsErrorName(error);
  const e = (error ?? {}) as SdkErrorLike;
  const message = e.message ?? String(error);
  const status = e.$metadata?.httpStatusCode;
  const attempts = e.$metadata?.attempts;
  const title = SERVICE_TITLE[context.service];
  const what = `${context.service}:${context.action}`;
  const details = {
    service: context.service,
    action: context.action,
    region: context.region,
    resource: context.resource,
    requestId: e.$metadata?.requestId,
    httpStatus: status,
    attempts,
  };
  const options = { cause: cleanCause(error), details };

  // ECS reports a missing iam:PassRole as a ClientException "... is not authorized to perform: ...".
  const kind =
    name === 'ClientException' && /not authorized to perform/.test(message) ? 'AccessDenied' : name;
  switch (kind) {
    case 'RepositoryNotFoundException':
      return new PreconditionError(
        'ECR_REPOSITORY_NOT_FOUND',
        `The ECR repository "${context.resource}" does not exist in region ${context.region}.`,
        {
          ...options,
          fix: `Create it (aws ecr create-repository --repository-name ${context.resource} --region ${context.region}), or pass the right name with --repository and the right region with AWS_REGION/--region.`,
        },
      );
    case 'ClusterNotFoundException':
      return new PreconditionError(
        'ECS_CLUSTER_NOT_FOUND',
        `The ECS cluster "${context.resource}" does not exist in region ${context.region}.`,
        {
          ...options,
          fix: 'Fix "cluster:" for this environment in the App spec, or pass --cluster; check AWS_REGION.',
        },
      );
    case 'ServiceNotFoundException':
      return new PreconditionError(
        'ECS_SERVICE_NOT_FOUND',
        `The ECS service "${context.resource}" does not exist (region ${context.region}).`,
        { ...options, fix: 'Fix "service:" for this environment in the App spec, or pass --service.' },
      );
    case 'ServiceNotActiveException':
      return new PreconditionError(
        'ECS_SERVICE_NOT_ACTIVE',
        `The ECS service "${context.resource}" is not active (it is being deleted or was deleted).`,
        { ...options, fix: 'Recreate the service, or point the App spec at the right one.' },
      );
    case 'ClientException':
      return new RemoteError('ecs', 'AWS_VALIDATION', `ECS rejected ${context.action}: ${message}`, {
        ...options,
        fix: 'Check the service, cluster and task definition named in the message; re-run with --debug if they look right.',
      });
    case 'AccessDeniedException':
    case 'AccessDenied':
    case 'UnauthorizedOperation':
    case 'NotAuthorized': {
      const parsed = parseAccessDenied(message);
      const action = parsed.action ?? what;
      const identity = parsed.identity ? ` ${parsed.identity}` : ' the current AWS identity';
      const resource = parsed.resource ?? context.resource;
      return new PreconditionError(
        'AWS_ACCESS_DENIED',
        `AWS denied ${action} to${identity}${resource ? ` on ${resource}` : ''}.`,
        {
          ...options,
          details: { ...details, identity: parsed.identity, permission: action },
          fix: `Add "${action}" to the IAM policy of${identity}${resource ? ` for resource ${resource}` : ''}, or use a profile/role that has it (--profile, AWS_PROFILE).`,
        },
      );
    }
    case 'CredentialsProviderError':
    case 'TokenProviderError':
      if (/sso|token.*expired|expired.*token|refresh/i.test(message)) {
        return new PreconditionError(
          'AWS_CREDENTIALS_EXPIRED',
          `The AWS credentials could not be refreshed: ${message}`,
          {
            ...options,
            fix: 'Sign in again (aws sso login --profile <name>) or refresh your temporary credentials, then run again.',
          },
        );
      }
      return new PreconditionError(
        'AWS_CREDENTIALS_MISSING',
        `No AWS credentials were found${context.profile ? ` for profile "${context.profile}"` : ''}${/^Could not load credentials/i.test(message) ? '' : ` (${message})`}.`,
        {
          ...options,
          fix: 'Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, pass --profile (or set AWS_PROFILE; for SSO run "aws sso login --profile <name>" first), or in GitHub Actions use aws-actions/configure-aws-credentials before this step.',
        },
      );
    case 'ExpiredTokenException':
    case 'ExpiredToken':
    case 'RequestExpired':
      return new PreconditionError('AWS_CREDENTIALS_EXPIRED', `The AWS credentials have expired (${what}).`, {
        ...options,
        fix: 'Refresh them (aws sso login --profile <name>, or assume the role again) and run again.',
      });
    case 'UnrecognizedClientException':
    case 'InvalidClientTokenId':
    case 'InvalidSignatureException':
    case 'SignatureDoesNotMatch':
    case 'IncompleteSignatureException':
    case 'MissingAuthenticationTokenException':
      return new PreconditionError(
        'AWS_CREDENTIALS_INVALID',
        `AWS rejected the credentials for ${what}: ${message}`,
        {
          ...options,
          fix: 'Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or the profile in use; a stale session token in the environment often causes this.',
        },
      );
    case 'TooManyUpdates':
      return new RemoteError(
        'ssm',
        'SSM_TOO_MANY_UPDATES',
        `Parameter ${context.resource} is being updated concurrently (SSM TooManyUpdates).`,
        {
          ...options,
          fix: 'Another deployment is probably writing the same parameter: wait for it to finish and run again.',
        },
      );
    case 'HierarchyTypeMismatchException':
      return new PreconditionError(
        'SSM_PARAMETER_TYPE_MISMATCH',
        `Parameter ${context.resource} already exists with a type other than String, and SSM will not change it (HierarchyTypeMismatch).`,
        {
          ...options,
          fix: `Choose another name with --parameter, or delete the existing parameter (aws ssm delete-parameter --name ${context.resource}) if nothing else reads it.`,
        },
      );
    case 'ParameterLimitExceeded':
      return new PreconditionError(
        'SSM_PARAMETER_LIMIT_EXCEEDED',
        `The account has reached its SSM parameter quota in ${context.region}; ${context.resource} cannot be created.`,
        {
          ...options,
          fix: 'Delete parameters that are no longer used, or ask for a higher quota (Service Quotas, Systems Manager) or use the advanced tier.',
        },
      );
    case 'ParameterMaxVersionLimitExceeded':
      return new PreconditionError(
        'SSM_PARAMETER_VERSION_LIMIT',
        `Parameter ${context.resource} has 100 versions and the oldest has a label, so SSM cannot drop it to write a new one.`,
        {
          ...options,
          fix: `Move or remove the label of the oldest version (aws ssm unlabel-parameter-version --name ${context.resource} ...) and run again.`,
        },
      );
    case 'ParameterPatternMismatchException':
      return new PreconditionError(
        'SSM_PARAMETER_PATTERN_MISMATCH',
        `The new value does not match the AllowedPattern of parameter ${context.resource}.`,
        {
          ...options,
          fix: 'Change or remove the AllowedPattern of the parameter, or deploy a version that matches it.',
        },
      );
    case 'ParameterAlreadyExists':
      return new RemoteError('ssm', 'SSM_PARAMETER_EXISTS', `Parameter ${context.resource} already exists.`, {
        ...options,
        fix: 'Overwrite it explicitly or choose another name with --parameter.',
      });
    case 'KMSKeyNotAccessibleException':
    case 'InvalidKeyId':
      return new PreconditionError(
        'AWS_ACCESS_DENIED',
        `The KMS key of parameter ${context.resource} cannot be used: ${message}`,
        {
          ...options,
          fix: "Grant kms:Encrypt/kms:Decrypt on the parameter's key to the deploying identity, or use a String parameter.",
        },
      );
    case 'ImageTagAlreadyExistsException':
      return new PreconditionError(
        'ECR_TAG_IMMUTABLE',
        `Tag already exists in the immutable ECR repository ${context.resource} with a different image.`,
        {
          ...options,
          fix: "Deploy a new version (a new commit or --version), or make the repository's tags mutable.",
        },
      );
    case 'ValidationException':
    case 'InvalidParameterException':
      return new RemoteError(
        context.service,
        'AWS_VALIDATION',
        `${title} rejected ${context.action}: ${message}`,
        {
          ...options,
          fix: 'Check the repository and parameter names; re-run with --debug and report it if they look right.',
        },
      );
  }

  if (
    name === 'ThrottlingException' ||
    name === 'Throttling' ||
    name === 'TooManyRequestsException' ||
    status === 429
  ) {
    return new RemoteError(
      context.service,
      'AWS_THROTTLED',
      `AWS kept throttling ${what}${attempts ? ` after ${attempts} attempts` : ''}.`,
      {
        ...options,
        fix: 'Wait a minute and run again; if it persists, reduce concurrent deployments or raise the API rate quota.',
      },
    );
  }
  if ((status !== undefined && status >= 500) || e.$fault === 'server' || name === 'TimeoutError') {
    return new RemoteError(
      context.service,
      'AWS_UNAVAILABLE',
      `${title} kept failing on ${context.action} (${name === 'TimeoutError' ? 'timeout' : `HTTP ${status ?? '5xx'}${name && name !== 'Unknown' && !/^\d/.test(name) ? ` ${name}` : ''}`})${attempts ? ` after ${attempts} attempts` : ''}.`,
      {
        ...options,
        fix: context.endpoint
          ? `The endpoint ${context.endpoint} (AWS_ENDPOINT_URL) is not answering properly: check it and run again.`
          : 'AWS is having trouble: check https://health.aws.amazon.com and run again later.',
      },
    );
  }
  const code = (error as { code?: string })?.code;
  if (code && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT|EHOSTUNREACH)$/.test(code)) {
    return new RemoteError(
      context.service,
      'AWS_UNREACHABLE',
      `Could not reach ${title}${context.endpoint ? ` at ${context.endpoint}` : ''} (${code}).`,
      {
        ...options,
        fix: context.endpoint
          ? 'Check AWS_ENDPOINT_URL and that the endpoint is running.'
          : 'Check the network connection, proxy settings (HTTPS_PROXY) and the region.',
      },
    );
  }
  return new RemoteError(
    context.service,
    'AWS_REQUEST_FAILED',
    `${title} ${context.action} failed: ${name ? `${name}: ` : ''}${message}`,
    {
      ...options,
      fix: 'Re-run with --debug; if the message does not explain it, report it with the output.',
    },
  );
}
