import {
  ContinueServiceDeploymentCommand,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  type ServiceDeployment,
  StopServiceDeploymentCommand,
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
  // The scheduler's timer never fires during this file (a tick an hour): follow() ticks the service it
  // follows by hand after each look, so every (status, stage) a deployment passes through is seen, however
  // slow the machine (a 20 ms timer outran the polls under load and a short stage went unseen).
  peers = await startAwsPeers({ ecsTickMs: 3_600_000, ecs: { clockFactor: 3600 } });
  ecs = new ECSClient(peers.clientConfig);
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

/**
 * Poll DescribeServiceDeployments until `done`, ticking the deployment's service by hand between looks (one
 * scheduler step each; phases that last a time still wait on the compressed real clock); returns every
 * distinct (status, stage) seen and the last.
 */
async function follow(arn: string, done: (d: ServiceDeployment) => boolean, timeoutMs = 15_000) {
  const seen: string[] = [];
  const until = Date.now() + timeoutMs;
  const [, cluster = '', service = ''] = /:service-deployment\/([^/]+)\/([^/]+)\//.exec(arn) ?? [];
  for (;;) {
    const out = await ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] }));
    const deployment = out.serviceDeployments?.[0];
    if (!deployment) throw new Error(`no service deployment ${arn}: ${JSON.stringify(out.failures)}`);
    const step = `${deployment.status}:${deployment.lifecycleStage}`;
    if (seen.at(-1) !== step) seen.push(step);
    if (done(deployment)) return { seen, deployment };
    if (Date.now() > until) throw new Error(`timed out; saw ${seen.join(' → ')}`);
    await new Promise((r) => setTimeout(r, 20));
    peers.aws.ecs.tick({ cluster, service });
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

  it('rolls a rolling update back on an alarm already in ALARM, and stays STOPPED without rollback', async () => {
    const alarmed = (rollback: boolean) =>
      seed(better, {
        deploymentConfiguration: { alarms: { alarmNames: [`rolling-${rollback}`], enable: true, rollback } },
      });
    const withRollback = alarmed(true);
    const without = alarmed(false);
    peers.aws.ecs.setAlarm('rolling-true', 'ALARM');
    peers.aws.ecs.setAlarm('rolling-false', 'ALARM');
    try {
      const first = await follow(await update(withRollback.cluster, withRollback.taskDefinition), terminal);
      expect(first.deployment).toMatchObject({
        status: 'ROLLBACK_SUCCESSFUL',
        alarms: { status: 'TRIGGERED', triggeredAlarmNames: ['rolling-true'] },
      });
      const second = await follow(await update(without.cluster, without.taskDefinition), terminal);
      expect(second.deployment).toMatchObject({
        status: 'STOPPED',
        statusReason: 'ECS deployment alarms: rolling-false in ALARM state.',
      });
    } finally {
      peers.aws.ecs.setAlarm('rolling-true', 'OK');
      peers.aws.ecs.setAlarm('rolling-false', 'OK');
    }
    const [service] =
      (await ecs.send(new DescribeServicesCommand({ cluster: withRollback.cluster, services: ['web'] })))
        .services ?? [];
    expect(service?.deployments?.map((d) => d.rolloutState)).toEqual(['COMPLETED']);
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

describe('service deployments: blue/green, linear, canary', () => {
  const strategy = (deploymentConfiguration: AddEcsServiceOptions['deploymentConfiguration']) => ({
    deploymentConfiguration,
  });

  it('blue/green: green scales up beside blue, traffic moves at once, bakes, then blue drains', async () => {
    const { cluster, taskDefinition } = seed(
      better,
      strategy({ strategy: 'BLUE_GREEN', bakeTimeInMinutes: 30 }),
    );
    const arn = await update(cluster, taskDefinition);
    const inBake = await follow(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    expect(inBake.deployment.targetServiceRevision).toMatchObject({
      requestedProductionTrafficWeight: 100,
      requestedTestTrafficWeight: 100,
      runningTaskCount: 2,
    });
    expect(inBake.deployment.sourceServiceRevisions?.[0]).toMatchObject({
      requestedProductionTrafficWeight: 0,
      runningTaskCount: 2,
    });
    const { deployment } = await follow(arn, terminal);
    const record = peers.aws.ecs.serviceDeploymentsOf('web', cluster)[0];
    expect(record?.stages.map((s) => s.stage)).toEqual([
      'RECONCILE_SERVICE',
      'PRE_SCALE_UP',
      'SCALE_UP',
      'POST_SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ]);
    expect(deployment.status).toBe('SUCCESSFUL');
    expect(deployment.sourceServiceRevisions?.[0]?.runningTaskCount).toBe(0);
    expect(record?.weights.map((w) => [w.stage, w.production, w.test])).toEqual([
      ['TEST_TRAFFIC_SHIFT', 0, 100],
      ['PRODUCTION_TRAFFIC_SHIFT', 100, 100],
    ]);
    const bake = (record?.weights[1]?.at.getTime() ?? 0) + 500;
    expect(record?.finishedAt?.getTime()).toBeGreaterThanOrEqual(bake);
  });

  it('linear and canary shift production traffic in steps', async () => {
    const linear = seed(better, {
      ...strategy({ strategy: 'LINEAR', linearConfiguration: { stepPercent: 25, stepBakeTimeInMinutes: 3 } }),
    });
    const canary = seed(better, {
      ...strategy({
        strategy: 'CANARY',
        canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 5 },
      }),
    });
    const arns = [
      await update(linear.cluster, linear.taskDefinition),
      await update(canary.cluster, canary.taskDefinition),
    ];
    for (const arn of arns) expect((await follow(arn, terminal)).deployment.status).toBe('SUCCESSFUL');
    const production = (cluster: string) =>
      peers.aws.ecs
        .serviceDeploymentsOf('web', cluster)[0]
        ?.weights.filter((w) => w.stage === 'PRODUCTION_TRAFFIC_SHIFT')
        .map((w) => w.production);
    expect(production(linear.cluster)).toEqual([25, 50, 75, 100]);
    expect(production(canary.cluster)).toEqual([10, 100]);
  });

  it('rolls a blue/green deployment back when an alarm goes off during the bake', async () => {
    const { cluster, taskDefinition } = seed(
      better,
      strategy({
        strategy: 'BLUE_GREEN',
        bakeTimeInMinutes: 1380,
        alarms: { alarmNames: ['web-5xx', 'web-latency'], enable: true, rollback: true },
      }),
    );
    const source = peers.aws.ecs.serviceDeploymentsOf('web', cluster)[0]?.target;
    const arn = await update(cluster, taskDefinition);
    await follow(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    peers.aws.ecs.setAlarm('web-5xx', 'ALARM');
    try {
      const { seen, deployment } = await follow(arn, terminal);
      expect(seen).toContain('ROLLBACK_IN_PROGRESS:BAKE_TIME');
      expect(deployment).toMatchObject({
        status: 'ROLLBACK_SUCCESSFUL',
        statusReason: 'ECS deployment alarms: web-5xx in ALARM state.',
        alarms: { status: 'TRIGGERED', triggeredAlarmNames: ['web-5xx'] },
        rollback: { serviceRevisionArn: source?.arn },
        targetServiceRevision: { requestedProductionTrafficWeight: 0, runningTaskCount: 0 },
      });
      const [service] =
        (await ecs.send(new DescribeServicesCommand({ cluster, services: ['web'] }))).services ?? [];
      expect(service?.taskDefinition).toBe(source?.taskDefinition);
    } finally {
      peers.aws.ecs.setAlarm('web-5xx', 'OK');
    }
  });

  it('rolls back a crashing green fleet before any traffic moved', async () => {
    const { cluster, taskDefinition } = seed(crashing, strategy({ strategy: 'CANARY' }));
    const arn = await update(cluster, taskDefinition);
    const { deployment } = await follow(arn, terminal);
    expect(deployment).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      lifecycleStage: 'SCALE_UP',
      deploymentCircuitBreaker: { status: 'TRIGGERED' },
    });
    expect(peers.aws.ecs.serviceDeploymentsOf('web', cluster)[0]?.weights).toEqual([]);
  });
});

describe('service deployments: hooks, continue, stop', () => {
  const pause = (
    stages: string[],
    timeoutInMinutes = 1440,
    action: 'CONTINUE' | 'ROLLBACK' = 'ROLLBACK',
  ) => ({
    targetType: 'PAUSE' as const,
    lifecycleStages: stages as never[],
    timeoutConfiguration: { timeoutInMinutes, action },
  });
  const awaiting = (d: ServiceDeployment) =>
    d.lifecycleHookDetails?.find((h) => h.status === 'AWAITING_ACTION')?.hookId;

  it('pauses at every linear step until ContinueServiceDeployment CONTINUE', async () => {
    const { cluster, taskDefinition } = seed(better, {
      deploymentConfiguration: {
        strategy: 'LINEAR',
        linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 },
        lifecycleHooks: [pause(['PRODUCTION_TRAFFIC_SHIFT'])],
      },
    });
    const arn = await update(cluster, taskDefinition);
    const weights: number[] = [];
    for (let step = 0; step < 2; step++) {
      const { deployment } = await follow(arn, (d) => awaiting(d) !== undefined);
      const hook = deployment.lifecycleHookDetails?.find((h) => h.status === 'AWAITING_ACTION');
      expect(hook).toMatchObject({ targetType: 'PAUSE', timeoutAction: 'ROLLBACK' });
      expect(hook?.expiresAt).toBeInstanceOf(Date);
      weights.push(deployment.targetServiceRevision?.requestedProductionTrafficWeight ?? -1);
      await ecs.send(
        new ContinueServiceDeploymentCommand({
          serviceDeploymentArn: arn,
          hookId: hook?.hookId,
          action: 'CONTINUE',
        }),
      );
      await expect(
        ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId: hook?.hookId })),
      ).rejects.toMatchObject({ name: 'InvalidParameterException' });
    }
    expect(weights).toEqual([50, 100]);
    expect((await follow(arn, terminal)).deployment.status).toBe('SUCCESSFUL');
  });

  it('rolls back at a pause on ROLLBACK, and on the timeout', async () => {
    const config = (timeout: number) => ({
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN' as const,
        lifecycleHooks: [pause(['POST_TEST_TRAFFIC_SHIFT'], timeout)],
      },
    });
    const a = seed(better, config(1440));
    const arnA = await update(a.cluster, a.taskDefinition);
    const paused = await follow(arnA, (d) => awaiting(d) !== undefined);
    expect(paused.deployment.lifecycleStage).toBe('POST_TEST_TRAFFIC_SHIFT');
    const hookId = awaiting(paused.deployment);
    await ecs.send(
      new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arnA, hookId, action: 'ROLLBACK' }),
    );
    expect((await follow(arnA, terminal)).deployment).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      statusReason: `Rollback requested at the PAUSE hook ${hookId} (POST_TEST_TRAFFIC_SHIFT).`,
    });
    const b = seed(better, config(30));
    const arnB = await update(b.cluster, b.taskDefinition);
    const timedOut = await follow(arnB, terminal);
    expect(timedOut.deployment.statusReason).toMatch(
      /^Lifecycle hook \w+ \(PAUSE\) timed out in POST_TEST_TRAFFIC_SHIFT\.$/,
    );
    expect(timedOut.deployment.lifecycleHookDetails?.[0]?.status).toBe('TIMED_OUT');
  });

  it('fails on a failed Lambda hook; StopServiceDeployment rolls back or aborts', async () => {
    const lambda = seed(better, {
      deploymentConfiguration: {
        strategy: 'BLUE_GREEN',
        lifecycleHooks: [
          {
            targetType: 'AWS_LAMBDA',
            hookTargetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:smoke',
            roleArn: 'arn:aws:iam::123456789012:role/hooks',
            lifecycleStages: ['POST_SCALE_UP'],
            hookDetails: { testkitResult: 'FAILED' },
          },
        ],
      },
    });
    const failed = await follow(await update(lambda.cluster, lambda.taskDefinition), terminal);
    expect(failed.deployment).toMatchObject({
      status: 'ROLLBACK_SUCCESSFUL',
      lifecycleHookDetails: [
        { status: 'FAILED', targetArn: 'arn:aws:lambda:eu-west-1:123456789012:function:smoke' },
      ],
    });
    const slow = seed(better, {
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1380 },
    });
    const arn = await update(slow.cluster, slow.taskDefinition);
    await follow(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }));
    expect((await follow(arn, terminal)).deployment.status).toBe('ROLLBACK_SUCCESSFUL');
    await expect(
      ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn })),
    ).rejects.toMatchObject({ name: 'ConflictException' });
    await expect(
      ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: `${arn}x` })),
    ).rejects.toMatchObject({ name: 'ServiceDeploymentNotFoundException' });
  });
});

describe('service deployments: several services per cluster', () => {
  it('deploys web (rolling) and worker (blue/green) of one cluster side by side; a crashing worker rolls back alone', async () => {
    const cluster = 'multi';
    const definition = (family: string, image: string) => ({
      family,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'app', image }],
    });
    peers.aws.ecs.addService({ cluster, service: 'web', taskDefinition: definition('multi-web', good) });
    peers.aws.ecs.addService({
      cluster,
      service: 'worker',
      taskDefinition: definition('multi-worker', good),
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 5 },
    });
    const web = peers.aws.ecs.registerTaskDefinition(definition('multi-web', better));
    const worker = peers.aws.ecs.registerTaskDefinition(definition('multi-worker', crashing));
    const [webOut, workerOut] = await Promise.all([
      ecs.send(new UpdateServiceCommand({ cluster, service: 'web', taskDefinition: web.arn })),
      ecs.send(new UpdateServiceCommand({ cluster, service: 'worker', taskDefinition: worker.arn })),
    ]);
    const [webDone, workerDone] = await Promise.all([
      follow(webOut.service?.currentServiceDeployment ?? '', terminal),
      follow(workerOut.service?.currentServiceDeployment ?? '', terminal),
    ]);
    expect(webDone.deployment.status).toBe('SUCCESSFUL');
    expect(workerDone.deployment.status).toBe('ROLLBACK_SUCCESSFUL');
    const described = await ecs.send(new DescribeServicesCommand({ cluster, services: ['web', 'worker'] }));
    expect(described.services?.map((s) => [s.serviceName, s.taskDefinition])).toEqual([
      ['web', web.arn],
      ['worker', worker.arn.replace(/:2$/, ':1')],
    ]);
  });

  it('StopServiceDeployment ABORT stops the deployment where it stands', async () => {
    const { cluster, taskDefinition } = seed(better, {
      deploymentConfiguration: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1380 },
    });
    const arn = await update(cluster, taskDefinition);
    await follow(arn, (d) => d.lifecycleStage === 'BAKE_TIME');
    await ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ABORT' }));
    const { seen, deployment } = await follow(arn, terminal);
    expect(seen.at(-1)).toBe('STOPPED:BAKE_TIME');
    expect(deployment).toMatchObject({
      statusReason: 'Stopped through StopServiceDeployment.',
      targetServiceRevision: { requestedProductionTrafficWeight: 100 },
    });
    expect(deployment.stoppedAt).toBeInstanceOf(Date);
  });
});

describe('deployment configuration checks', () => {
  it('refuses a bake or a step outside the ranges ECS documents', async () => {
    const { cluster } = seed(better);
    await expect(
      ecs.send(
        new UpdateServiceCommand({
          cluster,
          service: 'web',
          deploymentConfiguration: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 2 } },
        }),
      ),
    ).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: 'deploymentConfiguration.linearConfiguration.stepPercent must be between 3 and 100 (got 2).',
    });
    await expect(
      ecs.send(
        new UpdateServiceCommand({
          cluster,
          service: 'web',
          deploymentConfiguration: { bakeTimeInMinutes: 1441 },
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });
});
