import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostingError } from '../errors/errors.js';
import { ECR, ecrBuild, fakeRunner, type RunnerCall, type RunnerOutcome } from '../testing/runner.js';
import { DockerBuilder } from './builders.js';
import { BuildFailureReader } from './failure.js';
import { BUILDER_CHOICES, BUILDER_NAMES, isBuilderChoice, selectBuilder } from './index.js';

const { cache, request } = ecrBuild('cache-password-123');
const ready =
  (tags: string[] = []) =>
  async () => ({ state: 'ready' as const, tags: new Set(tags) });

/** docker 20.10's BuildKit log of a cold build whose RUN fails: the cache import's "not found" comes first. */
const RUN_FAILS = [
  '#1 [internal] load build definition from Dockerfile',
  '#1 DONE 0.0s',
  `#4 importing cache manifest from ${cache.repository}:inline`,
  `#4 ERROR: ${cache.repository}:inline: not found`,
  '#6 [2/3] RUN ["/bin/busybox", "sh", "-c", "exit 3"]',
  '#6 ERROR: executor failed running [/bin/busybox sh -c exit 3]: exit code: 3',
  '------',
  ` > importing cache manifest from ${cache.repository}:inline:`,
  '------',
  'error: failed to solve: executor failed running [/bin/busybox sh -c exit 3]: exit code: 3',
];

let bin: string;
let home: string;
beforeAll(async () => {
  bin = await mkdtemp(path.join(tmpdir(), 'docker-modes-bin-'));
  home = await mkdtemp(path.join(tmpdir(), 'docker-modes-home-'));
  await mkdir(path.join(home, '.docker'));
});
afterAll(async () => {
  await rm(bin, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});
const install = async (...names: string[]) => {
  for (const name of ['docker', 'podman', 'buildah']) await rm(path.join(bin, name), { force: true });
  for (const name of names) {
    await writeFile(path.join(bin, name), '#!/bin/sh\nexit 0\n');
    await chmod(path.join(bin, name), 0o755);
  }
};
/** A docker whose daemon answers 20.10.24, without buildx, and whose client is `client`. */
const dockerWithout =
  (client: string): ((call: RunnerCall) => RunnerOutcome) =>
  (c) => {
    if (c.args[0] === 'info') return { stdout: '20.10.24\n' };
    if (c.args[0] === 'buildx') return { code: 1, lines: ["docker: 'buildx' is not a docker command."] };
    if (c.args[0] === 'version') return { stdout: `${client}\n` };
    return {};
  };

describe('the builder registry', () => {
  it('gives the names in auto order, the choices and the input check', () => {
    expect(BUILDER_NAMES).toEqual(['docker', 'podman', 'buildah']);
    expect(BUILDER_CHOICES).toEqual(['auto', 'docker', 'podman', 'buildah']);
    expect(isBuilderChoice('podman')).toBe(true);
    expect(isBuilderChoice('Docker')).toBe(false);
    expect(isBuilderChoice('kaniko')).toBe(false);
  });
});

describe('a docker client without buildx', () => {
  it('auto: a client 23+ falls back to podman, saying why and naming buildx', async () => {
    await install('docker', 'podman', 'buildah');
    const { runner } = fakeRunner(dockerWithout('28.2.2'));
    const messages: string[] = [];
    const builder = await selectBuilder('auto', { env: { PATH: bin }, runner, log: (m) => messages.push(m) });
    expect(builder.name).toBe('podman');
    expect(messages[0]).toMatch(
      /^Using podman \(auto: docker: daemon 20\.10\.24, but client 28\.2\.2 has no buildx plugin, so no BuildKit: only the classic builder \(DOCKER_BUILDKIT=0\); podman: /,
    );
  });

  it('auto with nothing else: docker with the classic builder (DOCKER_BUILDKIT=0), saying so', async () => {
    await install('docker');
    const { runner, calls } = fakeRunner(dockerWithout('28.2.2'));
    const messages: string[] = [];
    const builder = await selectBuilder('auto', { env: { PATH: bin }, runner, log: (m) => messages.push(m) });
    expect(builder.name).toBe('docker');
    expect(messages[0]).toMatch(/^Using docker with the classic builder, DOCKER_BUILDKIT=0 \(auto: /);
    expect(messages[0]).toContain('Install the buildx plugin');
    await builder.build({ ...request, cache: undefined }, () => {});
    expect(calls.at(-1)?.args[0]).toBe('build');
    expect(calls.at(-1)?.env.DOCKER_BUILDKIT).toBe('0');
  });

  it('<builder> docker: the classic builder, naming buildx as missing', async () => {
    await install('docker', 'podman');
    const { runner } = fakeRunner(dockerWithout('27.5.1'));
    const messages: string[] = [];
    const builder = await selectBuilder('docker', {
      env: { PATH: bin },
      runner,
      log: (m) => messages.push(m),
      builderInput: '<builder>',
    });
    expect((builder as DockerBuilder).engine).toBe('the classic builder (DOCKER_BUILDKIT=0)');
    expect(messages[0]).toBe(
      "Using docker with the classic builder, DOCKER_BUILDKIT=0 (<builder> docker: daemon 20.10.24, but client 27.5.1 has no buildx plugin, so no BuildKit: only the classic builder (DOCKER_BUILDKIT=0)). Install the buildx plugin (Debian: sudo apt-get install -y docker-buildx; Docker's packages: docker-buildx-plugin) to build with BuildKit.",
    );
  });

  it("a client before 23 builds with the daemon's BuildKit (DOCKER_BUILDKIT=1)", async () => {
    await install('docker', 'podman');
    const { runner, calls } = fakeRunner(dockerWithout('20.10.24+dfsg1'));
    const builder = await selectBuilder('auto', { env: { PATH: bin }, runner });
    expect(builder.name).toBe('docker');
    await builder.build({ ...request, cache: undefined }, () => {});
    expect(calls.at(-1)?.env.DOCKER_BUILDKIT).toBe('1');
  });

  it('a classic build that fails names buildx and the Dockerfile both; a refused BuildKit names only buildx', async () => {
    const classic = new DockerBuilder({ classic: true, runner: fakeRunner(() => ({ code: 1 })).runner });
    const error = (await classic
      .build({ ...request, cache: undefined }, () => {})
      .catch((e) => e)) as HostingError;
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.fix).toMatch(
      /^Fix the Dockerfile \(Dockerfile\).*classic builder because this client has no buildx plugin/,
    );
    const refused = fakeRunner(() => ({
      code: 1,
      lines: ['ERROR: BuildKit is enabled but the buildx component is missing or broken.'],
    }));
    const buildkit = new DockerBuilder({ runner: refused.runner });
    const error2 = (await buildkit
      .build({ ...request, cache: undefined }, () => {})
      .catch((e) => e)) as HostingError;
    expect(error2.fix).toMatch(
      /^This docker client needs the buildx plugin for BuildKit, and it is missing or broken \(the Dockerfile was not read\)/,
    );
    expect(error2.fix).not.toContain('Fix the Dockerfile');
  });

  it('the classic builder pulls the cache image first and tags the new one for it', async () => {
    const { runner, calls } = fakeRunner();
    await new DockerBuilder({ classic: true, runner, cacheProbe: ready(['inline']) }).build(
      request,
      () => {},
    );
    expect(calls.map((c) => c.args[0])).toEqual(['pull', 'build', 'push']);
    expect(calls[0]?.args[1]).toBe(`${cache.repository}:inline`);
    expect(calls[1]?.args).toEqual(expect.arrayContaining(['--cache-from', `${cache.repository}:inline`]));
    expect(calls[1]?.args).not.toContain('BUILDKIT_INLINE_CACHE=1');
  });
});

describe('a failed build runs once; a failed cache builds again without it', () => {
  it('a RUN that fails on a cold docker cache runs once and fails', async () => {
    const { runner, calls } = fakeRunner(() => ({ code: 1, lines: RUN_FAILS }));
    const log: string[] = [];
    const error = (await new DockerBuilder({ runner, cacheProbe: ready() })
      .build(request, (l) => log.push(l))
      .catch((e) => e)) as HostingError;
    expect(calls.filter((c) => c.args[0] === 'build')).toHaveLength(1);
    expect(error.code).toBe('BUILD_FAILED');
    expect(error.message).toContain('at [2/3] RUN ["/bin/busybox", "sh", "-c", "exit 3"]');
    expect(log.join('\n')).not.toContain('building again without it');
  });

  it('a failed cache export (buildx, registry cache) builds again without the cache', async () => {
    const lines = [
      '#6 [2/3] RUN make',
      '#6 DONE 1.0s',
      '#9 exporting cache to registry',
      '#9 ERROR: failed to push 123456789012.dkr.ecr.eu-west-1.amazonaws.com/hello-app/build-cache:buildx: 403 Forbidden',
      'ERROR: failed to solve: failed to push …: 403 Forbidden',
    ];
    const { runner, calls } = fakeRunner((c) => (c.args.includes('--cache-to') ? { code: 1, lines } : {}));
    const builder = new DockerBuilder({
      runner,
      buildx: true,
      buildxDriver: 'docker-container',
      cacheProbe: ready(),
    });
    const result = await builder.build(request, () => {});
    expect(calls).toHaveLength(2);
    expect(result.cache?.status).toBe('unavailable');
    expect(result.cache?.warning).toContain(
      'it failed the build (exporting cache to registry: failed to push',
    );
  });

  it('buildah and podman: the final error says whether a step or the cache failed', () => {
    const step = new BuildFailureReader();
    for (const line of [
      `--> Pushing cache ${cache.repository}:abc`,
      'Error: building at STEP "RUN exit 3": exit status 3',
    ])
      step.read(line);
    expect(step.cacheFailure()).toBeUndefined();
    const pushed = new BuildFailureReader();
    pushed.read('Error: failed pushing cache to "x/build-cache": denied');
    expect(pushed.cacheFailure()).toBe('Error: failed pushing cache to "x/build-cache": denied');
  });

  it('a daemon without the bridge (dockerd --bridge=none) is named instead of the Dockerfile', async () => {
    const lines = ['#5 [2/2] RUN true', '#5 ERROR: network bridge not found'];
    const { runner } = fakeRunner(() => ({ code: 1, lines }));
    const error = (await new DockerBuilder({ runner })
      .build({ ...request, cache: undefined }, () => {})
      .catch((e) => e)) as HostingError;
    expect(error.fix).toMatch(/^The Docker daemon has no bridge network for RUN steps .*--bridge=none/);
  });
});

describe("the build's docker config beside a credsStore", () => {
  it('keeps the ECR login working: no credsStore, the store kept for the other registries', async () => {
    await writeFile(
      path.join(home, '.docker', 'config.json'),
      JSON.stringify({
        credsStore: 'desktop',
        auths: { 'https://index.docker.io/v1/': {} },
        currentContext: 'desktop-linux',
      }),
    );
    const { runner, calls } = fakeRunner();
    await new DockerBuilder({ runner, env: { HOME: home }, cacheProbe: ready() }).build(request, () => {});
    const config = JSON.parse(calls[0]?.config ?? '{}');
    expect(config.credsStore).toBeUndefined();
    expect(config.credHelpers).toEqual({ 'https://index.docker.io/v1/': 'desktop' });
    expect(config.currentContext).toBe('desktop-linux');
    expect(Object.keys(config.auths)).toEqual(['https://index.docker.io/v1/', ECR]);
  });
});
