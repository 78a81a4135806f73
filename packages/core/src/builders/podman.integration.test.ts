/**
 * Podman for real: Debian's podman, rootful, vfs, a private storage per build (CONTAINERS_STORAGE_CONF), chroot
 * isolation, against the Debian registry with authentication; the user's HOME is a temp dir whose docker
 * config has a credsStore (the set-up: core/src/testing/builds.ts, shared with docker.integration.test.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type BuilderStorage,
  createBuilderStorage,
  imageOf,
  manifestDigest,
  requirePodman,
  watchArgv,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostingError } from '../errors/errors.js';
import type { ImageBuilder } from '../ports/ports.js';
import {
  type BuildWorld,
  type BuiltImage,
  labelsOf,
  startBuildWorld,
  USER_CONFIG,
} from '../testing/builds.js';

let world: BuildWorld;
const storages: BuilderStorage[] = [];

beforeAll(async () => {
  requirePodman();
  world = await startBuildWorld('podman-test-');
});

afterAll(async () => {
  await world?.stop();
  for (const storage of storages) await storage.remove();
});

/** podman on a new, empty storage of its own (a fresh runner). */
async function podman(): Promise<ImageBuilder> {
  const storage = await createBuilderStorage();
  storages.push(storage);
  return world.select('podman', storage.env);
}

describe('podman against a registry with authentication', () => {
  let cold: BuiltImage;

  it("builds with the OCI labels and pushes; the digest is the registry's; no secret on any argv or in HOME", async () => {
    const { registry, home } = world;
    const watch = watchArgv(world.secrets());
    cold = await world.buildAndPush(await podman(), 'hello-app', 'v1');
    expect(watch.stop()).toEqual([]);
    expect(cold.digest).toBe(await manifestDigest(registry, 'hello-app', 'v1'));
    const image = await imageOf(registry, 'hello-app', cold.digest);
    expect(image.labels).toMatchObject(labelsOf('v1'));
    expect(image.files.at(-1)?.['app/app.txt']).toBe('one\n');
    expect(cold.result.cache).toEqual({
      repository: world.cacheFor('hello-app').repository,
      status: 'used',
      reused: 0,
    });
    for (const { argv } of world.recorded)
      for (const secret of world.secrets()) expect(argv.join(' ')).not.toContain(secret);
    expect(cold.log.join('\n')).not.toContain(registry.password);
    expect(readFileSync(path.join(home, '.docker', 'config.json'), 'utf8')).toBe(USER_CONFIG);
    expect(readdirSync(home)).toEqual(['.docker']);
    expect(readdirSync(world.authDir)).toEqual([]);
  });

  it('a fresh storage takes the unchanged steps from the registry cache', async () => {
    await world.app.write('two\n');
    const warm = await world.buildAndPush(await podman(), 'hello-app', 'v2');
    expect(warm.result.cache).toMatchObject({ status: 'used', reused: 2 });
    expect(warm.result.cache?.warning).toBeUndefined();
    const [before, after] = await Promise.all([
      imageOf(world.registry, 'hello-app', cold.digest),
      imageOf(world.registry, 'hello-app', warm.digest),
    ]);
    expect(after.layers[1]).toBe(before.layers[1]);
    expect(after.files[1]?.['deps-installed-at']).toBe(before.files[1]?.['deps-installed-at']);
    expect(after.files.at(-1)?.['app/app.txt']).toBe('two\n');
  });

  it('a Dockerfile that fails on a cold cache runs its RUN once and fails', async () => {
    const { context, dockerfile } = await world.failingContext();
    const builder = await podman();
    const before = world.recorded.length;
    const log: string[] = [];
    const request = { context, dockerfile, labels: {}, buildArgs: {} };
    const tags = [`${world.registry.host}/failing:v1`];
    const error = (await builder
      .build({ ...request, tags, cache: world.cacheFor('failing') }, (l) => log.push(l))
      .catch((e: unknown) => e)) as HostingError;
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.fix).toMatch(/^Fix the Dockerfile/);
    expect(world.recorded.slice(before).filter(({ argv }) => argv.includes('build'))).toHaveLength(1);
    expect(log.filter((l) => l === 'running')).toHaveLength(1);
  });
});
