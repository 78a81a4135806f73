import type { AwsService } from './server-types.js';

export interface FaultContext {
  errorType: string;
  service: AwsService;
  operation: string;
  /** The caller's identity. */
  arn: string;
  params: unknown;
  region: string;
  accountId: string;
}

/** The message an injected error carries when the test gives none: the wording AWS uses for that error. */
export function defaultFaultMessage(context: FaultContext): string {
  const { errorType, service, operation, arn, params, region, accountId } = context;
  const p = (params ?? {}) as Record<string, unknown>;
  switch (errorType) {
    case 'ThrottlingException':
      return 'Rate exceeded';
    case 'AccessDeniedException': {
      const resource =
        service === 'ssm'
          ? `arn:aws:ssm:${region}:${accountId}:parameter${String(p.Name ?? '/*')}`
          : service === 'ecs'
            ? ecsResource(operation, p, region, accountId)
            : `arn:aws:ecr:${region}:${accountId}:repository/${String(p.repositoryName ?? (p.repositoryNames as string[] | undefined)?.[0] ?? '*')}`;
      return `User: ${arn} is not authorized to perform: ${service}:${operation} on resource: ${resource} because no identity-based policy allows the ${service}:${operation} action`;
    }
    case 'TooManyUpdates':
      return 'There are concurrent updates for the resource that you are trying to update. Please try again.';
    case 'HierarchyTypeMismatchException':
      return "Parameter Type can't be changed.";
    case 'ParameterLimitExceeded':
      return 'You have exceeded the number of parameters for this AWS account. Delete one or more parameters and try again.';
    case 'ParameterMaxVersionLimitExceeded':
      return `You attempted to create a new version of ${String(p.Name)} by calling the PutParameter API with the overwrite flag. Version 1, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`;
    case 'InternalServerError':
    case 'InternalFailure':
    case 'ServerException':
      return 'An internal error occurred.';
    case 'ExpiredTokenException':
      return 'The security token included in the request is expired';
    case 'UnrecognizedClientException':
      return 'The security token included in the request is invalid.';
    default:
      return `${errorType} (injected by the testkit)`;
  }
}

/** The resource an ECS AccessDenied names: the service, the task definition family, or `*`. */
function ecsResource(
  operation: string,
  p: Record<string, unknown>,
  region: string,
  accountId: string,
): string {
  const arn = `arn:aws:ecs:${region}:${accountId}`;
  const cluster = String(p.cluster ?? 'default').replace(/^.*:cluster\//, '');
  if (operation === 'UpdateService') return `${arn}:service/${cluster}/${String(p.service)}`;
  if (operation === 'DescribeServices')
    return `${arn}:service/${cluster}/${String((p.services as string[] | undefined)?.[0] ?? '*')}`;
  if (operation === 'RegisterTaskDefinition') return `${arn}:task-definition/${String(p.family)}:*`;
  if (operation === 'DescribeTaskDefinition')
    return `${arn}:task-definition/${String(p.taskDefinition).replace(/^.*:task-definition\//, '')}`;
  return '*';
}
