import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServicesCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AddEcsServiceOptions } from './ecs.js';
import { helloAppTaskDefinition, signedCall } from './fixtures.js';
import { CRASH_LABEL } from './image-pull.js';
import { type AwsPeers, startAwsPeers } from './peers.js';
import { pushTestImage } from './registry-api.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let peers: AwsPeers;
let ecs: ECSClient;
let goodV1: string;
let goodV2: string;
let crashing: string;

beforeAll(async () => {
  peers = await startAwsPeers({ ecsTickMs: 25 });
  ecs = new ECSClient(peers.clientConfig);
  const host = peers.registry.host;
  goodV1 = `${host}/hello-app@${await pushTestImage(peers.registry, 'hello-app', 'v1')}`;
  goodV2 = `${host}/hello-app@${await pushTestImage(peers.registry, 'hello-app', 'v2')}`;
  const crashDigest = await pushTestImage(peers.registry, 'hello-app', 'v3', {
    labels: { [CRASH_LABEL]: 'true' },
  });
  crashing = `${host}/hello-app@${crashDigest}`;
});
afterAll(async () => {
  ecs?.destroy();
  await peers?.stop();
});
beforeEach(() => {
  peers.aws.clearInjections();
});

const digestOf = (image: string) => image.slice(image.indexOf('@') + 1);

let serial = 0;
/** A fresh service per test (own cluster), running goodV1 with a sidecar from outside the sandbox. */
function seed(overrides: Partial<AddEcsServiceOptions> = {}) {
  serial++;
  const cluster = `shared-${serial}`;
  const taskDefinition = helloAppTaskDefinition(`hello-app-${serial}`, goodV1, [
    { name: 'PORT', value: '8080' },
  ]);
  const service = peers.aws.ecs.addService({
    cluster,
    service: 'hello-app',
    taskDefinition,
    revision: 7,
    desiredCount: 2,
    ...overrides,
  });
  return { cluster, service, taskDefinition };
}

/** Register a copy of the current revision with the web image replaced, the way a rollout does. */
async function registerWith(cluster: string, image: string) {
  const current = await ecs.send(
    new DescribeTaskDefinitionCommand({
      taskDefinition: peers.aws.ecs.service('hello-app', cluster).taskDefinition,
      include: ['TAGS'],
    }),
  );
  const {
    taskDefinitionArn: _arn,
    revision: _revision,
    status: _status,
    requiresAttributes: _requires,
    compatibilities: _compat,
    registeredAt: _at,
    registeredBy: _by,
    ...input
  } = current.taskDefinition ?? {};
  const containers = (input.containerDefinitions ?? []).map((c) => (c.name === 'web' ? { ...c, image } : c));
  const registered = await ecs.send(
    new RegisterTaskDefinitionCommand({
      ...(input as RegisterTaskDefinitionCommandInput),
      containerDefinitions: containers,
      ...(current.tags?.length ? { tags: current.tags } : {}),
    }),
  );
  return registered.taskDefinition?.taskDefinitionArn as string;
}

async function describe1(cluster: string): Promise<Service> {
  const answer = await ecs.send(new DescribeServicesCommand({ cluster, services: ['hello-app'] }));
  return answer.services?.[0] as Service;
}

describe('ECS', () => {
  it('describes a seeded service in a steady state, and its task definition with tags', async () => {
    const { cluster } = seed();
    const service = await describe1(cluster);
    expect(service).toMatchObject({
      serviceName: 'hello-app',
      status: 'ACTIVE',
      desiredCount: 2,
      runningCount: 2,
      deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true } },
    });
    expect(service.deployments).toHaveLength(1);
    expect(service.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED' });
    expect(service.deployments?.[0]?.id).toMatch(/^ecs-svc\/\d{19}$/);
    expect(service.taskDefinition).toMatch(/:task-definition\/hello-app-\d+:7$/);
    const td = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition, include: ['TAGS'] }),
    );
    expect(td.tags).toEqual([{ key: 'team', value: 'platform' }]);
    expect(td.taskDefinition?.containerDefinitions?.[0]).toMatchObject({
      name: 'web',
      image: goodV1,
      cpu: 0,
    });
    const untagged = await ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition }),
    );
    expect(untagged.tags).toBeUndefined();
    const missing = await ecs.send(new DescribeServicesCommand({ cluster, services: ['nope'] }));
    expect(missing.failures?.[0]?.reason).toBe('MISSING');
    const list = await ecs.send(new ListServicesCommand({ cluster }));
    expect(list.serviceArns).toEqual([service.serviceArn]);
  });

  it('rolls a new revision out: new tasks pull the image, the old ones stop, the deployment completes', async () => {
    const { cluster, taskDefinition } = seed();
    const before = await describe1(cluster);
    const oldTasks = await ecs.send(new ListTasksCommand({ cluster, serviceName: 'hello-app' }));
    const arn = await registerWith(cluster, goodV2);
    expect(arn).toMatch(/:8$/);
    const stored = peers.aws.ecs.registrations.at(-1);
    expect(stored?.input.taskRoleArn).toBe(taskDefinition.taskRoleArn);
    expect(stored?.tags).toEqual(taskDefinition.tags);
    const updated = await ecs.send(
      new UpdateServiceCommand({ cluster, service: 'hello-app', taskDefinition: arn }),
    );
    expect(updated.service?.deployments?.map((d) => d.status)).toEqual(['PRIMARY', 'ACTIVE']);
    expect(updated.service?.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS');
    const newId = updated.service?.deployments?.[0]?.id as string;

    const done = await vi.waitFor(
      async () => {
        const service = await describe1(cluster);
        expect(service.deployments).toHaveLength(1);
        expect(service.deployments?.[0]?.rolloutState).toBe('COMPLETED');
        return service;
      },
      { timeout: 5000, interval: 50 },
    );
    expect(done.deployments?.[0]).toMatchObject({
      id: newId,
      taskDefinition: arn,
      runningCount: 2,
      failedTasks: 0,
    });
    const messages = done.events?.map((e) => e.message) ?? [];
    expect(messages[0]).toBe('(service hello-app) has reached a steady state.');
    expect(messages).toContain(`(service hello-app) (deployment ${newId}) deployment completed.`);
    expect(messages.some((m) => /has started 2 tasks: \(task [a-f0-9]{32}\)/.test(m ?? ''))).toBe(true);
    expect(done.events?.[0]?.createdAt?.getTime()).toBeGreaterThanOrEqual(
      done.events?.at(-1)?.createdAt?.getTime() ?? 0,
    );

    // The registry really served the new image's manifest, config and layers; the sidecar was not fetched.
    const pulls = peers.aws.ecs.pulls.filter((p) => p.image === goodV2);
    expect(pulls.length).toBeGreaterThanOrEqual(2);
    expect(pulls[0]).toMatchObject({ fetched: true, ok: true, digest: digestOf(goodV2) });
    expect(peers.aws.ecs.pulls.find((p) => p.image.startsWith('public.ecr.aws'))?.fetched).toBe(false);

    const stopped = await ecs.send(new DescribeTasksCommand({ cluster, tasks: oldTasks.taskArns ?? [] }));
    for (const task of stopped.tasks ?? []) {
      expect(task).toMatchObject({
        lastStatus: 'STOPPED',
        stopCode: 'ServiceSchedulerInitiated',
        stoppedReason: `Scaling activity initiated by (deployment ${before.deployments?.[0]?.id})`,
      });
    }
    const running = await ecs.send(new ListTasksCommand({ cluster, serviceName: 'hello-app' }));
    const fresh = await ecs.send(new DescribeTasksCommand({ cluster, tasks: running.taskArns ?? [] }));
    expect(fresh.tasks?.map((t) => [t.lastStatus, t.taskDefinitionArn, t.startedBy])).toEqual([
      ['RUNNING', arn, newId],
      ['RUNNING', arn, newId],
    ]);
    expect(fresh.tasks?.[0]?.containers?.find((c) => c.name === 'web')?.imageDigest).toBe(digestOf(goodV2));
  });

  it('resolves a tag reference through the registry: the task reports the digest the registry holds', async () => {
    const { cluster } = seed({ desiredCount: 1 });
    const byTag = `${peers.registry.host}/hello-app:v2`;
    const arn = await registerWith(cluster, byTag);
    await ecs.send(new UpdateServiceCommand({ cluster, service: 'hello-app', taskDefinition: arn }));
    const task = await vi.waitFor(
      async () => {
        const list = await ecs.send(new ListTasksCommand({ cluster, serviceName: 'hello-app' }));
        const tasks = await ecs.send(new DescribeTasksCommand({ cluster, tasks: list.taskArns ?? [] }));
        const running = tasks.tasks?.find((t) => t.taskDefinitionArn === arn && t.lastStatus === 'RUNNING');
        expect(running).toBeDefined();
        return running;
      },
      { timeout: 5000, interval: 50 },
    );
    const web = task?.containers?.find((c) => c.name === 'web');
    expect(web).toMatchObject({ image: byTag, imageDigest: digestOf(goodV2), lastStatus: 'RUNNING' });
    expect(task?.pullStartedAt).toBeInstanceOf(Date);
    expect(task?.pullStoppedAt).toBeInstanceOf(Date);
  });

  it('moves to another deployment when someone else deploys', async () => {
    const { cluster } = seed({ desiredCount: 1 });
    const arn = await registerWith(cluster, goodV2);
    const ours = await ecs.send(
      new UpdateServiceCommand({ cluster, service: 'hello-app', taskDefinition: arn }),
    );
    const theirs = peers.aws.ecs.deploy('hello-app', { cluster, taskDefinition: `hello-app-${serial}:7` });
    const service = await describe1(cluster);
    expect(service.deployments?.map((d) => [d.id, d.status])).toEqual([
      [theirs.id, 'PRIMARY'],
      [ours.service?.deployments?.[0]?.id, 'ACTIVE'],
      [expect.stringMatching(/^ecs-svc\//), 'ACTIVE'],
    ]);
    expect(peers.aws.ecs.updates).toHaveLength(peers.aws.calls('UpdateService', 'ecs').length);
    expect(() =>
      peers.aws.ecs.addService({
        cluster,
        service: 'again',
        taskDefinition: {
          family: `hello-app-${serial}`,
          containerDefinitions: [{ name: 'web', image: goodV1 }],
        },
        revision: 7,
      }),
    ).toThrow(/already has revision 8/);
  });

  it('stops tasks of a missing image with CannotPullContainerError', async () => {
    const { cluster } = seed({ circuitBreaker: { enable: false, rollback: false }, desiredCount: 1 });
    const missing = `${peers.registry.host}/hello-app:v404`;
    const arn = await registerWith(cluster, missing);
    await ecs.send(new UpdateServiceCommand({ cluster, service: 'hello-app', taskDefinition: arn }));
    const task = await vi.waitFor(
      async () => {
        const list = await ecs.send(
          new ListTasksCommand({ cluster, serviceName: 'hello-app', desiredStatus: 'STOPPED' }),
        );
        const tasks = await ecs.send(new DescribeTasksCommand({ cluster, tasks: list.taskArns ?? [] }));
        const failed = tasks.tasks?.find((t) => t.stopCode === 'TaskFailedToStart');
        expect(failed).toBeDefined();
        return failed;
      },
      { timeout: 5000, interval: 50 },
    );
    expect(task?.stoppedReason).toMatch(/^CannotPullContainerError: .*hello-app:v404.*not found/);
    expect(task?.containers?.find((c) => c.name === 'web')?.reason).toMatch(/^CannotPullContainerError/);
    const service = await describe1(cluster);
    expect(service.deployments?.[0]?.failedTasks).toBeGreaterThanOrEqual(1);
    expect(service.deployments?.[0]?.rolloutState).toBe('IN_PROGRESS');
    expect(service.deployments?.[1]?.runningCount).toBe(1);
  });

  it('trips the circuit breaker on a crashing image and rolls back to the last completed deployment', async () => {
    const { cluster } = seed({ desiredCount: 1 });
    const before = await describe1(cluster);
    const previous = before.deployments?.[0];
    const arn = await registerWith(cluster, crashing);
    const update = await ecs.send(
      new UpdateServiceCommand({ cluster, service: 'hello-app', taskDefinition: arn }),
    );
    const failedId = update.service?.deployments?.[0]?.id as string;
    const rolledBack = await vi.waitFor(
      async () => {
        const service = await describe1(cluster);
        expect(service.deployments).toHaveLength(1);
        expect(service.deployments?.[0]?.rolloutState).toBe('COMPLETED');
        return service;
      },
      { timeout: 8000, interval: 50 },
    );
    expect(rolledBack.taskDefinition).toBe(previous?.taskDefinition);
    expect(rolledBack.deployments?.[0]?.rolloutStateReason).toBe(
      `ECS deployment ${rolledBack.deployments?.[0]?.id} completed.`,
    );
    const messages = rolledBack.events?.map((e) => e.message) ?? [];
    expect(messages).toContain(
      `(service hello-app) (deployment ${failedId}) deployment failed: tasks failed to start.`,
    );
    expect(messages).toContain(`(service hello-app) rolling back to deployment ${previous?.id}.`);
    const stopped = await ecs.send(
      new ListTasksCommand({ cluster, serviceName: 'hello-app', desiredStatus: 'STOPPED' }),
    );
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster, tasks: stopped.taskArns ?? [] }));
    const crashed = tasks.tasks?.filter((t) => t.startedBy === failedId) ?? [];
    expect(crashed).toHaveLength(3);
    for (const task of crashed) {
      expect(task).toMatchObject({
        stopCode: 'EssentialContainerExited',
        stoppedReason: 'Essential container in task exited',
      });
      expect(task.containers?.find((c) => c.name === 'web')?.exitCode).toBe(1);
    }
  });

  it('marks the deployment FAILED without rolling back when rollback is off', async () => {
    const { cluster } = seed({ desiredCount: 1, circuitBreaker: { enable: true, rollback: false } });
    const arn = await registerWith(cluster, crashing);
    await ecs.send(new UpdateServiceCommand({ cluster, service: 'hello-app', taskDefinition: arn }));
    const service = await vi.waitFor(
      async () => {
        const s = await describe1(cluster);
        expect(s.deployments?.[0]?.rolloutState).toBe('FAILED');
        return s;
      },
      { timeout: 8000, interval: 50 },
    );
    expect(service.deployments?.[0]).toMatchObject({
      status: 'PRIMARY',
      taskDefinition: arn,
      failedTasks: 3,
      rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.',
    });
    expect(service.deployments?.[1]).toMatchObject({ status: 'ACTIVE', runningCount: 1 });
  });

  it('answers injected throttling, and refuses requests outside the model or unknown resources', async () => {
    const { cluster } = seed();
    peers.aws.inject({ operation: 'DescribeServices', errorType: 'ThrottlingException', times: 1 });
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster, services: ['hello-app'] })),
    ).rejects.toMatchObject({ name: 'ThrottlingException', message: 'Rate exceeded' });
    expect(peers.aws.calls('DescribeServices', 'ecs').at(-1)).toMatchObject({ injected: true, status: 400 });
    await expect(
      ecs.send(
        new DescribeServicesCommand({ cluster, services: Array.from({ length: 11 }, (_, i) => `s${i}`) }),
      ),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    // A read-only field of the answer is not an input: what a naive copy of DescribeTaskDefinition sends.
    const naive = await signedCall(peers, 'ecs', 'RegisterTaskDefinition', {
      family: 'x',
      containerDefinitions: [{ name: 'web', image: goodV1 }],
      revision: 3,
    });
    expect(naive).toEqual({
      status: 400,
      body: {
        __type: 'ValidationException',
        message: "1 validation error detected: Unexpected key 'revision' found in params",
      },
    });
    await expect(
      ecs.send(new RegisterTaskDefinitionCommand({ family: 'x', containerDefinitions: [{ name: 'web' }] })),
    ).rejects.toMatchObject({
      name: 'ClientException',
      message: 'Container.image should not be null or empty.',
    });
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster, service: 'nope', taskDefinition: 'x:1' })),
    ).rejects.toMatchObject({ name: 'ServiceNotFoundException' });
    await expect(
      ecs.send(new DescribeServicesCommand({ cluster: 'nope', services: ['a'] })),
    ).rejects.toMatchObject({
      name: 'ClusterNotFoundException',
    });
    await expect(
      ecs.send(new UpdateServiceCommand({ cluster, service: 'hello-app', taskDefinition: 'missing:9' })),
    ).rejects.toMatchObject({ name: 'ClientException', message: 'Unable to describe task definition.' });
    peers.aws.inject({ operation: 'RegisterTaskDefinition', errorType: 'AccessDeniedException' });
    await expect(
      ecs.send(
        new RegisterTaskDefinitionCommand({
          family: 'x',
          containerDefinitions: [{ name: 'web', image: goodV1 }],
        }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        'not authorized to perform: ecs:RegisterTaskDefinition on resource: arn:aws:ecs:eu-west-1:123456789012:task-definition/x:*',
      ),
    });
    expect(peers.aws.outputViolations).toEqual([]);
  });
});
