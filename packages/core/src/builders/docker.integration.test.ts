/**
 * Docker for real: Debian's dockerd started by this file (its own data root, socket and pidfile; vfs; the
 * default bridge), the Debian 20.10 client (BuildKit through DOCKER_BUILDKIT=1) and this machine's client 23+
 * without buildx (/usr/local/bin/docker: the classic builder), against the Debian registry with
 * authentication. The user's HOME has a Docker Desktop-like config.json with a credsStore (the set-up:
 * core/src/testing/builds.ts, shared with podman.integration.test.ts).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  createSlowBuildApp,
  type DockerDaemon,
  imageOf,
  manifestDigest,
  requireDocker,
  type SlowBuildApp,
  startDockerDaemon,
  watchArgv,
} from '@shared-hosting/testkit';
import { build as esbuild } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { HostingError } from '../errors/errors.js';
import {
  type BuildWorld,
  type BuiltImage,
  labelsOf,
  startBuildWorld,
  USER_CONFIG,
} from '../testing/builds.js';
import { selectBuilder } from './index.js';

/** This machine's docker client 23+ without the buildx plugin. */
const MODERN_CLIENT = '/usr/local/bin/docker';

let daemon: DockerDaemon;
let world: BuildWorld;

beforeAll(async () => {
  requireDocker();
  if (!existsSync(MODERN_CLIENT)) throw new Error(`${MODERN_CLIENT} (a docker client 23+) is missing`);
  [daemon, world] = await Promise.all([startDockerDaemon(), startBuildWorld('docker-test-')]);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await world?.stop();
});

describe('docker (Debian 20.10 client: BuildKit) against a registry with authentication', () => {
  let cold: BuiltImage;

  it("builds with the OCI labels and pushes; the digest is the registry's; no secret on any argv or in ~/.docker", async () => {
    const builder = await world.select('docker', daemon.env);
    const watch = watchArgv(world.secrets());
    cold = await world.buildAndPush(builder, 'hello-app', 'v1');
    expect(watch.stop()).toEqual([]);
    expect(watch.seen).toBeGreaterThan(0);
    expect(cold.digest).toBe(await manifestDigest(world.registry, 'hello-app', 'v1'));
    const image = await imageOf(world.registry, 'hello-app', cold.digest);
    expect(image.labels).toMatchObject(labelsOf('v1'));
    expect(image.files.at(-1)?.['app/app.txt']).toBe('one\n');
    // The registry cache worked beside the user's credsStore: the inline cache image is in the registry.
    expect(cold.result.cache).toEqual({
      repository: world.cacheFor('hello-app').repository,
      status: 'used',
      reused: 0,
    });
    expect(await manifestDigest(world.registry, 'hello-app/build-cache', 'inline')).toMatch(/^sha256:/);
    expect(world.recorded.some((c) => c.env.DOCKER_BUILDKIT === '1' && c.argv[1] === 'build')).toBe(true);
    for (const { argv } of world.recorded)
      for (const secret of world.secrets()) expect(argv.join(' ')).not.toContain(secret);
    expect(cold.log.join('\n')).not.toContain(world.registry.password);
    expect(readFileSync(path.join(world.home, '.docker', 'config.json'), 'utf8')).toBe(USER_CONFIG);
    expect(readdirSync(path.join(world.home, '.docker'))).toEqual(['config.json']);
    expect(readdirSync(world.authDir)).toEqual([]);
  });

  it('a fresh runner (a new daemon, empty data root) takes the unchanged steps from the registry cache', async () => {
    const fresh = await startDockerDaemon();
    try {
      await world.app.write('two\n');
      const warm = await world.buildAndPush(await world.select('docker', fresh.env), 'hello-app', 'v2');
      expect(warm.result.cache).toMatchObject({ status: 'used', reused: 2 });
      expect(warm.result.cache?.warning).toBeUndefined();
      const [before, after] = await Promise.all([
        imageOf(world.registry, 'hello-app', cold.digest),
        imageOf(world.registry, 'hello-app', warm.digest),
      ]);
      // The dependency step's layer is the cold build's, byte for byte (same marker); the new file is there.
      expect(after.layers[1]).toBe(before.layers[1]);
      expect(after.files[1]?.['deps-installed-at']).toBe(before.files[1]?.['deps-installed-at']);
      expect(after.files.at(-1)?.['app/app.txt']).toBe('two\n');
    } finally {
      await fresh.stop();
    }
  }, 60_000);

  it('a Dockerfile that fails on a cold cache runs its RUN once and fails, blaming the step', async () => {
    const { context, dockerfile } = await world.failingContext();
    const builder = await world.select('docker', daemon.env);
    const before = world.recorded.length;
    const log: string[] = [];
    const request = { context, dockerfile, labels: {}, buildArgs: {} };
    const tags = [`${world.registry.host}/failing:v1`];
    const error = (await builder
      .build({ ...request, tags, cache: world.cacheFor('failing') }, (l) => log.push(l))
      .catch((e: unknown) => e)) as HostingError;
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.message).toContain('at [2/2] RUN');
    expect(error.fix).toMatch(/^Fix the Dockerfile/);
    // The cold cache's "not found" was in the log, as on every first deploy; the build still ran once.
    expect(log.join('\n')).toMatch(/importing cache manifest from .*failing\/build-cache:inline/);
    expect(world.recorded.slice(before).filter((c) => c.argv.includes('build'))).toHaveLength(1);
    expect(log.filter((l) => /^#\d+ \d+\.\d+ running$/.test(l))).toHaveLength(1);
  });
});

describe('a docker client 23+ without buildx', () => {
  it('<builder> docker names buildx; auto with no other builder builds with the classic builder and pushes', async () => {
    const bin = path.join(world.work, 'modern-bin');
    await mkdir(bin);
    await symlink(MODERN_CLIENT, path.join(bin, 'docker'));
    const messages: string[] = [];
    await world.select(
      'docker',
      { DOCKER_HOST: daemon.host, PATH: `${bin}:/usr/bin:/bin` },
      { log: (m) => messages.push(m), builderInput: '<builder>' },
    );
    expect(messages[0]).toMatch(
      /^Using docker with the classic builder, DOCKER_BUILDKIT=0 \(<builder> docker: .*has no buildx plugin/,
    );
    expect(messages[0]).toContain('Install the buildx plugin');
    // Only docker on PATH: auto takes it with the classic builder.
    const auto = await world.select(
      'auto',
      { DOCKER_HOST: daemon.host, PATH: bin },
      { log: (m) => messages.push(m) },
    );
    expect(messages[1]).toMatch(
      /^Using docker with the classic builder, DOCKER_BUILDKIT=0 \(auto: docker: daemon /,
    );
    await world.app.write('classic\n');
    const built = await world.buildAndPush(auto, 'classic-app', 'v1');
    expect(built.digest).toBe(await manifestDigest(world.registry, 'classic-app', 'v1'));
    expect((await imageOf(world.registry, 'classic-app', built.digest)).labels).toMatchObject(labelsOf('v1'));
    expect(built.result.cache?.warning).toBeUndefined();
    expect(world.recorded.at(-2)?.env.DOCKER_BUILDKIT).toBe('0');
  });
});

/**
 * A fake buildx plugin, as GitHub's runners have the real one: it records its arguments, names the driver it
 * is told to (FAKE_BUILDX_DRIVER), and builds with the daemon's BuildKit through the Debian client.
 */
async function installFakeBuildx(): Promise<{
  home: string;
  calls: () => { argv: string[]; login: boolean }[];
}> {
  const fakeHome = path.join(world.work, 'runner-home');
  const plugins = path.join(fakeHome, '.docker', 'cli-plugins');
  await mkdir(plugins, { recursive: true });
  const log = path.join(world.work, 'buildx-calls.jsonl');
  const script = `#!${process.execPath}
const { appendFileSync, existsSync, readFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const args = process.argv.slice(2);
if (args[0] === 'docker-cli-plugin-metadata') {
  console.log(JSON.stringify({ SchemaVersion: '0.1.0', Vendor: 'tests', Version: 'v0.0.0-fake', ShortDescription: 'fake buildx' }));
  process.exit(0);
}
const config = (process.env.DOCKER_CONFIG || '') + '/config.json';
const login = existsSync(config) && readFileSync(config, 'utf8').includes(${JSON.stringify(world.registry.host)});
appendFileSync(${JSON.stringify(log)}, JSON.stringify({ argv: args, login }) + '\\n');
if (args[1] === 'inspect') {
  console.log('Name:   default\\nDriver: ' + (process.env.FAKE_BUILDX_DRIVER || 'docker'));
  process.exit(0);
}
const keep = [];
for (let i = 2; i < args.length - 1; i++) {
  if (['-f', '-t', '--label'].includes(args[i])) keep.push(args[i], args[++i]);
  else if (args[i].startsWith('-') && args[i] !== '--load') i++;
}
const built = spawnSync('${'/usr/bin/docker'}', ['build', ...keep, args.at(-1)], { stdio: 'inherit', env: { ...process.env, DOCKER_BUILDKIT: '1' } });
process.exit(built.status ?? 1);
`;
  await writeFile(path.join(plugins, 'docker-buildx'), script, { mode: 0o755 });
  const calls = () =>
    existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { argv: string[]; login: boolean })
      : [];
  return { home: fakeHome, calls };
}

describe("docker as GitHub's runners have it: buildx (a fake plugin that records its arguments)", () => {
  const after = (argv: readonly string[], flag: string) => argv[argv.indexOf(flag) + 1];

  it("the docker driver (the runners' default): the inline cache, pushed beside the image", async () => {
    const runner = await installFakeBuildx();
    const messages: string[] = [];
    const env = {
      ...daemon.env,
      PATH: `${path.dirname(MODERN_CLIENT)}:/usr/bin:/bin`,
      HOME: runner.home,
      FAKE_BUILDX_DRIVER: 'docker',
    };
    const builder = await selectBuilder('auto', {
      env: { ...process.env, ...env },
      runner: world.runner,
      log: (m) => messages.push(m),
    });
    expect(messages[0]).toMatch(/^Using docker \(auto: docker: daemon .*, buildx with the docker driver\)/);
    await world.app.write('buildx\n');
    const built = await world.buildAndPush(builder, 'runner-app', 'v1');
    const build = runner.calls().find((c) => c.argv[1] === 'build');
    expect(build?.argv.slice(0, 3)).toEqual(['buildx', 'build', '--load']);
    const ref = `${world.cacheFor('runner-app').repository}:inline`;
    expect(after(build?.argv ?? [], '--cache-from')).toBe(`type=registry,ref=${ref},registry.insecure=true`);
    expect(after(build?.argv ?? [], '--cache-to')).toBe('type=inline');
    // The plugin was found through the build's temporary DOCKER_CONFIG, which held the registry login.
    expect(build?.login).toBe(true);
    expect(built.digest).toBe(await manifestDigest(world.registry, 'runner-app', 'v1'));
    expect(await manifestDigest(world.registry, 'runner-app/build-cache', 'inline')).toMatch(/^sha256:/);
  });

  it('docker/setup-buildx-action (the docker-container driver): a registry cache with mode=max', async () => {
    const runner = await installFakeBuildx();
    const env = {
      ...daemon.env,
      PATH: `${path.dirname(MODERN_CLIENT)}:/usr/bin:/bin`,
      HOME: runner.home,
      FAKE_BUILDX_DRIVER: 'docker-container',
    };
    const builder = await selectBuilder('docker', { env: { ...process.env, ...env }, runner: world.runner });
    const before = runner.calls().length;
    await builder.build(
      {
        context: world.app.dir,
        dockerfile: world.app.dockerfile,
        tags: ['runner-app:v2'],
        labels: {},
        buildArgs: {},
        cache: world.cacheFor('runner-app'),
      },
      () => {},
    );
    const build = runner
      .calls()
      .slice(before)
      .find((c) => c.argv[1] === 'build');
    const ref = `${world.cacheFor('runner-app').repository}:buildx`;
    expect(after(build?.argv ?? [], '--cache-from')).toBe(`type=registry,ref=${ref},registry.insecure=true`);
    expect(after(build?.argv ?? [], '--cache-to')).toBe(
      `type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true,registry.insecure=true`,
    );
    // Nothing to push after the build: the cache went to the registry with it.
    expect(build?.argv.join(' ')).not.toContain(':inline');
  });
});

describe('credentials after SIGKILL', () => {
  it("a run killed while it holds the build's docker config leaves it; the next start removes it", async () => {
    const module = path.join(world.work, 'builders.mjs');
    await esbuild({
      entryPoints: [path.join(import.meta.dirname, 'index.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: module,
      logLevel: 'silent',
    });
    const tempDir = path.join(world.work, 'auth-killed');
    await mkdir(tempDir);
    const slow = await createSlowBuildApp(30, 'slow\n');
    const child = spawn(
      process.execPath,
      ['--input-type=module', '-e', killedScript(module, slow, tempDir)],
      {
        env: { ...process.env, ...daemon.env, HOME: world.home },
        stdio: 'ignore',
        detached: true,
      },
    );
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const dirs = () => readdirSync(tempDir).filter((n) => n.startsWith('hosting-auth-'));
    try {
      // The directory appears before its config.json, and the file empty before its credentials: wait for them
      // (killed sooner, there is nothing to leave behind yet).
      const credentials = Buffer.from(`AWS:${world.registry.password}`).toString('base64');
      const holds = (d: string) => {
        const file = path.join(tempDir, d, 'config.json');
        return existsSync(file) && readFileSync(file, 'utf8').includes(credentials);
      };
      const written = () => dirs().filter(holds);
      await vi.waitFor(() => expect(written()).toHaveLength(1), { timeout: 20_000, interval: 50 });
      process.kill(-(child.pid as number), 'SIGKILL');
      await exited;
      const left = path.join(tempDir, dirs()[0] as string, 'config.json');
      expect(readFileSync(left, 'utf8')).toContain(
        Buffer.from(`AWS:${world.registry.password}`).toString('base64'),
      );
      // The next start (any build with the cache) removes it before writing its own.
      const next = await world.select('docker', daemon.env, { tempDir });
      await next.build(
        {
          context: world.app.dir,
          dockerfile: world.app.dockerfile,
          tags: ['next:v1'],
          labels: {},
          buildArgs: {},
          cache: world.cacheFor('hello-app'),
        },
        () => {},
      );
      expect(dirs()).toEqual([]);
    } finally {
      await slow.remove();
    }
  }, 60_000);
});

/** A child process's script: a build with the registry cache whose RUN takes 30 s (it is killed before). */
function killedScript(module: string, slow: SlowBuildApp, tempDir: string): string {
  const request = {
    context: slow.dir,
    dockerfile: slow.dockerfile,
    tags: [`${world.registry.host}/killed:v1`],
    labels: {},
    buildArgs: {},
    cache: world.cacheFor('killed'),
  };
  return `import { selectBuilder } from ${JSON.stringify(module)};
const builder = await selectBuilder('docker', { tempDir: ${JSON.stringify(tempDir)} });
await builder.build(${JSON.stringify(request)}, () => {});`;
}
