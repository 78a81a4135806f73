// `node bench/rollout-polling.mjs`: how many ECS requests `hosting rollout` makes to follow a linear
// linear deployment of about 100 s (10 % steps, a wait between steps, a bake) against the ECS test
// server, and how soon after ECS reported SUCCESSFUL the CLI exited. A fixed 250 ms poll would make ~400
// requests; the adaptive schedule (250 ms after a change, backing off to 2 s) makes a fraction of that.
// Measured on the shared 2-core machine: 74 DescribeServiceDeployments + 13 DescribeServices in 103 s,
// exit 1.6 s after SUCCESSFUL.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const bin = path.resolve(here, '../dist/hosting.cjs');
const testkit = await import('@shared-hosting/testkit');
const core = await import('@shared-hosting/core');

// Six ECS minutes per real minute: each 1-minute step wait and the 1-minute bake take ~10 s.
const peers = await testkit.startAwsPeers({ ecsTickMs: 20, ecs: { clockFactor: 6 } });
const infra = mkdtempSync(path.join(tmpdir(), 'rollout-bench-'));
try {
  peers.createRepository('bench-app');
  const v1 = await testkit.pushTestImage(peers.registry, 'bench-app', 'v1');
  await testkit.pushTestImage(peers.registry, 'bench-app', 'v2');
  peers.aws.ecs.addService({
    cluster: 'bench',
    service: 'bench-app',
    taskDefinition: {
      family: 'bench-app',
      containerDefinitions: [{ name: 'web', image: `${peers.registry.host}/bench-app@${v1}` }],
    },
    desiredCount: 2,
    deploymentConfiguration: {
      strategy: 'LINEAR',
      linearConfiguration: { stepPercent: 10, stepBakeTimeInMinutes: 1 },
      bakeTimeInMinutes: 1,
    },
  });
  const { parameters } = await core.createRolloutPorts({
    env: peers.env,
    reporter: { emit() {} },
    names: (await import('@shared-hosting/core/testing')).ADAPTER_NAMES,
  });
  await parameters.put('/shared-hosting/bench-app/bench/version', 'v2', 'v2');
  mkdirSync(path.join(infra, 'apps'));
  writeFileSync(
    path.join(infra, 'apps/bench-app.yaml'),
    'environments:\n  bench:\n    cluster: bench\n    container: web\n',
  );
  peers.aws.clearRequests();
  const started = Date.now();
  const code = await new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [bin, 'rollout', '--app', 'bench-app', '--env', 'bench', '--json'],
      {
        cwd: infra,
        env: { PATH: process.env.PATH ?? '', HOME: infra, ...peers.env },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    child.on('exit', resolve);
  });
  const exitedAt = Date.now();
  const record = peers.aws.ecs
    .serviceDeploymentsOf('bench-app', 'bench')
    .find((d) => d.status === 'SUCCESSFUL' && d.finishedAt && d.finishedAt.getTime() > started);
  const ecs = peers.aws.requests.filter((r) => r.service === 'ecs');
  const count = (op) => ecs.filter((r) => r.operation === op).length;
  const seconds = (exitedAt - started) / 1000;
  console.log('| measurement | value |');
  console.log('|---|---|');
  console.log(`| rollout exit code | ${code} |`);
  console.log(`| deployment followed for | ${seconds.toFixed(1)} s |`);
  console.log(
    `| DescribeServiceDeployments | ${count('DescribeServiceDeployments')} (a fixed 250 ms poll: ~${Math.round(seconds * 4)}) |`,
  );
  console.log(`| DescribeServices | ${count('DescribeServices')} |`);
  console.log(`| all ECS requests | ${ecs.length} |`);
  console.log(
    `| exit after SUCCESSFUL | ${record?.finishedAt ? `${exitedAt - record.finishedAt.getTime()} ms` : 'not found'} (target ≤ 3000 ms) |`,
  );
  if (code !== 0 || !record || exitedAt - record.finishedAt.getTime() > 3000) process.exitCode = 1;
} finally {
  await peers.stop();
  rmSync(infra, { recursive: true, force: true });
}
