/**
 * End to end: the BUILT `hosting rollout`, spawned as the infra workflow would, against the testkit's
 * AWS server (SSM, ECR, ECS whose tasks pull from a real docker-registry), with an App spec on disk.
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRolloutPorts, type ParameterStore, silentReporter } from '@shared-hosting/core';
import { type AwsPeers, CRASH_LABEL, pushTestImage, startAwsPeers } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CLI_ADAPTER_NAMES } from '../src/runtime/names.js';

const bin = path.resolve(import.meta.dirname, '../dist/hosting.cjs');
const ENVIRONMENTS = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6'];

let peers: AwsPeers;
let parameters: ParameterStore;
let infra: string;
const digests: Record<string, string> = {};

function run(args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, 'rollout', '--app', 'hello-app', ...args], {
      cwd: infra,
      env: { PATH: process.env.PATH ?? '', HOME: infra, ...peers.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Environment `env` runs hello-app v1 in its own cluster; the parameter holds `version`. */
async function seed(env: string, version: string) {
  peers.aws.ecs.addService({
    cluster: `cluster-${env}`,
    service: 'hello-app',
    taskDefinition: {
      family: `hello-app-${env}`,
      taskRoleArn: 'arn:aws:iam::123456789012:role/hello-app-task',
      executionRoleArn: 'arn:aws:iam::123456789012:role/ecs-execution',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [
        {
          name: 'web',
          image: `${peers.registry.host}/hello-app@${digests.v1}`,
          environment: [{ name: 'GREETING', value: 'hello' }],
        },
        { name: 'log-router', image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable' },
      ],
      tags: [{ key: 'team', value: 'platform' }],
    },
    desiredCount: 2,
  });
  const parameter = `/shared-hosting/hello-app/${env}/version`;
  await parameters.put(parameter, 'v1', 'v1');
  await parameters.label(parameter, 1, ['deployed']);
  await parameters.put(parameter, version, version);
  peers.aws.clearRequests();
  return parameter;
}

const ecsRequests = () => peers.aws.requests.filter((r) => r.service === 'ecs');

beforeAll(async () => {
  peers = await startAwsPeers({ ecsTickMs: 20 });
  peers.createRepository('hello-app');
  for (const tag of ['v1', 'v2']) digests[tag] = await pushTestImage(peers.registry, 'hello-app', tag);
  digests.v3 = await pushTestImage(peers.registry, 'hello-app', 'v3', { labels: { [CRASH_LABEL]: 'true' } });
  parameters = (
    await createRolloutPorts({ env: peers.env, reporter: silentReporter, names: CLI_ADAPTER_NAMES })
  ).parameters;
  infra = mkdtempSync(path.join(tmpdir(), 'infra-'));
  mkdirSync(path.join(infra, 'apps'));
  const spec = ['repository: hello-app', 'environments:'];
  for (const env of ENVIRONMENTS) spec.push(`  ${env}:`, `    cluster: cluster-${env}`, '    container: web');
  writeFileSync(path.join(infra, 'apps/hello-app.yaml'), `${spec.join('\n')}\n`);
});
afterAll(async () => {
  await peers?.stop();
  if (infra) rmSync(infra, { recursive: true, force: true });
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
      image: `${peers.registry.host}/hello-app@${digests.v2}`,
      digest: digests.v2,
      'task-definition': expect.stringMatching(/task-definition\/hello-app-e1:2$/),
      'rollout-state': 'COMPLETED',
    });
    const changes = peers.aws.requests.filter((r) =>
      ['RegisterTaskDefinition', 'UpdateService', 'LabelParameterVersion'].includes(r.operation ?? ''),
    );
    expect(changes).toEqual([]);
  });

  it('--dry-run prints the task definition diff and registers nothing', async () => {
    await seed('e2', 'v2');
    const result = await run(['--env', 'e2', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Plan (dry run, nothing will be changed):');
    expect(result.stdout).toContain(
      `~ containerDefinitions[web].image: "${peers.registry.host}/hello-app@${digests.v1}" → "${peers.registry.host}/hello-app@${digests.v2}"`,
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
    writeFileSync(path.join(infra, 'apps/typo.yaml'), 'environments:\n  e1:\n    clustr: x\n');
    const result = await run(['--env', 'e1', '--spec', 'apps/typo.yaml']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('apps/typo.yaml:3: unknown key "clustr" in environments.e1.');
    expect(result.stderr).toContain('apps/typo.yaml:2: environments.e1 has no "cluster".');
  });
});
