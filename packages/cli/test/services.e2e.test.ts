/**
 * End to end: the BUILT `hosting rollout` of a web + worker application (one image version, a release task)
 * against the testkit's AWS server, as the infra workflow runs it: exit codes, `--json` (`services`,
 * `release`), and App specs that are bad input (exit 2 naming the file and the line).
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { AwsPeers } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { param } from './kit/app.js';
import { requireBuiltBin } from './kit/bin.js';
import { type EcsPeers, seedVersion, startEcsPeers } from './kit/ecs.js';

let ecs: EcsPeers;
let peers: AwsPeers;

/** The built bin's rollout of `app`; `onStdout` sees its output as it comes (to send it a signal at a given step). */
const run = (app: string, args: string[], onStdout?: (text: string, child: ChildProcess) => void) =>
  ecs.run(['rollout', '--app', app, ...args], {
    extra: { NO_COLOR: '1' },
    ...(onStdout ? { onOutput: ({ stdout }, child) => onStdout(stdout, child) } : {}),
  });

const spec = (env: string, release = '') => `environments:
  ${env}:
    cluster: cluster-${env}
    services:
      web: { service: shop-web, container: web }
      worker: { service: shop-worker, container: worker }
${release}`;

/** `env`: shop-web and shop-worker on v1 in their own cluster; the parameter holds `version`. */
async function seed(env: string, version: string, release = '') {
  for (const name of ['web', 'worker']) {
    peers.aws.ecs.addService({
      cluster: `cluster-${env}`,
      service: `shop-${name}`,
      taskDefinition: {
        family: `shop-${name}-${env}`,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name,
            image: `${peers.registry.host}/shop@${ecs.digests.v1}`,
            logConfiguration: {
              logDriver: 'awslogs',
              options: { 'awslogs-group': `/ecs/shop-${name}`, 'awslogs-stream-prefix': 'ecs' },
            },
          },
        ],
      },
      desiredCount: 1,
      launchType: 'FARGATE',
      networkConfiguration: { awsvpcConfiguration: { subnets: ['subnet-1'], securityGroups: ['sg-1'] } },
    });
  }
  writeFileSync(path.join(ecs.infra, `apps/shop-${env}.yaml`), `repository: shop\n${spec(env, release)}`);
  const parameter = param(`shop-${env}`, env);
  await seedVersion(ecs.parameters, parameter, version);
  return parameter;
}

/** The task definitions shop-web and shop-worker run in `cluster`. */
const taskDefinitions = (cluster: string) =>
  ['web', 'worker'].map((n) => peers.aws.ecs.service(`shop-${n}`, cluster).taskDefinition);
const updates = (env: string) =>
  peers.aws.calls('UpdateService', 'ecs').filter((c) => c.params?.cluster === `cluster-${env}`);
const deployed = async (parameter: string) =>
  (await ecs.parameters.history(parameter)).find((h) => h.labels?.includes('deployed'))?.version;

beforeAll(async () => {
  requireBuiltBin();
  ecs = await startEcsPeers('shop', { crash: 'worker', clockFactor: 600 });
  peers = ecs.aws;
}, 60_000);
afterAll(async () => {
  await ecs?.stop();
});

describe('hosting rollout of several services (built bin)', () => {
  it('a web + worker rollout: exit 0, --json lists both on the new revision, pinned by the same digest', async () => {
    const parameter = await seed('s1', 'v2', '    release: { service: web, command: [bin/migrate] }\n');
    const out = await run('shop-s1', ['--env', 's1', '--json']);
    expect(out.code).toBe(0);
    const json = JSON.parse(out.stdout);
    const services = json.services as Record<string, string>[];
    expect(services.map((s) => [s.name, s.service, s['rollout-state']])).toEqual([
      ['web', 'shop-web', 'COMPLETED'],
      ['worker', 'shop-worker', 'COMPLETED'],
    ]);
    for (const s of services) {
      const td = peers.aws.ecs.describeTaskDefinition(s['task-definition'] ?? '') as {
        containerDefinitions: { image: string }[];
      };
      expect(td.containerDefinitions[0]?.image).toBe(`${peers.registry.host}/shop@${ecs.digests.v2}`);
    }
    expect(json.release).toMatchObject({
      'exit-code': 0,
      'stopped-reason': 'Essential container in task exited',
    });
    expect(json.release.logs).toMatch(/^CloudWatch Logs group \/ecs\/shop-web, stream ecs\/web\//);
    expect(await deployed(parameter)).toBe(2);
  });

  it("the worker's tasks crash: exit 1 naming the worker and its stopped reason; both back, label unmoved", async () => {
    const parameter = await seed('s2', 'v3');
    const before = taskDefinitions('cluster-s2');
    const out = await run('shop-s2', ['--env', 's2']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('Error: worker: The rollout of shop-worker');
    expect(out.stderr).toContain('Essential container in task exited');
    expect(out.stderr).toMatch(/Restored web \(shop-web\)/);
    expect(out.stdout).toContain(
      'Rollout of shop-s2 v3 in s2 on cluster-s2 (shop-web, shop-worker) failed after',
    );
    expect(out.stdout).toMatch(/\n {2}web \(shop-web\) {3}restored: .*back on shop-web-s2:1\n/);
    expect(out.stdout).toMatch(/\n {2}worker \(shop-worker\) restored: .*back on shop-worker-s2:1\n/);
    const after = taskDefinitions('cluster-s2');
    expect(after).toEqual(before);
    expect(await deployed(parameter)).toBe(1);
  });

  it('a failing migration: exit 1, zero UpdateService calls, naming the exit code and the log location', async () => {
    await seed('s3', 'v2', '    release: { service: web, command: [bin/migrate, exit 4] }\n');
    const out = await run('shop-s3', ['--env', 's3']);
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(
      /exited with code 4 after .*: Essential container in task exited\. No service was updated\. Its logs: CloudWatch Logs group \/ecs\/shop-web, stream ecs\/web\/[0-9a-f]+\./,
    );
    expect(updates('s3')).toEqual([]);
    expect(out.stdout).toMatch(
      /\n {2}release task {5}exited 4, task [0-9a-f]+; logs: CloudWatch Logs group \/ecs\/shop-web/,
    );
    expect(out.stdout).toMatch(
      /\n {2}web \(shop-web\) {3}not updated: still on shop-web-s3:1 \(shop-web-s3:2 registered\)\n/,
    );
  });

  it('bad App specs exit 2 naming the file and the line', async () => {
    const cases: [string, string][] = [
      [
        spec('b1').replace('    services:\n', '    service: x\n    services:\n'),
        'apps/bad.yaml:4: environments.b1 has both "service" and "services".',
      ],
      [
        `${spec('b1')}    release: { service: api, command: [m] }\n`,
        'apps/bad.yaml:7: environments.b1.release.service "api" is not one of the services',
      ],
      [
        'environments:\n  b1:\n    cluster: c\n    services: {}\n',
        'apps/bad.yaml:4: environments.b1.services is empty.',
      ],
      [
        `${spec('b1')}    release: { service: web, command: bin/migrate }\n`,
        'apps/bad.yaml:7: environments.b1.release.command must be a list.',
      ],
      [
        `${spec('b1')}    release: { service: web, command: [m], timeout: 2s }\n`,
        'apps/bad.yaml:7: environments.b1.release.timeout "2s" is not a duration between 10s and 24h.',
      ],
    ];
    for (const [text, message] of cases) {
      writeFileSync(path.join(ecs.infra, 'apps/bad.yaml'), text);
      const out = await run('bad', ['--env', 'b1', '--spec', 'apps/bad.yaml']);
      expect(out.code, message).toBe(2);
      expect(out.stderr).toContain(message);
    }
    expect(
      peers.aws.calls('DescribeServices', 'ecs').filter((c) => c.params?.cluster === 'cluster-b1'),
    ).toEqual([]);
  });

  it('SIGTERM during the wait: the services it changed are rolled back and the output says so', async () => {
    const parameter = await seed('s4', 'v2');
    const before = taskDefinitions('cluster-s4');
    // The ECS scheduler stands still until the signal is sent, so the rollout is still in flight when it
    // lands (at 20 ms a transition it could end first on a loaded machine), then moves again for the restore.
    peers.aws.ecs.stop();
    let sent = false;
    const out = await run('shop-s4', ['--env', 's4'], (text, child) => {
      if (sent || !text.includes('▸ Wait for ECS deployment')) return;
      sent = true;
      child.kill('SIGTERM');
      peers.aws.ecs.setTickMs(20);
    }).finally(() => peers.aws.ecs.setTickMs(20));
    expect(sent).toBe(true);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain('Received SIGTERM: stopping at the next safe point');
    expect(out.stderr).toMatch(/Restored web \(shop-web\): .*back on shop-web-s4:1/);
    expect(out.stderr).toMatch(/Restored worker \(shop-worker\): .*back on shop-worker-s4:1/);
    const after = taskDefinitions('cluster-s4');
    expect(after).toEqual(before);
    expect(await deployed(parameter)).toBe(1);
  });

  it('SIGTERM while the release task runs: the task is stopped, nothing is updated', async () => {
    await seed('s5', 'v2', '    release: { service: web, command: [bin/migrate, sleep 3600] }\n');
    let sent = false;
    const out = await run('shop-s5', ['--env', 's5'], (text, child) => {
      if (sent || !/task [0-9a-f]+ RUNNING/.test(text)) return;
      sent = true;
      child.kill('SIGTERM');
    });
    expect(sent).toBe(true);
    expect(out.stderr).toContain('Interrupted while the release task ran: it was stopped (StopTask)');
    const tasks = peers.aws.ecs.standaloneTasks('cluster-s5');
    expect(tasks.map((t) => [t.lastStatus, t.stopCode])).toEqual([['STOPPED', 'UserInitiated']]);
    expect(updates('s5')).toEqual([]);
  });

  it('a second signal quits at once (130), naming the services to look at', async () => {
    await seed('s6', 'v2', '    release: { service: web, command: [bin/migrate, sleep 3600] }\n');
    // The first signal's StopTask is answered 5 s late, so that the second signal lands while the first one's
    // clean-up is still in flight (answered at once, it could end the run within the 50 ms between them).
    peers.aws.inject({ operation: 'StopTask', errorType: 'ServerException', delayMs: 5_000 });
    let sent = 0;
    const out = await run('shop-s6', ['--env', 's6'], (text, child) => {
      if (sent > 0 || !/task [0-9a-f]+ RUNNING/.test(text)) return;
      sent = 1;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGTERM'), 50);
    });
    expect(out.code).toBe(130);
    expect(out.stderr).toContain('Received SIGTERM again: quitting at once.');
    expect(out.stderr).toContain(
      'aws ecs describe-services --cluster cluster-s6 --services shop-web shop-worker',
    );
  });
});
