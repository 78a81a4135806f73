/**
 * Fixtures of the AWS test server that the rollout tests share (the testkit's ECS and server tests, the
 * core's rollout integration tests): hello-app's task definition as a platform team registers it, the
 * requests that change something, and a signed raw request for payloads the SDK would refuse to build.
 */
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AddEcsServiceOptions } from './ecs.js';
import type { AwsPeers } from './peers.js';
import type { AwsRequestRecord } from './server-types.js';

/** A container's environment variable, as in a task definition. */
interface EnvironmentVariable {
  name: string;
  value: string;
}

/**
 * hello-app's task definition (family `family`): the task and execution roles, Fargate with awsvpc, the
 * `web` container running `image` with `environment` and its awslogs group, and a log router sidecar whose
 * image is from outside the sandbox (a rollout must keep it as it is), tagged for the team.
 */
export function helloAppTaskDefinition(
  family: string,
  image: string,
  environment: EnvironmentVariable[],
): AddEcsServiceOptions['taskDefinition'] {
  return {
    family,
    taskRoleArn: 'arn:aws:iam::123456789012:role/hello-app-task',
    executionRoleArn: 'arn:aws:iam::123456789012:role/ecs-execution',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: 'web',
        image,
        environment,
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/hello-app' } },
      },
      { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' },
    ],
    tags: [{ key: 'team', value: 'platform' }],
  };
}

/** The operations a rollout or a release changes something with (ECS, SSM and ECR). */
const WRITE_OPERATIONS: ReadonlySet<string> = new Set([
  'RegisterTaskDefinition',
  'UpdateService',
  'RunTask',
  'StopTask',
  'PutParameter',
  'LabelParameterVersion',
  'DeleteParameter',
  'PutImage',
]);

/** The recorded requests that changed something: a rollout of the running version makes none. */
export function writeRequests(requests: readonly AwsRequestRecord[]): AwsRequestRecord[] {
  return requests.filter((r) => WRITE_OPERATIONS.has(r.operation ?? ''));
}

/** The signing name and JSON target prefix of each service the server speaks. */
const TARGETS = {
  ssm: 'AmazonSSM',
  ecs: 'AmazonEC2ContainerServiceV20141113',
} as const;

/**
 * Send `operation` of `service` as a signed raw JSON request (for payloads the SDK would refuse to build),
 * signed with `secret` (default: the peers' own secret key). The status and the parsed body.
 */
export async function signedCall(
  peers: AwsPeers,
  service: keyof typeof TARGETS,
  operation: string,
  body: unknown,
  secret = peers.env.AWS_SECRET_ACCESS_KEY,
) {
  const url = new URL(peers.env.AWS_ENDPOINT_URL);
  const signer = new SignatureV4({
    credentials: { accessKeyId: peers.env.AWS_ACCESS_KEY_ID, secretAccessKey: secret },
    region: peers.region,
    service,
    sha256: Hash.bind(null, 'sha256'),
  });
  const text = JSON.stringify(body);
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    headers: {
      host: url.host,
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `${TARGETS[service]}.${operation}`,
    },
    body: text,
  });
  const response = await fetch(url, { method: 'POST', headers: signed.headers, body: text });
  const answer = (await response.json()) as { __type?: string; message?: string; [key: string]: unknown };
  return { status: response.status, body: answer };
}
