/**
 * End to end: the BUILT `hosting rollout`, spawned as the infra workflow would, against the testkit's
 * AWS server (SSM, ECR, ECS whose tasks pull from a real docker-registry), with an App spec on disk.
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { helloAppTaskDefinition, writeRequests } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { param } from './kit/app.js';
import { requireBuiltBin } from './kit/bin.js';
import { type EcsPeers, seedVersion, startEcsPeers, writeAppSpec } from './kit/ecs.js';

const ENVIRONMENTS = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];

let ecs: EcsPeers;
let peers: EcsPeers['aws'];

const run = (args: string[]) => ecs.run(['rollout', '--app', 'hello-app', ...args]);

/** Environment `env` runs hello-app v1 in its own cluster; the parameter holds `version`. */
async function seed(env: string, version: string) {
  peers.aws.ecs.addService({
    cluster: `cluster-${env}`,
    service: 'hello-app',
    taskDefinition: helloAppTaskDefinition(
      `hello-app-${env}`,
      `${peers.registry.host}/hello-app@${ecs.digests.v1}`,
      [{ name: 'GREETING', value: 'hello' }],
    ),
    desiredCount: 2,
  });
  const parameter = param('hello-app', env);
  await seedVersion(ecs.parameters, parameter, version);
  peers.aws.clearRequests();
  return parameter;
}

const ecsRequests = () => peers.aws.requests.filter((r) => r.service === 'ecs');

beforeAll(async () => {
  requireBuiltBin();
  ecs = await startEcsPeers('hello-app');
  peers = ecs.aws;
  writeAppSpec(ecs, 'hello-app', ENVIRONMENTS);
}, 60_000);
afterAll(async () => {
  await ecs?.stop();
});

describe('hosting rollout (built bin)', () => {
  it('rolls out, prints each step and event as plain lines, then a second run changes nothing', async () => {
    const parameter = await seed('e1', 'v2');
    const first = await run(['--env', 'e1']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    for (const title of [
      'Read version from SSM',
      'Resolve image in ECR',
      'Render task definition',
      'Update ECS service',
      'Wait for ECS deployment',
      'Record deployed version',
    ])
      expect(first.stdout).toContain(`▸ ${title}`);
    expect(first.stdout).toContain('new revision: 2/2 tasks running');
    expect(first.stdout).toContain('deployed (ROLLING): service deployment SUCCESSFUL');
    expect(first.stdout).toContain('event: (service hello-app) has reached a steady state.');
    expect(first.stdout).toContain('Rolled out hello-app v2 in e1 on cluster-e1/hello-app');
    expect(first.stdout).not.toContain('\u001b[');
    expect(peers.aws.ssm.labels(parameter)).toEqual({ deployed: 2, complete: 2 });

    peers.aws.clearRequests();
    const second = await run(['--env', 'e1', '--json']);
    expect(second.code).toBe(0);
    const json = JSON.parse(second.stdout);
    expect(json).toMatchObject({
      status: 'succeeded',
      'already-running': true,
      version: 'v2',
      'parameter-version': '2',
      image: `${peers.registry.host}/hello-app@${ecs.digests.v2}`,
      digest: ecs.digests.v2,
      'task-definition': expect.stringMatching(/task-definition\/hello-app-e1:2$/),
      'rollout-state': 'COMPLETED',
    });
    expect(writeRequests(peers.aws.requests)).toEqual([]);
  });

  it('--dry-run prints the task definition diff and registers nothing', async () => {
    await seed('e2', 'v2');
    const result = await run(['--env', 'e2', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan (dry run, nothing will be changed):');
    expect(result.stdout).toContain(
      `~ containerDefinitions[web].image: "${peers.registry.host}/hello-app@${ecs.digests.v1}" → "${peers.registry.host}/hello-app@${ecs.digests.v2}"`,
    );
    expect(ecsRequests().map((r) => r.operation)).toEqual(['DescribeServices', 'DescribeTaskDefinition']);
  });

  it('a crashing image exits 1 with the stopped reason; the service goes back; the label stays', async () => {
    const parameter = await seed('e3', 'v3');
    const before = peers.aws.ecs.service('hello-app', 'cluster-e3').taskDefinition;
    const result = await run(['--env', 'e3']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Essential container in task exited');
    expect(result.stderr).toMatch(/the deployment circuit breaker tripped: \d+ failed tasks \(threshold 3\)/);
    expect(result.stderr).toMatch(
      /(ECS is rolling the service back to|The service went back to) hello-app-e3:1\./,
    );
    await vi.waitFor(
      () => expect(peers.aws.ecs.service('hello-app', 'cluster-e3').taskDefinition).toBe(before),
      {
        timeout: 5000,
      },
    );
    expect(peers.aws.ssm.labels(parameter)).toEqual({ deployed: 1 });
  });

  it('a version whose image is missing exits 3 before any registration', async () => {
    await seed('e4', 'v9');
    const result = await run(['--env', 'e4']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('Version v9');
    expect(result.stderr).toContain('hello-app:v9 does not exist');
    expect(peers.aws.calls('RegisterTaskDefinition', 'ecs')).toEqual([]);
  });

  it('an environment missing from the App spec exits 2 naming file and line, before any ECS call', async () => {
    peers.aws.clearRequests();
    const result = await run(['--env', 'production']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('apps/hello-app.yaml:2: environment "production" is not in the App spec');
    expect(result.stderr).toContain('Add "production:" with its "cluster"');
    expect(peers.aws.requests).toEqual([]);
  });

  it('an unknown key in the App spec exits 2 naming its line', async () => {
    writeFileSync(path.join(ecs.infra, 'apps/typo.yaml'), 'environments:\n  e1:\n    clustr: x\n');
    const result = await run(['--env', 'e1', '--spec', 'apps/typo.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('apps/typo.yaml:3: unknown key "clustr" in environments.e1.');
    expect(result.stderr).toContain('apps/typo.yaml:2: environments.e1 has no "cluster".');
  });
});
