import {
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AddEcsServiceOptions } from './ecs.js';
import { CRASH_LABEL } from './image-pull.js';
import { type AwsPeers, startAwsPeers } from './peers.js';
import { pushTestImage } from './registry-api.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let peers: AwsPeers;
let ecs: ECSClient;
let good: string;
let better: string;
let crashing: string;

beforeAll(async () => {
  peers = await startAwsPeers({ ecsTickMs: 20, ecs: { clockFactor: 3600 } });
  ecs = new ECSClient({
    endpoint: peers.env.AWS_ENDPOINT_URL,
    region: peers.region,
    credentials: {
      accessKeyId: peers.env.AWS_ACCESS_KEY_ID,
      secretAccessKey: peers.env.AWS_SECRET_ACCESS_KEY,
    },
    maxAttempts: 1,
  });
  const host = peers.registry.host;
  good = `${host}/app@${await pushTestImage(peers.registry, 'app', 'v1')}`;
  better = `${host}/app@${await pushTestImage(peers.registry, 'app', 'v2')}`;
  const crash = await pushTestImage(peers.registry, 'app', 'v3', { labels: { [CRASH_LABEL]: 'true' } });
  crashing = `${host}/app@${crash}`;
});
afterAll(async () => {
  ecs?.destroy();
  await peers?.stop();
});

let serial = 0;
/** A fresh service on its own cluster running `good`, and a registered revision running `image`. */
function seed(image: string, overrides: Partial<AddEcsServiceOptions> = {}) {
  serial++;
  const cluster = `deployments-${serial}`;
  const family = `app-${serial}`;
  const base = {
    family,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
  };
  peers.aws.ecs.addService({
    cluster,
    service: 'web',
    taskDefinition: { ...base, containerDefinitions: [{ name: 'web', image: good }] },
    desiredCount: 2,
    ...overrides,
  });
  const next = peers.aws.ecs.registerTaskDefinition({
    ...base,
    containerDefinitions: [{ name: 'web', image }],
  });
  return { cluster, taskDefinition: next.arn };
}

async function update(cluster: string, taskDefinition: string): Promise<string> {
  const { service } = await ecs.send(new UpdateServiceCommand({ cluster, service: 'web', taskDefinition }));
  expect(service?.currentServiceDeployment).toMatch(/:service-deployment\/deployments-\d+\/web\//);
  return service?.currentServiceDeployment ?? '';
}

/** Poll DescribeServiceDeployments until `done`; returns every distinct (status, stage) seen and the last. */
async function follow(arn: string, done: (d: ServiceDeployment) => boolean, timeoutMs = 15_000) {
  const seen: string[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    const deployment = out.serviceDeployments?.[0];
    if (!deployment) throw new Error(`no service deployment ${arn}: ${JSON.stringify(out.failures)}`);
    const step = `${deployment.status}:${deployment.lifecycleStage}`;
    if (seen.at(-1) !== step) seen.push(step);
    if (done(deployment)) return { seen, deployment };
    if (Date.now() > until) throw new Error(`timed out; saw ${seen.join(' → ')}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const terminal = (d: ServiceDeployment) =>
  ['SUCCESSFUL', 'STOPPED', 'ROLLBACK_SUCCESSFUL', 'ROLLBACK_FAILED'].includes(d.status ?? '');

describe('service deployments: rolling', () => {
  it('lists the deployment UpdateService started and follows it to SUCCESSFUL', async () => {
    const { cluster, taskDefinition } = seed(better);
    const before = peers.aws.ecs.serviceDeploymentsOf('web', cluster)[0];
    const arn = await update(cluster, taskDefinition);
    const listed = await ecs.send(new ListServiceDeploymentsCommand({ cluster, service: 'web' }));
    expect(listed.serviceDeployments?.map((d) => d.serviceDeploymentArn)).toEqual([arn, before?.arn]);
    expect(listed.serviceDeployments?.[1]?.status).toBe('SUCCESSFUL');
    const { seen, deployment } = await follow(arn, terminal);
    expect(seen).toEqual(
      expect.arrayContaining(['IN_PROGRESS:SCALE_UP', 'IN_PROGRESS:CLEAN_UP', 'SUCCESSFUL:CLEAN_UP']),
    );
    expect(deployment).toMatchObject({
      status: 'SUCCESSFUL',
      sourceServiceRevisions: [{ arn: before?.target.arn }],
      targetServiceRevision: { requestedTaskCount: 2, runningTaskCount: 2 },
      deploymentCircuitBreaker: { status: 'MONITORING_COMPLETE', failureCount: 0, threshold: 3 },
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    expect(deployment.finishedAt).toBeInstanceOf(Date);
    const only = await ecs.send(
      new ListServiceDeploymentsCommand({ cluster, service: 'web', status: ['IN_PROGRESS'] }),
    );
    expect(only.serviceDeployments).toEqual([]);
  });

  it('rolls back a crashing revision: ROLLBACK_IN_PROGRESS, then ROLLBACK_SUCCESSFUL naming the breaker', async () => {
    const { cluster, taskDefinition } = seed(crashing);
    const source = peers.aws.ecs.serviceDeploymentsOf('web', cluster)[0]?.target;
    const arn = await update(cluster, taskDefinition);
    const { seen, deployment } = await follow(arn, terminal);
    expect(seen).toContain('ROLLBACK_IN_PROGRESS:SCALE_UP');
    expect(deployment).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason: expect.stringContaining('ECS deployment circuit breaker: tasks failed to start.'),
      rollback: { serviceRevisionArn: source?.arn, reason: expect.stringContaining('threshold 3') },
      deploymentCircuitBreaker: { status: 'TRIGGERED', threshold: 3 },
    });
    expect(deployment.deploymentCircuitBreaker?.failureCount).toBeGreaterThanOrEqual(3);
    const [service] =
      (await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services ?? [];
    expect(service?.taskDefinition).toBe(source?.taskDefinition);
  });

  it('answers UnsupportedFeatureException where the API is switched off', async () => {
    const { cluster } = seed(better);
    peers.aws.ecs.setServiceDeploymentsApi(false);
    try {
      await expect(
        ecs.send(new ListServiceDeploymentsCommand({ cluster, service: 'web' })),
      ).rejects.toMatchObject({
        name: 'UnsupportedFeatureException',
      });
      const [service] =
        (await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services ?? [];
      expect(service?.currentServiceDeployment).toBeUndefined();
    } finally {
      peers.aws.ecs.setServiceDeploymentsApi(true);
    }
  });

  it('refuses a new task definition on a CodeDeploy-controlled service', async () => {
    const { cluster, taskDefinition } = seed(better, { deploymentController: 'CODE_DEPLOY' });
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster, service: 'web', taskDefinition })),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: expect.stringContaining('CODE_DEPLOY deployment controller'),
    });
    const [service] =
      (await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services ?? [];
    expect(service?.deploymentController).toEqual({ type: 'CODE_DEPLOY' });
  });
});
