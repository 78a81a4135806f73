/**
 * The registry layer cache for real: buildah (vfs, chroot isolation) builds an app whose dependency step is
 * slow, on empty storage each time, against the real Debian registry. After a one-file change the step comes
 * from the registry (same layer digest, marker unchanged); a missing, write-protected, unreachable or
 * corrupt cache never fails the build and says so once.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  type BuilderStorage,
  createBuilderStorage,
  createSlowBuildApp,
  freePort,
  type LocalRegistry,
  type RegistryGate,
  requireBuildah,
  type SlowBuildApp,
  startRegistry,
  startRegistryGate,
  untar,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildCache, BuildResult, RegistryAuth } from '../ports/ports.js';
import { ContainersBuilder } from './builders.js';

let registry: LocalRegistry;
let slow: SlowBuildApp;
let quick: SlowBuildApp;
const storages: BuilderStorage[] = [];
const gates: RegistryGate[] = [];

beforeAll(async () => {
  requireBuildah();
  registry = await startRegistry();
  slow = await createSlowBuildApp(3, 'one\n');
  quick = await createSlowBuildApp(0, 'quick\n');
});

afterAll(async () => {
  for (const gate of gates) await gate.stop();
  await registry?.stop();
  await slow?.remove();
  await quick?.remove();
  for (const storage of storages) await storage.remove();
});

const authFor = (host: string): RegistryAuth => ({
  registry: host,
  username: registry.username,
  password: registry.password,
  insecure: true,
});
const cacheAt = (host: string, repository = 'hello-app'): BuildCache => ({
  repository: `${host}/${repository}/build-cache`,
  auth: authFor(host),
});

/** Build and push on a new, empty storage; returns the outcome, the log, and the pushed image's layers. */
async function buildFresh(
  app: SlowBuildApp,
  tag: string,
  cache: BuildCache | undefined,
  host = registry.host,
) {
  const storage = await createBuilderStorage();
  storages.push(storage);
  const builder = new ContainersBuilder('buildah', { env: { ...process.env, ...storage.env } });
  const image = `${host}/hello-app:${tag}`;
  const log: string[] = [];
  const result: BuildResult = await builder.build(
    {
      context: app.dir,
      dockerfile: app.dockerfile,
      tags: [image],
      // As the engine does: labels that change with every commit must not cost the cache its hits.
      labels: { 'org.opencontainers.image.revision': tag, 'org.opencontainers.image.version': tag },
      buildArgs: {},
      cache,
    },
    (line) => log.push(line),
  );
  const { digest } = await builder.push({ image, auth: authFor(host) }, () => {});
  return { result, log, layers: await layersOf(digest) };
}

async function registryGet(pathname: string, accept?: string): Promise<Response> {
  const headers: Record<string, string> = { authorization: registry.authorization };
  if (accept) headers.accept = accept;
  const response = await fetch(`${registry.url}/v2/${pathname}`, { headers });
  expect(response.status, pathname).toBe(200);
  return response;
}

/** The pushed image's layer digests, and each layer's files (name → content) from the registry. */
async function layersOf(digest: string) {
  const manifest = (await (
    await registryGet(`hello-app/manifests/${digest}`, 'application/vnd.oci.image.manifest.v1+json')
  ).json()) as { layers: { digest: string }[] };
  return Promise.all(
    manifest.layers.map(async (layer) => ({
      digest: layer.digest,
      files: untar(
        gunzipSync(Buffer.from(await (await registryGet(`hello-app/blobs/${layer.digest}`)).arrayBuffer())),
      ),
    })),
  );
}

describe('buildah with the registry cache', () => {
  let first: Awaited<ReturnType<typeof buildFresh>>;

  it('does not run the slow step again on an empty storage after a one-file change', async () => {
    first = await buildFresh(slow, 'v1', cacheAt(registry.host));
    expect(first.result.cache).toEqual({
      repository: `${registry.host}/hello-app/build-cache`,
      status: 'used',
      reused: 0,
    });
    const marker = first.layers[1]?.files['deps-installed-at'];
    expect(marker).toMatch(/^\d+ \d+\n$/);

    await slow.write('two\n');
    const second = await buildFresh(slow, 'v2', cacheAt(registry.host));
    // The dependency step came from the registry: reported, logged, and the very same layer (same marker).
    expect(second.result.cache).toMatchObject({ status: 'used', reused: 2 });
    expect(second.result.cache?.warning).toBeUndefined();
    const run = second.log.findIndex((l) => /^STEP 3\/\d+: RUN/.test(l));
    expect(run).toBeGreaterThan(0);
    expect(second.log[run + 1]).toMatch(
      /^--> Cache pulled from remote .*\/hello-app\/build-cache:[0-9a-f]{64}$/,
    );
    expect(second.layers[1]?.digest).toBe(first.layers[1]?.digest);
    expect(second.layers[1]?.files['deps-installed-at']).toBe(marker);
    // And the image is the new one: the changed file is in its last layer.
    expect(second.layers[2]?.files['app/app.txt']).toBe('two\n');
    expect(first.layers[2]?.files['app/app.txt']).toBe('one\n');
    // Two real builds with a slow RUN step and their pushes: 15-25 s on a quiet machine, over 30 s under the
    // suite's own load in CI.
  }, 120_000);

  it('runs a step again when its cache entry is corrupt, succeeds, and says so once', async () => {
    // Corrupt the dependency layer's blob in the registry's storage.
    const hex = (first.layers[1]?.digest ?? '').replace('sha256:', '');
    const blob = path.join(
      registry.storageDir,
      'docker/registry/v2/blobs/sha256',
      hex.slice(0, 2),
      hex,
      'data',
    );
    const bytes = await readFile(blob);
    bytes.write('corrupt!', Math.min(40, bytes.length - 8));
    await writeFile(blob, bytes);

    await slow.write('three\n');
    const third = await buildFresh(slow, 'v3', cacheAt(registry.host));
    expect(third.result.cache?.status).toBe('used');
    expect(third.result.cache?.warning).toBe(
      `Registry cache ${registry.host}/hello-app/build-cache: 1 cached step could not be read (corrupt or incomplete) and was run again; the cache entry was replaced.`,
    );
    expect(third.layers[1]?.digest).not.toBe(first.layers[1]?.digest);
    expect(third.layers[1]?.files['deps-installed-at']).toMatch(/^\d+ \d+\n$/);
    expect(third.layers[2]?.files['app/app.txt']).toBe('three\n');
  });

  it('builds without the cache when its repository is missing (as ECR answers)', async () => {
    const gate = await startRegistryGate(registry.url, (repo) =>
      repo.endsWith('/build-cache') ? 'missing' : 'allow',
    );
    gates.push(gate);
    const built = await buildFresh(quick, 'missing', cacheAt(gate.host), gate.host);
    expect(built.result.cache).toEqual({
      repository: `${gate.host}/hello-app/build-cache`,
      status: 'unavailable',
      reused: 0,
      warning: `Registry cache ${gate.host}/hello-app/build-cache not used: the repository hello-app/build-cache does not exist. The image was built without it.`,
    });
    expect(built.layers[2]?.files['app/app.txt']).toBe('quick\n');
  });

  it('builds again without the cache when writing the cache is refused mid-build', async () => {
    const gate = await startRegistryGate(registry.url, (repo, method) =>
      repo.endsWith('/build-cache') && method !== 'GET' && method !== 'HEAD' ? 'denied' : 'allow',
    );
    gates.push(gate);
    const built = await buildFresh(quick, 'denied', cacheAt(gate.host, 'other-app'), gate.host);
    expect(built.log).toContain('The registry cache failed the build; building again without it.');
    expect(built.result.cache?.status).toBe('unavailable');
    expect(built.result.cache?.warning).toMatch(
      /not used: it failed the build \(Error: failed pushing cache/,
    );
    expect(built.result.cache?.warning).toContain('not authorized to perform: ecr:InitiateLayerUpload');
    expect(built.result.cache?.warning).not.toContain(registry.password);
    expect(built.layers[2]?.files['app/app.txt']).toBe('quick\n');
  });

  it('builds without the cache when its registry is unreachable', async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const built = await buildFresh(quick, 'unreachable', cacheAt(nowhere));
    expect(built.result.cache?.status).toBe('unavailable');
    expect(built.result.cache?.warning).toBe(
      `Registry cache ${nowhere}/hello-app/build-cache not used: ${nowhere} is unreachable (ECONNREFUSED). The image was built without it.`,
    );
    expect(built.layers[2]?.files['app/app.txt']).toBe('quick\n');
  });
});
