/**
 * The rollout through the real SDK clients (SSM, ECR, ECS) against the testkit's AWS server, whose ECS
 * services really pull their images from the test registry.
 */
import {
  type AddEcsServiceOptions,
  type AwsPeers,
  helloAppTaskDefinition,
  writeRequests,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { planRollout } from '../plan/rollout.js';
import type { ContainerService } from '../ports/ports.js';
import { READ_ONLY_FIELDS } from '../steps/rollout/task-definition.js';
import { ROLLOUT_NAMES } from '../testing/names.js';
import { type RolloutPeers, startRolloutPeers } from '../testing/rollout-peers.js';
import { firstService, type RolloutPorts, rollout } from './rollout.js';

let peers: AwsPeers;
let ports: RolloutPorts;
let containers: ContainerService;
let digests: RolloutPeers['digests'];

beforeAll(async () => {
  // v3: every container crashes.
  ({ peers, ports, containers, digests } = await startRolloutPeers('true'));
});
afterAll(async () => {
  await peers?.stop();
});
beforeEach(() => {
  peers.aws.clearInjections();
  peers.aws.clearRequests();
});

let serial = 0;
/** A fresh cluster per test with hello-app running v1 beside a sidecar from outside the sandbox. */
async function seed(version: string, overrides: Partial<AddEcsServiceOptions> = {}) {
  serial++;
  const cluster = `shared-${serial}`;
  const parameter = `/shared-hosting/hello-app/env${serial}/version`;
  peers.aws.ecs.addService({
    cluster,
    service: 'hello-app',
    taskDefinition: helloAppTaskDefinition(
      `hello-app-${serial}`,
      `${peers.registry.host}/hello-app@${digests.v1}`,
      [{ name: 'GREETING', value: 'hello' }],
    ),
    desiredCount: 2,
    ...overrides,
  });
  await ports.parameters.put(parameter, 'v1', 'v1');
  await ports.parameters.label(parameter, 1, ['deployed']);
  if (version !== 'v1') await ports.parameters.put(parameter, version, version);
  const plan = {
    ...planRollout(
      { application: 'hello-app', environment: `env${serial}`, cluster, container: 'web' },
      { file: 'apps/hello-app.yaml', environments: { [`env${serial}`]: { cluster } }, lines: {}, parameter },
      ROLLOUT_NAMES,
    ),
  };
  return { cluster, parameter, plan };
}

/** What a task definition says, without the fields ECS fills in. */
async function settings(arn: string) {
  const td = await containers.describeTaskDefinition(arn);
  const document: Record<string, unknown> = { ...td.document };
  for (const field of READ_ONLY_FIELDS) delete document[field];
  return { document, tags: td.tags };
}

const deployedVersion = async (parameter: string) =>
  (await ports.parameters.history(parameter)).find((h) => h.labels?.includes('deployed'))?.version;

describe('rollout against the ECS test server', () => {
  it('pins the digest, keeps everything else of the task definition, and moves the label', async () => {
    const { cluster, parameter, plan } = await seed('v2', {});
    const before = peers.aws.ecs.service('hello-app', cluster).taskDefinition;
    const result = await rollout(plan, ports);
    expect(result.error).toBeUndefined();
    const image = `${peers.registry.host}/hello-app@${digests.v2}`;
    expect(result).toMatchObject({
      status: 'succeeded',
      image,
      digest: digests.v2,
    });
    expect(firstService(result).rolloutState).toBe('COMPLETED');
    expect(firstService(result).previousTaskDefinition).toBe(before);

    const old = await settings(before);
    const now = await settings(firstService(result).taskDefinition ?? '');
    const containersBefore = old.document.containerDefinitions as { name: string; image: string }[];
    const expected = {
      ...old.document,
      containerDefinitions: containersBefore.map((c) => (c.name === 'web' ? { ...c, image } : c)),
    };
    expect(now.document).toEqual(expected);
    expect(now.tags).toEqual([{ key: 'team', value: 'platform' }]);

    const service = peers.aws.ecs.service('hello-app', cluster);
    expect(service.taskDefinition).toBe(firstService(result).taskDefinition);
    expect(peers.aws.ecs.pulls.some((p) => p.image === image && p.ok)).toBe(true);
    expect(await deployedVersion(parameter)).toBe(2);
    expect(result.events.map((e) => e.message).join('\n')).toContain('has reached a steady state');
  });

  it('survives ECS throttling', async () => {
    const { plan } = await seed('v2');
    for (const operation of [
      'DescribeServices',
      'DescribeTaskDefinition',
      'RegisterTaskDefinition',
      'UpdateService',
    ])
      peers.aws.inject({ operation, errorType: 'ThrottlingException', times: 2 });
    const result = await rollout(plan, ports);
    expect(result.error).toBeUndefined();
    expect(peers.aws.requests.filter((r) => r.injected && r.service === 'ecs').length).toBe(8);
  });

  it('a second rollout of the running version changes nothing', async () => {
    const { plan } = await seed('v2');
    expect((await rollout(plan, ports)).status).toBe('succeeded');
    peers.aws.clearRequests();
    const second = await rollout(plan, ports);
    expect(second).toMatchObject({ status: 'succeeded', alreadyRunning: true });
    expect(writeRequests(peers.aws.requests)).toEqual([]);
  });

  it('a crashing image fails with the stopped reason; the service goes back to the previous revision; label unmoved', async () => {
    const { cluster, parameter, plan } = await seed('v3');
    const before = peers.aws.ecs.service('hello-app', cluster).taskDefinition;
    const result = await rollout(plan, ports);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('ROLLOUT_FAILED');
    expect(result.error?.kind).toBe('deployment');
    expect(result.error?.message).toMatch(
      /the deployment circuit breaker tripped: \d+ failed tasks \(threshold \d+\)/,
    );
    expect(result.error?.message).toMatch(
      /ECS is rolling the service back to hello-app-\d+:1|went back to hello-app-\d+:1/,
    );
    expect(result.error?.message).toContain('Essential container in task exited');
    expect(result.stoppedReasons[0]).toBe('Essential container in task exited');
    expect(result.rolledBackTo).toBe(before);
    await vi.waitFor(
      () => {
        const service = peers.aws.ecs.service('hello-app', cluster);
        expect(service.taskDefinition).toBe(before);
        expect(service.deployments.map((d) => d.rolloutState)).toEqual(['COMPLETED']);
      },
      { timeout: 5000, interval: 50 },
    );
    expect(await deployedVersion(parameter)).toBe(1);
  });

  it('where the service deployments API is unavailable, deployments[] is followed instead (same verdicts)', async () => {
    peers.aws.ecs.setServiceDeploymentsApi(false);
    try {
      const good = await seed('v2');
      expect((await rollout(good.plan, ports)).status).toBe('succeeded');
      const { plan } = await seed('v3');
      const result = await rollout(plan, ports);
      expect(result.error?.message).toContain('deployment failed: tasks failed to start');
      expect(result.error?.message).toContain('the circuit breaker rolled the service back');
      expect(result.stoppedReasons[0]).toBe('Essential container in task exited');
      expect(firstService(result).serviceDeployment).toBeUndefined();
    } finally {
      peers.aws.ecs.setServiceDeploymentsApi(true);
    }
  });

  it('a version whose image is missing fails as a precondition before any registration', async () => {
    const { plan } = await seed('v9');
    const result = await rollout(plan, ports);
    expect(result.error?.code).toBe('IMAGE_NOT_FOUND');
    expect(result.error?.message).toContain('v9');
    expect(peers.aws.requests.filter((r) => r.service === 'ecs')).toEqual([]);
  });

  it('completion is noticed within 3 s', async () => {
    const { cluster, plan } = await seed('v2');
    const result = await rollout(plan, ports);
    expect(result.status).toBe('succeeded');
    const service = peers.aws.ecs.service('hello-app', cluster);
    const completed = service.events.find((e) => /deployment completed/.test(e.message));
    const end = result.steps.find((s) => s.step === 'ecs-wait');
    expect(completed).toBeDefined();
    expect(end).toBeDefined();
    const finished = Date.now();
    expect(finished - new Date(completed?.createdAt ?? 0).getTime()).toBeLessThan(3000);
  });
});
