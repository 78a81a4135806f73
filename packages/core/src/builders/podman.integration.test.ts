/**
 * Podman for real: Debian's podman, rootful, vfs, a private storage per build (CONTAINERS_STORAGE_CONF), chroot
 * isolation, against the Debian registry with authentication; the user's HOME is a temp dir whose docker
 * config has a credsStore.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type BuilderStorage,
  createBuilderStorage,
  createSlowBuildApp,
  imageOf,
  type LocalRegistry,
  manifestDigest,
  requirePodman,
  requireStaticBusybox,
  type SlowBuildApp,
  startRegistry,
  watchArgv,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostingError } from '../errors/errors.js';
import type { BuildCache, ImageBuilder, RegistryAuth } from '../ports/ports.js';
import { type ProcessRunner, selectBuilder, spawnRunner } from './index.js';

const USER_CONFIG = JSON.stringify({ credsStore: 'desktop', auths: { 'https://index.docker.io/v1/': {} } });

let registry: LocalRegistry;
let work: string;
let home: string;
let app: SlowBuildApp;
const storages: BuilderStorage[] = [];
const recorded: string[][] = [];
const recording: ProcessRunner = (command, args, options) => {
  recorded.push([command, ...args]);
  return spawnRunner(command, args, options);
};

beforeAll(async () => {
  requirePodman();
  registry = await startRegistry();
  work = await mkdtemp(path.join(tmpdir(), 'podman-test-'));
  home = path.join(work, 'home');
  await mkdir(path.join(home, '.docker'), { recursive: true });
  await writeFile(path.join(home, '.docker', 'config.json'), USER_CONFIG);
  await mkdir(path.join(work, 'auth'));
  app = await createSlowBuildApp(1, 'one\n');
});

afterAll(async () => {
  await registry?.stop();
  await app?.remove();
  for (const storage of storages) await storage.remove();
  if (work) await rm(work, { recursive: true, force: true });
});

const auth = (): RegistryAuth => ({
  registry: registry.host,
  username: registry.username,
  password: registry.password,
  insecure: true,
});
const cacheFor = (repository: string): BuildCache => ({
  repository: `${registry.host}/${repository}/build-cache`,
  auth: auth(),
});
const secrets = () => [registry.password, Buffer.from(`AWS:${registry.password}`).toString('base64')];

/** podman on a new, empty storage of its own (a fresh runner). */
async function podman(): Promise<ImageBuilder> {
  const storage = await createBuilderStorage();
  storages.push(storage);
  return selectBuilder('podman', {
    env: { ...process.env, HOME: home, ...storage.env },
    runner: recording,
    tempDir: path.join(work, 'auth'),
  });
}

async function buildAndPush(repository: string, tag: string) {
  const builder = await podman();
  const log: string[] = [];
  const image = `${registry.host}/${repository}:${tag}`;
  const labels = {
    'org.opencontainers.image.revision': `rev-${tag}`,
    'org.opencontainers.image.source': 'https://github.com/acme/hello-app',
  };
  const request = { context: app.dir, dockerfile: app.dockerfile, tags: [image], labels, buildArgs: {} };
  const result = await builder.build({ ...request, cache: cacheFor(repository) }, (l) => log.push(l));
  const { digest } = await builder.push({ image, auth: auth() }, (l) => log.push(l));
  return { log, result, digest };
}

describe('podman against a registry with authentication', () => {
  let cold: Awaited<ReturnType<typeof buildAndPush>>;

  it("builds with the OCI labels and pushes; the digest is the registry's; no secret on any argv or in HOME", async () => {
    const watch = watchArgv(secrets());
    cold = await buildAndPush('hello-app', 'v1');
    expect(watch.stop()).toEqual([]);
    expect(cold.digest).toBe(await manifestDigest(registry, 'hello-app', 'v1'));
    const image = await imageOf(registry, 'hello-app', cold.digest);
    expect(image.labels).toMatchObject({
      'org.opencontainers.image.revision': 'rev-v1',
      'org.opencontainers.image.source': 'https://github.com/acme/hello-app',
    });
    expect(image.files.at(-1)?.['app/app.txt']).toBe('one\n');
    expect(cold.result.cache).toEqual({
      repository: cacheFor('hello-app').repository,
      status: 'used',
      reused: 0,
    });
    for (const argv of recorded) for (const secret of secrets()) expect(argv.join(' ')).not.toContain(secret);
    expect(cold.log.join('\n')).not.toContain(registry.password);
    expect(readFileSync(path.join(home, '.docker', 'config.json'), 'utf8')).toBe(USER_CONFIG);
    expect(readdirSync(home)).toEqual(['.docker']);
    expect(readdirSync(path.join(work, 'auth'))).toEqual([]);
  });

  it('a fresh storage takes the unchanged steps from the registry cache', async () => {
    await app.write('two\n');
    const warm = await buildAndPush('hello-app', 'v2');
    expect(warm.result.cache).toMatchObject({ status: 'used', reused: 2 });
    expect(warm.result.cache?.warning).toBeUndefined();
    const [before, after] = await Promise.all([
      imageOf(registry, 'hello-app', cold.digest),
      imageOf(registry, 'hello-app', warm.digest),
    ]);
    expect(after.layers[1]).toBe(before.layers[1]);
    expect(after.files[1]?.['deps-installed-at']).toBe(before.files[1]?.['deps-installed-at']);
    expect(after.files.at(-1)?.['app/app.txt']).toBe('two\n');
  });

  it('a Dockerfile that fails on a cold cache runs its RUN once and fails', async () => {
    const dir = path.join(work, 'failing');
    await mkdir(dir);
    await copyFile(requireStaticBusybox(), path.join(dir, 'busybox'));
    await writeFile(
      path.join(dir, 'Dockerfile'),
      'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "echo running; exit 3"]\n',
    );
    const builder = await podman();
    const before = recorded.length;
    const log: string[] = [];
    const request = { context: dir, dockerfile: path.join(dir, 'Dockerfile'), labels: {}, buildArgs: {} };
    const error = (await builder
      .build({ ...request, tags: [`${registry.host}/failing:v1`], cache: cacheFor('failing') }, (l) =>
        log.push(l),
      )
      .catch((e: unknown) => e)) as HostingError;
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.fix).toMatch(/^Fix the Dockerfile/);
    expect(recorded.slice(before).filter((argv) => argv.includes('build'))).toHaveLength(1);
    expect(log.filter((l) => l === 'running')).toHaveLength(1);
  });
});
