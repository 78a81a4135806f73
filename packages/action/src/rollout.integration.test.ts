/**
 * `command: rollout` through the Action's own entry (main.ts `run()`, the real @actions/core writing the
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), against the testkit's AWS server with ECS.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRolloutPorts, silentReporter } from '@shared-hosting/core';
import { type AwsPeers, CRASH_LABEL, pushTestImage, startAwsPeers } from '@shared-hosting/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseFileCommands } from '../test/runner.js';
import { ACTION_ADAPTER_NAMES, inputVariable } from './inputs.js';
import { run } from './main.js';

let peers: AwsPeers;
let work: string;
const digests: Record<string, string> = {};

beforeAll(async () => {
  // One ECS hour per real second: bakes and hook timeouts take seconds.
  peers = await startAwsPeers({ ecsTickMs: 20, ecs: { clockFactor: 3600 } });
  peers.createRepository('hello-app');
  digests.v1 = await pushTestImage(peers.registry, 'hello-app', 'v1');
  digests.v2 = await pushTestImage(peers.registry, 'hello-app', 'v2');
  digests.v3 = await pushTestImage(peers.registry, 'hello-app', 'v3', { labels: { [CRASH_LABEL]: 'true' } });
  work = await mkdtemp(path.join(tmpdir(), 'action-rollout-'));
  await mkdir(path.join(work, 'apps'));
  await writeFile(
    path.join(work, 'apps/hello-app.yaml'),
    'environments:\n  staging:\n    cluster: shared-staging\n    container: web\n  qa:\n    cluster: shared-qa\n    container: web\n  prod:\n    cluster: shared-prod\n    container: web\n' +
      '  multi:\n    cluster: shared-multi\n    services:\n      web: { service: shop-web }\n      worker: { service: shop-worker }\n' +
      '    release: { service: web, command: [bin/migrate] }\n',
  );
  const parameters = (
    await createRolloutPorts({ env: peers.env, reporter: silentReporter, names: ACTION_ADAPTER_NAMES })
  ).parameters;
  for (const [cluster, env, version] of [
    ['shared-staging', 'staging', 'v2'],
    ['shared-qa', 'qa', 'v3'],
  ] as const) {
    peers.aws.ecs.addService({
      cluster,
      service: 'hello-app',
      taskDefinition: {
        family: `hello-app-${env}`,
        containerDefinitions: [{ name: 'web', image: `${peers.registry.host}/hello-app@${digests.v1}` }],
      },
      desiredCount: 1,
    });
    await parameters.put(`/shared-hosting/hello-app/${env}/version`, version, version);
  }
  peers.aws.ecs.addService({
    cluster: 'shared-prod',
    service: 'hello-app',
    taskDefinition: {
      family: 'hello-app-prod',
      containerDefinitions: [{ name: 'web', image: `${peers.registry.host}/hello-app@${digests.v1}` }],
    },
    desiredCount: 1,
    deploymentConfiguration: {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 60,
      lifecycleHooks: [{ targetType: 'PAUSE', lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'] }],
    },
  });
  await parameters.put('/shared-hosting/hello-app/prod/version', 'v2', 'v2');
  for (const name of ['web', 'worker'])
    peers.aws.ecs.addService({
      cluster: 'shared-multi',
      service: `shop-${name}`,
      taskDefinition: {
        family: `shop-${name}`,
        containerDefinitions: [{ name, image: `${peers.registry.host}/hello-app@${digests.v1}` }],
      },
      desiredCount: 1,
    });
  await parameters.put('/shared-hosting/hello-app/multi/version', 'v2', 'v2');
});
afterAll(async () => {
  await peers?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

// @actions/core keeps the summary file's path after its first write: one file, emptied per run.
const summaryFile = () => path.join(work, 'summary');

async function runAction(inputs: Record<string, string>) {
  const outputFile = path.join(work, `output-${Math.random()}`);
  const summaryFile = path.join(work, 'summary');
  await writeFile(outputFile, '');
  await writeFile(summaryFile, '');
  for (const [k, v] of Object.entries({
    ...peers.env,
    GITHUB_WORKSPACE: work,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
  }))
    vi.stubEnv(k, v);
  for (const [name, value] of Object.entries({ command: 'rollout', application: 'hello-app', ...inputs }))
    vi.stubEnv(inputVariable(name), value);
  await run();
  return {
    exitCode: process.exitCode,
    outputs: parseFileCommands(await readFile(outputFile, 'utf8')),
    summary: await readFile(summaryFile, 'utf8'),
  };
}

describe('command: rollout', () => {
  it('dry-run: reads, resolves and renders, registers nothing; the summary shows what it read and the changes', async () => {
    const registered = peers.aws.calls('RegisterTaskDefinition').length;
    const { exitCode, outputs, summary } = await runAction({ environment: 'staging', 'dry-run': 'true' });
    expect(exitCode).toBeUndefined();
    expect(summary).toContain('## 🔍 Dry run: rollout of hello-app v2 to staging');
    expect(summary).toContain(
      '<code>v2</code> (<code>/shared-hosting/hello-app/staging/version</code> version 1)',
    );
    expect(summary).toContain('Task definition changes');
    expect(outputs.version).toBe('v2');
    expect(peers.aws.calls('RegisterTaskDefinition')).toHaveLength(registered);
  });

  it('rolls out, sets the outputs of design.md and writes a summary with deployment, revision, image and events', async () => {
    const { exitCode, outputs, summary } = await runAction({ environment: 'staging' });
    expect(exitCode).toBeUndefined();
    const image = `${peers.registry.host}/hello-app@${digests.v2}`;
    expect(outputs).toMatchObject({
      version: 'v2',
      'parameter-version': '1',
      image,
      digest: digests.v2,
      'task-definition': expect.stringMatching(/task-definition\/hello-app-staging:2$/),
      'previous-task-definition': expect.stringMatching(/task-definition\/hello-app-staging:1$/),
      'deployment-id': expect.stringMatching(/^ecs-svc\/\d+$/),
      'rollout-state': 'COMPLETED',
    });
    expect(summary).toContain('## ✅ Rolled out hello-app v2 to staging');
    expect(summary).toContain(`<code>${image}</code>`);
    expect(summary).toContain('<code>hello-app-staging:2</code> (was <code>hello-app-staging:1</code>)');
    expect(summary).toContain(`<code>${outputs['deployment-id']}</code> COMPLETED`);
    expect(summary).toMatch(/has started \d+ tasks/);
    expect(summary).toContain('<tr><td>Strategy</td><td>ROLLING</td></tr>');
  });

  it('several services and a release task: the services and release outputs, one summary row each', async () => {
    const { exitCode, outputs, summary } = await runAction({ environment: 'multi' });
    expect(exitCode ?? 0).toBe(0);
    const services = JSON.parse(outputs.services ?? '[]') as Record<string, unknown>[];
    expect(services.map((s) => [s.name, s.service, s['rollout-state']])).toEqual([
      ['web', 'shop-web', 'COMPLETED'],
      ['worker', 'shop-worker', 'COMPLETED'],
    ]);
    expect(JSON.parse(outputs.release ?? '{}')).toMatchObject({ 'exit-code': 0 });
    expect(summary).toContain(
      '<tr><td><code>web (shop-web)</code></td><td>shop-web:2 (was shop-web:1), ROLLING, COMPLETED</td></tr>',
    );
    expect(summary).toContain(
      '<tr><td><code>worker (shop-worker)</code></td><td>shop-worker:2 (was shop-worker:1), ROLLING, COMPLETED</td></tr>',
    );
    expect(summary).toMatch(
      /<tr><td><code>release task<\/code><\/td><td>exited 0, task [0-9a-f]+; logs: nowhere: the container web has no log configuration<\/td><\/tr>/,
    );
  });

  it('a crashing image fails the step, naming the stopped reason and the revision the service went back to', async () => {
    const { exitCode, outputs, summary } = await runAction({ environment: 'qa' });
    expect(exitCode).toBe(1);
    expect(outputs['rollout-state']).toBe('FAILED');
    expect(summary).toMatch(/the deployment circuit breaker tripped: \d+ failed tasks/);
    expect(summary).toContain('## ❌ Rollout of hello-app v3 to qa failed');
    expect(summary).toContain('<code>Essential container in task exited</code>');
    expect(summary).toContain('<tr><td>Went back to</td><td><code>hello-app-qa:1</code></td></tr>');
  });

  it('an environment missing from the App spec fails as bad input before any AWS call', async () => {
    peers.aws.clearRequests();
    const { exitCode, summary } = await runAction({ environment: 'production' });
    expect(exitCode).toBe(1);
    expect(summary).toContain(
      'apps/hello-app.yaml:1: environment &quot;production&quot; is not in the App spec',
    );
    expect(peers.aws.requests).toEqual([]);
  });
});

describe('command: rollout with a pause hook, continue and abort', () => {
  it('a pause shows as a notice and in the job summary at once; continue from elsewhere resumes it', async () => {
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let summaryAtPause = '';
    const approve = (async () => {
      await vi.waitFor(
        () => expect(written.join('')).toContain('::notice title=Rollout paused for approval::'),
        {
          timeout: 20_000,
          interval: 50,
        },
      );
      summaryAtPause = await readFile(summaryFile(), 'utf8');
      // The approver, elsewhere (hosting continue does exactly this).
      const { planResume, prepareRollout, resume } = await import('@shared-hosting/core');
      const { ACTION_ROLLOUT_NAMES } = await import('./inputs.js');
      const plan = await prepareRollout(
        { application: 'hello-app', environment: 'prod' },
        ACTION_ROLLOUT_NAMES,
        work,
      );
      const ports = await createRolloutPorts({
        env: peers.env,
        reporter: silentReporter,
        names: ACTION_ADAPTER_NAMES,
      });
      return resume(planResume(plan, 'continue'), ports);
    })();
    const { exitCode, outputs, summary } = await runAction({ environment: 'prod' });
    vi.mocked(process.stdout.write).mockRestore();
    const approved = await approve;
    expect(approved.call).toBe('ContinueServiceDeployment CONTINUE');
    expect(exitCode).toBeUndefined();
    expect(summaryAtPause).toContain('Rollout paused for approval');
    expect(summaryAtPause).toContain('hosting continue --app hello-app --env prod');
    expect(summary).toContain('### Paused for approval');
    expect(outputs).toMatchObject({ strategy: 'BLUE_GREEN', stage: 'complete', 'bake-until': '' });
  }, 60_000);

  it('command: continue with nothing in flight fails naming the service; abort likewise', async () => {
    for (const command of ['continue', 'abort']) {
      const { exitCode, summary } = await runAction({ command, environment: 'staging' });
      expect(exitCode).toBe(1);
      expect(summary).toContain(`Could not ${command} the deployment of hello-app in staging`);
      expect(summary).toContain('is in flight');
    }
  });
});
