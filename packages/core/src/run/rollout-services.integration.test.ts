/**
 * Multi-service rollouts through the real SDK clients (SSM, ECR, ECS) against the testkit's AWS server:
 * a web (rolling) and a worker (blue/green) of one image version, all or nothing. Integration: the ECS
 * test server's tasks and deployments move on the real clock (compressed).
 */
import { type AwsPeers, writeRequests } from '@shared-hosting/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { planRollout } from '../plan/rollout.js';
import type { Reporter } from '../ports/events.js';
import type { ContainerService } from '../ports/ports.js';
import { parseAppSpec } from '../spec/app-spec.js';
import { ROLLOUT_NAMES } from '../testing/names.js';
import { type RolloutPeers, startRolloutPeers } from '../testing/rollout-peers.js';
import { planResume, resume } from './resume.js';
import { type RolloutPorts, rollout, rolloutOutputs } from './rollout.js';

let peers: AwsPeers;
let ports: RolloutPorts;
let containers: ContainerService;
let digests: RolloutPeers['digests'];

beforeAll(async () => {
  // v3: the web runs, the worker's container crashes.
  ({ peers, ports, containers, digests } = await startRolloutPeers('worker', { clockFactor: 600 }));
});
afterAll(async () => {
  await peers?.stop();
});
beforeEach(() => {
  peers.aws.clearInjections();
  peers.aws.clearRequests();
});

const network = { awsvpcConfiguration: { subnets: ['subnet-0abc'], securityGroups: ['sg-0abc'] } };
let serial = 0;

/** A fresh cluster with hello-app-web (rolling) and hello-app-worker (blue/green) on v1, and its App spec. */
async function seed(
  version: string,
  extra = '',
  webStrategy: 'ROLLING' | 'CANARY' = 'ROLLING',
  workerPause = false,
) {
  serial++;
  const cluster = `multi-${serial}`;
  const environment = `env${serial}`;
  const parameter = `/shared-hosting/hello-app/${environment}/version`;
  for (const [name, strategy] of [
    ['web', webStrategy],
    ['worker', 'BLUE_GREEN'],
  ] as const) {
    peers.aws.ecs.addService({
      cluster,
      service: `hello-app-${name}`,
      taskDefinition: {
        family: `hello-app-${name}-${serial}`,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name,
            image: `${peers.registry.host}/hello-app@${digests.v1}`,
            command: [name === 'web' ? 'serve' : 'work'],
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': `/ecs/hello-app-${name}`, 'awslogs-stream-prefix': 'ecs' },
            },
          },
        ],
        tags: [{ key: 'role', value: name }],
      },
      desiredCount: 2,
      networkConfiguration: network,
      ...(name === 'web' ? { launchType: 'FARGATE' as const } : {}),
      deploymentConfiguration: {
        strategy,
        bakeTimeInMinutes: strategy === 'BLUE_GREEN' ? 1 : 0,
        ...(strategy === 'CANARY'
          ? { canaryConfiguration: { canaryPercent: 50, canaryBakeTimeInMinutes: 30 } }
          : {}),
        ...(name === 'worker' && workerPause
          ? {
              lifecycleHooks: [
                {
                  targetType: 'PAUSE' as const,
                  lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT' as const],
                  timeoutConfiguration: { timeoutInMinutes: 600, action: 'ROLLBACK' as const },
                },
              ],
            }
          : {}),
      },
    });
  }
  await ports.parameters.put(parameter, 'v1', 'v1');
  await ports.parameters.label(parameter, 1, ['deployed']);
  if (version !== 'v1') await ports.parameters.put(parameter, version, version);
  const text = `environments:
  ${environment}:
    cluster: ${cluster}
    services:
      web: { service: hello-app-web, container: web }
      worker: { service: hello-app-worker, container: worker }
${extra}`;
  const spec = parseAppSpec(text, 'apps/hello-app.yaml');
  const plan = planRollout({ application: 'hello-app', environment }, spec, ROLLOUT_NAMES);
  return { cluster, parameter, plan: { ...plan, pollIntervalMs: 200 } };
}

const deployedVersion = async (parameter: string) =>
  (await ports.parameters.history(parameter)).find((h) => h.labels?.includes('deployed'))?.version;
const current = (cluster: string, name: string) =>
  peers.aws.ecs.service(`hello-app-${name}`, cluster).taskDefinition;
const updates = (cluster: string) =>
  peers.aws.calls('UpdateService', 'ecs').filter((c) => c.params?.cluster === cluster);

describe('a web + worker rollout against the ECS test server', () => {
  it('registers one revision per service pinned by the same digest, keeps their settings, follows both, moves the label', async () => {
    const { cluster, parameter, plan } = await seed('v2');
    const before = { web: current(cluster, 'web'), worker: current(cluster, 'worker') };
    const result = await rollout(plan, ports);
    expect(result.error).toBeUndefined();
    const image = `${peers.registry.host}/hello-app@${digests.v2}`;
    expect(result.services.map((s) => [s.name, s.rolloutState, s.strategy])).toEqual([
      ['web', 'COMPLETED', 'ROLLING'],
      ['worker', 'COMPLETED', 'BLUE_GREEN'],
    ]);
    for (const s of result.services) {
      const now = current(cluster, s.name);
      expect(s.taskDefinition).toBe(now);
      expect(s.previousTaskDefinition).toBe(before[s.name as 'web' | 'worker']);
      const td = await containers.describeTaskDefinition(now);
      expect(td.document.containerDefinitions[0]).toMatchObject({ name: s.name, image });
      expect(td.document.containerDefinitions[0]?.command).toEqual([s.name === 'web' ? 'serve' : 'work']);
      expect(td.tags).toEqual([{ key: 'role', value: s.name }]);
    }
    expect(rolloutOutputs(result)['task-definition']).toBe(result.services[0]?.taskDefinition);
    expect(await deployedVersion(parameter)).toBe(2);

    peers.aws.clearRequests();
    const again = await rollout(plan, ports);
    expect(again).toMatchObject({ status: 'succeeded', alreadyRunning: true });
    expect(writeRequests(peers.aws.requests)).toEqual([]);
  });

  it("where the worker's tasks crash, both end on their previous revisions, the label is unmoved, the error names the worker and its stopped reason", async () => {
    const { cluster, parameter, plan } = await seed('v3');
    const before = { web: current(cluster, 'web'), worker: current(cluster, 'worker') };
    const result = await rollout(plan, ports);
    expect(result.status).toBe('failed');
    expect(result.error?.kind).toBe('deployment');
    const message = result.error?.message ?? '';
    expect(message).toMatch(/^worker: The rollout of hello-app-worker to hello-app-worker-\d+:2 failed/);
    expect(message).toContain('Essential container in task exited');
    expect(message).toMatch(/Restored web \(hello-app-web\): .*back on hello-app-web-\d+:1/);
    expect(message).toMatch(/Restored worker \(hello-app-worker\): .*back on hello-app-worker-\d+:1/);
    expect(result.steps.map((s) => `${s.step}:${s.status}`)).toEqual([
      'read:done',
      'resolve:done',
      'render:done',
      'update-service:done',
      'ecs-wait:failed',
      'roll-back:done',
    ]);
    expect(current(cluster, 'web')).toBe(before.web);
    expect(current(cluster, 'worker')).toBe(before.worker);
    for (const name of ['web', 'worker'])
      expect(
        peers.aws.ecs.service(`hello-app-${name}`, cluster).deployments.map((d) => d.rolloutState),
      ).toEqual(['COMPLETED']);
    expect(result.services.map((s) => [s.name, s.restored])).toEqual([
      ['web', true],
      ['worker', true],
    ]);
    expect(await deployedVersion(parameter)).toBe(1);
    expect(updates(cluster).length).toBeGreaterThanOrEqual(2);

    // A second rollout of the same version after the failed one starts clean: new revisions, the same verdict.
    const second = await rollout(plan, ports);
    expect(second.error?.message).toMatch(/hello-app-worker-\d+:3 failed/);
    expect(current(cluster, 'web')).toBe(before.web);
  });

  it('a service still in flight when another fails is stopped with rollback (StopServiceDeployment), and waited for', async () => {
    const { cluster, plan } = await seed('v3', '', 'CANARY');
    const before = current(cluster, 'web');
    const result = await rollout(plan, ports);
    expect(result.error?.message).toMatch(/^worker: /);
    expect(result.error?.message).toMatch(
      /Restored web \(hello-app-web\): stopped its deployment with rollback \(StopServiceDeployment\); back on hello-app-web-\d+:1/,
    );
    expect(peers.aws.calls('StopServiceDeployment', 'ecs')).toHaveLength(1);
    expect(current(cluster, 'web')).toBe(before);
    const statuses = peers.aws.ecs.serviceDeploymentsOf('hello-app-web', cluster).map((d) => d.status);
    expect(statuses).toContain('ROLLBACK_SUCCESSFUL');
  });

  it('interrupted after the services were updated, it rolls back the ones it changed and says so', async () => {
    const { cluster, parameter, plan } = await seed('v2');
    const before = { web: current(cluster, 'web'), worker: current(cluster, 'worker') };
    const controller = new AbortController();
    const reporter: Reporter = {
      emit: (event) => {
        if (event.type === 'step-end' && event.step === 'update-service')
          controller.abort(new Error('SIGINT'));
      },
    };
    const result = await rollout(plan, { ...ports, reporter }, { signal: controller.signal });
    expect(result.error?.kind).toBe('interrupted');
    expect(result.error?.message).toContain('Restored web (hello-app-web)');
    expect(result.error?.message).toContain('Restored worker (hello-app-worker)');
    expect(result.steps.map((s) => `${s.step}:${s.status}`).slice(-2)).toEqual([
      'update-service:done',
      'roll-back:done',
    ]);
    expect(current(cluster, 'web')).toBe(before.web);
    expect(current(cluster, 'worker')).toBe(before.worker);
    expect(await deployedVersion(parameter)).toBe(1);
  });
});

const MIGRATE = (command: string, timeout = '10m') => `    release:
      service: web
      command: ${command}
      timeout: ${timeout}
`;
const runTasks = (cluster: string) =>
  peers.aws.calls('RunTask', 'ecs').filter((c) => c.params?.cluster === cluster);

describe('hosting continue with several services', () => {
  it("answers the worker's pause: the one paused among the services", async () => {
    const { cluster, plan } = await seed('v2', '', 'ROLLING', true);
    const notices: string[] = [];
    const reporter: Reporter = {
      emit: (event) => {
        if (event.type === 'notice') notices.push(event.message);
      },
    };
    const rolling = rollout(plan, { ...ports, reporter });
    await vi.waitFor(() => expect(notices).toHaveLength(1), { timeout: 10_000, interval: 50 });
    expect(notices[0]).toContain('The deployment of hello-app-worker is paused at PRODUCTION_TRAFFIC_SHIFT');
    const answer = await resume(planResume(plan, 'continue'), ports);
    expect(answer.error).toBeUndefined();
    expect(answer).toMatchObject({ service: 'hello-app-worker', call: 'ContinueServiceDeployment CONTINUE' });
    const result = await rolling;
    expect(result.error).toBeUndefined();
    expect(result.services.map((s) => s.taskDefinition)).toEqual([
      current(cluster, 'web'),
      current(cluster, 'worker'),
    ]);
  });
});

describe('the release task', () => {
  it("runs the web's new revision with its network configuration and launch type and the command replaced, before any update", async () => {
    const { cluster, plan } = await seed('v2', MIGRATE('[bin/migrate, --up]'));
    const result = await rollout(plan, ports);
    expect(result.error).toBeUndefined();
    const [run] = runTasks(cluster);
    const web = result.services.find((s) => s.name === 'web');
    expect(run?.params).toMatchObject({
      cluster,
      taskDefinition: web?.taskDefinition,
      networkConfiguration: network,
      launchType: 'FARGATE',
      overrides: { containerOverrides: [{ name: 'web', command: ['bin/migrate', '--up'] }] },
    });
    expect(result.release).toMatchObject({ exitCode: 0 });
    expect(result.release?.logs).toMatch(
      /^CloudWatch Logs group \/ecs\/hello-app-web, stream ecs\/web\/[0-9a-f]+$/,
    );
    const order = peers.aws.requests
      .filter(
        (r) => ['RunTask', 'UpdateService'].includes(r.operation ?? '') && r.params?.cluster === cluster,
      )
      .map((r) => r.operation);
    expect(order).toEqual(['RunTask', 'UpdateService', 'UpdateService']);
    expect(result.steps.map((s) => s.step)).toContain('release');

    // Every service already runs the image: nothing runs.
    const again = await rollout(plan, ports);
    expect(again).toMatchObject({ status: 'succeeded', alreadyRunning: true, release: undefined });
    expect(runTasks(cluster)).toHaveLength(1);
  });

  it('a failing migration exits 1 with zero UpdateService calls, naming the exit code and the log location', async () => {
    const { cluster, parameter, plan } = await seed('v2', MIGRATE('[bin/migrate, exit 3]'));
    const result = await rollout(plan, ports);
    expect(result.error).toMatchObject({ code: 'RELEASE_FAILED', kind: 'deployment' });
    expect(result.error?.message).toMatch(
      /^The release task \["bin\/migrate","exit 3"\] \(hello-app-web-\d+:2, web\) exited with code 3 after .*: Essential container in task exited\. No service was updated\. Its logs: CloudWatch Logs group \/ecs\/hello-app-web, stream ecs\/web\/[0-9a-f]+\.$/,
    );
    expect(result.release).toMatchObject({
      exitCode: 3,
      stoppedReason: 'Essential container in task exited',
    });
    expect(updates(cluster)).toEqual([]);
    expect(await deployedVersion(parameter)).toBe(1);
  });

  it('a task that cannot start fails the rollout naming why; nothing is updated', async () => {
    const { cluster, plan } = await seed('v2', MIGRATE('[bin/migrate]'));
    peers.aws.ecs.failRunTask({ reason: 'RESOURCE:MEMORY' });
    const result = await rollout(plan, ports);
    expect(result.error?.code).toBe('RELEASE_FAILED');
    expect(result.error?.message).toContain('could not start: RESOURCE:MEMORY');
    expect(updates(cluster)).toEqual([]);
  });

  it('a migration that outlives its timeout is stopped (StopTask) and fails the rollout as a timeout', async () => {
    const { cluster, plan } = await seed('v2', MIGRATE('[bin/migrate, sleep 3600]'));
    const release = plan.release && { ...plan.release, timeoutMs: 500 };
    const result = await rollout({ ...plan, release }, ports);
    expect(result.error?.kind).toBe('timeout');
    expect(result.error?.message).toContain('it was stopped (StopTask)');
    const [stop] = peers.aws.calls('StopTask', 'ecs').filter((c) => c.params?.cluster === cluster);
    expect(stop?.params?.task).toBe(result.release?.taskArn);
    const task = peers.aws.ecs.standaloneTasks(cluster).find((t) => t.arn === result.release?.taskArn);
    expect(task?.lastStatus).toBe('STOPPED');
    expect(updates(cluster)).toEqual([]);
  });

  it('an interrupted release task is stopped; nothing is updated', async () => {
    const { cluster, plan } = await seed('v2', MIGRATE('[bin/migrate, sleep 3600]'));
    const controller = new AbortController();
    const reporter: Reporter = {
      emit: (event) => {
        if (event.type === 'step-progress' && event.step === 'release' && event.message.endsWith('RUNNING'))
          controller.abort(new Error('SIGTERM'));
      },
    };
    const result = await rollout(plan, { ...ports, reporter }, { signal: controller.signal });
    expect(result.error?.kind).toBe('interrupted');
    expect(result.error?.message).toContain(
      'Interrupted while the release task ran: it was stopped (StopTask)',
    );
    const task = peers.aws.ecs.standaloneTasks(cluster).find((t) => t.arn === result.release?.taskArn);
    expect(task?.lastStatus).toBe('STOPPED');
    expect(task?.stopCode).toBe('UserInitiated');
    expect(updates(cluster)).toEqual([]);
  });
});
