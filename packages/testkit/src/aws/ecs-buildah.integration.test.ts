import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BuilderStorage, createBuilderStorage, requireBuildah } from '../builder-storage.js';
import { CRASH_LABEL } from './image-pull.js';
import { type AwsPeers, startAwsPeers } from './peers.js';

const run = promisify(execFile);

let peers: AwsPeers;
let storage: BuilderStorage;
let context: string;

beforeAll(async () => {
  requireBuildah();
  peers = await startAwsPeers({ ecsTickMs: 25 });
  storage = await createBuilderStorage();
  context = await mkdtemp(path.join(tmpdir(), 'testkit-ctx-'));
});
afterAll(async () => {
  await peers?.stop();
  await storage?.remove();
  if (context) await rm(context, { recursive: true, force: true });
});

/** Build `FROM scratch` with buildah and push it to the sandbox registry; returns `host/repo@digest`. */
async function buildAndPush(tag: string, labels: Record<string, string>): Promise<string> {
  const lines = [
    'FROM scratch',
    'COPY hello.txt /hello.txt',
    ...Object.entries(labels).map(([k, v]) => `LABEL ${k}=${v}`),
  ];
  await writeFile(path.join(context, 'hello.txt'), `hello ${tag}\n`);
  await writeFile(path.join(context, 'Containerfile'), `${lines.join('\n')}\n`);
  const ref = `${peers.registry.host}/hello-app:${tag}`;
  const env = { ...process.env, ...storage.env };
  await run('buildah', ['bud', '--quiet', '-f', 'Containerfile', '-t', ref, context], { env, cwd: context });
  const digestFile = path.join(context, `${tag}.digest`);
  await run(
    'buildah',
    [
      'push',
      '--quiet',
      '--tls-verify=false',
      '--creds',
      `${peers.registry.username}:${peers.registry.password}`,
      '--digestfile',
      digestFile,
      ref,
    ],
    { env },
  );
  return `${peers.registry.host}/hello-app@${(await readFile(digestFile, 'utf8')).trim()}`;
}

describe('ECS with images built by buildah', () => {
  it('pulls a buildah image and crashes it by its label', async () => {
    const good = await buildAndPush('good', {});
    const crashing = await buildAndPush('crash', { [CRASH_LABEL]: 'true' });
    const ecs = peers.aws.ecs;
    const service = ecs.addService({
      service: 'hello-app',
      taskDefinition: { family: 'hello-app', containerDefinitions: [{ name: 'web', image: good }] },
    });
    const before = service.taskDefinition;
    const crashingRevision = ecs.registerTaskDefinition({
      family: 'hello-app',
      containerDefinitions: [{ name: 'web', image: crashing }],
    });
    ecs.deploy('hello-app', { taskDefinition: crashingRevision.arn });
    const failed = await vi.waitFor(
      () => {
        const deployment = ecs.service('hello-app').deployments.find((d) => d.rolloutState === 'FAILED');
        expect(deployment).toBeDefined();
        return deployment;
      },
      { timeout: 8000, interval: 50 },
    );
    expect(failed?.failedTasks).toBe(3);
    const pulls = ecs.pulls.filter((p) => p.image === crashing);
    expect(pulls[0]).toMatchObject({ fetched: true, ok: true, labels: { [CRASH_LABEL]: 'true' } });
    const crashed = ecs.tasksOf('hello-app').filter((t) => t.stopCode === 'EssentialContainerExited');
    expect(crashed[0]?.containers[0]).toMatchObject({ exitCode: 1, imageDigest: crashing.split('@')[1] });
    await vi.waitFor(() => expect(ecs.service('hello-app').deployments).toHaveLength(1), { timeout: 8000 });
    expect(ecs.service('hello-app').taskDefinition).toBe(before);
  });
});
