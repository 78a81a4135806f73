/**
 * The registry layer cache, argv and flow: which flags each builder gets, the temporary auth file that
 * covers the cache, the probe, and the fall-back to a build without the cache (docker has no daemon here;
 * buildah-cache.integration.test.ts builds for real).
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuildCache } from '../ports/ports.js';
import { ECR, ecrBuild, fakeRunner } from '../testing/runner.js';
import { ContainersBuilder, DockerBuilder } from './builders.js';
import { buildCacheRepository, type CacheProbe, probeCache, unavailable } from './cache.js';
import { type ProcessRunner, selectBuilder } from './index.js';

const PASSWORD = 'eyJwYXlsb2FkIjoiY2FjaGUtcGFzc3dvcmQifQ';
const { cache, request } = ecrBuild(PASSWORD);

const ready =
  (tags: string[] = []): (() => Promise<CacheProbe>) =>
  async () => ({
    state: 'ready',
    tags: new Set(tags),
  });
const after = (args: readonly string[], flag: string) => args[args.indexOf(flag) + 1];
const KEY = 'a'.repeat(64);

let home: string;
beforeAll(async () => {
  home = await mkdtemp(path.join(tmpdir(), 'cache-test-home-'));
  await mkdir(path.join(home, '.docker', 'cli-plugins'), { recursive: true });
  await writeFile(
    path.join(home, '.docker', 'config.json'),
    JSON.stringify({ auths: { 'ghcr.io': { auth: 'Z2hjcjp4' } }, currentContext: 'default' }),
  );
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('the cache repository', () => {
  it('is a sibling of the app repository, never a tag in it', () => {
    expect(buildCacheRepository('hello-app')).toBe('hello-app/build-cache');
    expect(buildCacheRepository('team/api')).toBe('team/api/build-cache');
  });
});

describe('buildah and podman with the registry cache', () => {
  it('reads and writes the cache with --layers, through a temporary auth file that keeps the user own logins', async () => {
    const { runner, calls } = fakeRunner(() => ({
      lines: [
        'STEP 2/3: RUN make deps',
        `--> Cache pulled from remote ${cache.repository}:${KEY}`,
        `--> Pushing cache ${cache.repository}:${'b'.repeat(64)}`,
      ],
    }));
    const builder = new ContainersBuilder('buildah', {
      runner,
      env: { PATH: '/usr/bin', HOME: home },
      cacheProbe: ready([KEY]),
    });
    const result = await builder.build(request, () => {});
    const args = calls[0]?.args ?? [];
    expect(args.slice(args.indexOf('--layers'), args.indexOf('--authfile'))).toEqual([
      '--layers',
      '--cache-from',
      cache.repository,
      '--cache-to',
      cache.repository,
    ]);
    expect(args).not.toContain('--tls-verify=false');
    expect(args.at(-1)).toBe('/src/app');
    expect(args.join(' ')).not.toContain(PASSWORD);
    const authFile = after(args, '--authfile') as string;
    expect(calls[0]?.env.REGISTRY_AUTH_FILE).toBe(authFile);
    expect(JSON.parse(calls[0]?.files[authFile] ?? '{}')).toEqual({
      auths: {
        'ghcr.io': { auth: 'Z2hjcjp4' },
        [ECR]: { auth: Buffer.from(`AWS:${PASSWORD}`).toString('base64') },
      },
    });
    expect(existsSync(path.dirname(authFile))).toBe(false);
    expect(result).toEqual({ cache: { repository: cache.repository, status: 'used', reused: 1 } });
  });

  it('turns TLS verification off for a plain-http registry', async () => {
    const { runner, calls } = fakeRunner();
    const local = { ...cache, auth: { ...cache.auth, registry: '127.0.0.1:5000', insecure: true } };
    await new ContainersBuilder('podman', { runner, cacheProbe: ready() }).build(
      { ...request, cache: { ...local, repository: '127.0.0.1:5000/hello-app/build-cache' } },
      () => {},
    );
    expect(calls[0]?.args).toContain('--tls-verify=false');
  });

  it('builds without the cache, warning once, when the probe finds it unusable', async () => {
    const { runner, calls } = fakeRunner();
    const builder = new ContainersBuilder('buildah', {
      runner,
      cacheProbe: async () => ({
        state: 'unusable',
        tags: new Set(),
        reason: 'the repository x does not exist',
      }),
    });
    const result = await builder.build(request, () => {});
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args).not.toContain('--cache-from');
    expect(calls[0]?.args).not.toContain('--authfile');
    expect(result.cache).toEqual({
      repository: cache.repository,
      status: 'unavailable',
      reused: 0,
      warning: `Registry cache ${cache.repository} not used: the repository x does not exist. The image was built without it.`,
    });
  });

  it('builds again without the cache when the cache failed the build', async () => {
    const error = `Error: failed pushing cache to {{{"${ECR}" "hello-app/build-cache"} "${KEY}"}}: name unknown`;
    const { runner, calls } = fakeRunner((_c, i) => (i === 0 ? { code: 125, lines: [error] } : {}));
    const lines: string[] = [];
    const result = await new ContainersBuilder('buildah', { runner, cacheProbe: ready() }).build(
      request,
      (l) => lines.push(l),
    );
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args).toContain('--layers');
    expect(calls[1]?.args).not.toContain('--cache-to');
    expect(lines).toContain('The registry cache failed the build; building again without it.');
    expect(result.cache?.status).toBe('unavailable');
    expect(result.cache?.warning).toContain(`it failed the build (${error})`);
  });

  it('fails a build that fails for its own reasons once, without a second attempt', async () => {
    const { runner, calls } = fakeRunner(() => ({
      code: 1,
      lines: [
        `--> Pushing cache ${cache.repository}:${KEY}`,
        'STEP 3/3: RUN make',
        'error: make: *** [all] Error 2',
      ],
    }));
    const error = await new ContainersBuilder('buildah', { runner, cacheProbe: ready() })
      .build(request, () => {})
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'BUILD_FAILED' });
    expect(calls).toHaveLength(1);
  });

  it('warns when a cached step existed but was run again (a corrupt or incomplete entry)', async () => {
    const { runner } = fakeRunner(() => ({ lines: [`--> Pushing cache ${cache.repository}:${KEY}`] }));
    const result = await new ContainersBuilder('buildah', { runner, cacheProbe: ready([KEY]) }).build(
      request,
      () => {},
    );
    expect(result.cache?.status).toBe('used');
    expect(result.cache?.warning).toBe(
      `Registry cache ${cache.repository}: 1 cached step could not be read (corrupt or incomplete) and was run again; the cache entry was replaced.`,
    );
  });

  it('passes no cache flags and returns no outcome when the request has no cache (cache: false)', async () => {
    const { runner, calls } = fakeRunner();
    const { cache: _off, ...plain } = request;
    expect(await new ContainersBuilder('buildah', { runner }).build(plain, () => {})).toEqual({});
    expect(calls[0]?.args).not.toContain('--layers');
    expect(calls[0]?.args).not.toContain('--authfile');
  });
});

describe('docker with the registry cache', () => {
  const env = { PATH: '/usr/bin', HOME: home };

  it('buildx with a container driver: a registry cache with the options ECR needs', async () => {
    const { runner, calls } = fakeRunner(() => ({ lines: ['#5 [2/3] RUN make deps', '#5 CACHED'] }));
    const builder = new DockerBuilder({
      runner,
      env: { ...env, HOME: home },
      buildx: true,
      buildxDriver: 'docker-container',
      cacheProbe: ready(),
    });
    const result = await builder.build(request, () => {});
    const args = calls[0]?.args ?? [];
    expect(args.slice(0, 3)).toEqual(['buildx', 'build', '--load']);
    expect(after(args, '--cache-from')).toBe(`type=registry,ref=${cache.repository}:buildx`);
    expect(after(args, '--cache-to')).toBe(
      `type=registry,ref=${cache.repository}:buildx,mode=max,image-manifest=true,oci-mediatypes=true`,
    );
    const dir = calls[0]?.env.DOCKER_CONFIG as string;
    expect(dir).toMatch(/hosting-auth-/);
    expect(calls[0]?.env.BUILDX_CONFIG).toBe(path.join(home, '.docker', 'buildx'));
    expect(JSON.parse(Object.values(calls[0]?.files ?? {})[0] ?? '{}')).toMatchObject({
      currentContext: 'default',
      auths: { 'ghcr.io': { auth: 'Z2hjcjp4' }, [ECR]: { auth: expect.any(String) } },
    });
    expect(existsSync(dir)).toBe(false);
    expect(result.cache).toEqual({ repository: cache.repository, status: 'used', reused: 1 });
  });

  it('the default docker driver: inline cache, and the image pushed to the cache repository', async () => {
    const { runner, calls } = fakeRunner();
    const builder = new DockerBuilder({
      runner,
      env,
      buildx: true,
      buildxDriver: 'docker',
      cacheProbe: ready(),
    });
    const result = await builder.build(request, () => {});
    const args = calls[0]?.args ?? [];
    expect(after(args, '--cache-from')).toBe(`type=registry,ref=${cache.repository}:inline`);
    expect(after(args, '--cache-to')).toBe('type=inline');
    expect(args).toContain(`${cache.repository}:inline`);
    expect(calls[1]?.args).toEqual(['push', `${cache.repository}:inline`]);
    expect(calls[1]?.env.DOCKER_CONFIG).toBe(calls[0]?.env.DOCKER_CONFIG);
    expect(result.cache?.warning).toBeUndefined();
  });

  it('docker build without buildx: BUILDKIT_INLINE_CACHE; a refused cache push is a warning, not a failure', async () => {
    const { runner, calls } = fakeRunner((c) =>
      c.args[0] === 'push'
        ? { code: 1, lines: ['denied: not authorized to perform ecr:InitiateLayerUpload'] }
        : {},
    );
    const result = await new DockerBuilder({ runner, env, cacheProbe: ready() }).build(request, () => {});
    const args = calls[0]?.args ?? [];
    expect(args[0]).toBe('build');
    expect(after(args, '--cache-from')).toBe(`${cache.repository}:inline`);
    expect(after(args, '--build-arg')).toBe('BUILDKIT_INLINE_CACHE=1');
    expect(calls[0]?.env.DOCKER_BUILDKIT).toBe('1');
    expect(result.cache?.status).toBe('used');
    expect(result.cache?.warning).toContain('not authorized to perform ecr:InitiateLayerUpload');
  });

  it('selectBuilder reads the buildx driver', async () => {
    const bin = await mkdtemp(path.join(tmpdir(), 'fake-bin-'));
    await writeFile(path.join(bin, 'docker'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const runner: ProcessRunner = async (_c, args) => ({
      code: 0,
      tail: [],
      stdout: args[0] === 'info' ? '27.0.1\n' : 'Name:   ci\nDriver: docker-container\n',
      timedOut: false,
    });
    const builder = (await selectBuilder('docker', { env: { PATH: bin }, runner })) as DockerBuilder;
    expect(builder.cacheKind).toBe('registry');
    await rm(bin, { recursive: true, force: true });
  });
});

describe('probeCache', () => {
  it('calls an unreachable registry unusable, quickly, with the reason', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const probe = await probeCache({
      repository: `${host}/hello-app/build-cache`,
      auth: { registry: host, username: 'AWS', password: PASSWORD, insecure: true },
    });
    expect(probe.state).toBe('unusable');
    expect(probe.reason).toBe(`${host} is unreachable (ECONNREFUSED)`);
  });
});

describe("the Performance page's example of a missing cache repository", () => {
  it('is the warning the build gives when the registry says the repository does not exist', async () => {
    // The registry's answer for a repository that is not there (ECR: 404 NAME_UNKNOWN "... does not exist").
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [
            {
              code: 'NAME_UNKNOWN',
              message: "The repository with name 'my-app/build-cache' does not exist in the registry",
            },
          ],
        }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      const mine: BuildCache = {
        repository: `${ECR}/my-app/build-cache`,
        auth: { registry: `127.0.0.1:${port}`, username: 'AWS', password: PASSWORD, insecure: true },
      };
      const probe = await probeCache({ ...mine, repository: `127.0.0.1:${port}/my-app/build-cache` });
      expect(probe.state).toBe('unusable');
      const { warning } = unavailable(mine, probe.reason ?? '');
      const page = readFileSync(
        path.resolve(import.meta.dirname, '../../../../docs/performance.mdx'),
        'utf8',
      );
      expect(page).toContain(`\n${warning}\n`);
    } finally {
      server.close();
    }
  });
});
