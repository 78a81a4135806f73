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
import { inputVariable } from './inputs.js';
import { run } from './main.js';

let peers: AwsPeers;
let work: string;
const digests: Record<string, string> = {};

beforeAll(async () => {
  peers = await startAwsPeers({ ecsTickMs: 20 });
  peers.createRepository('hello-app');
  digests.v1 = await pushTestImage(peers.registry, 'hello-app', 'v1');
  digests.v2 = await pushTestImage(peers.registry, 'hello-app', 'v2');
  digests.v3 = await pushTestImage(peers.registry, 'hello-app', 'v3', { labels: { [CRASH_LABEL]: 'true' } });
  work = await mkdtemp(path.join(tmpdir(), 'action-rollout-'));
  await mkdir(path.join(work, 'apps'));
  await writeFile(
    path.join(work, 'apps/hello-app.yaml'),
    'environments:\n  staging:\n    cluster: shared-staging\n    container: web\n  qa:\n    cluster: shared-qa\n    container: web\n',
  );
  const parameters = (await createRolloutPorts({ env: peers.env, reporter: silentReporter })).parameters;
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
});
afterAll(async () => {
  await peers?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});
afterEach(() => {
  vi.unstubAllEnvs();
  process.exitCode = undefined;
});

async function runAction(inputs: Record<string, string>) {
  const outputFile = path.join(work, `output-${Math.random()}`);
  // @actions/core keeps the summary file's path after its first write: one file, emptied per run.
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
    expect(summary).toContain('has reached a steady state.');
  });

  it('a crashing image fails the step, naming the stopped reason and the revision the service went back to', async () => {
    const { exitCode, outputs, summary } = await runAction({ environment: 'qa' });
    expect(exitCode).toBe(1);
    expect(outputs['rollout-state']).toBe('FAILED');
    expect(summary).toContain('the circuit breaker rolled the service back');
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
