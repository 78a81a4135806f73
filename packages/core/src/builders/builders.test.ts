import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BuildError, HostingError } from '../errors/errors.js';
import type { BuildRequest, PushRequest, RegistryAuth } from '../ports/ports.js';
import { fakeRunner } from '../testing/runner.js';
import { ContainersBuilder, DockerBuilder } from './builders.js';
import { selectBuilder } from './index.js';

const PASSWORD = 'eyJwYXlsb2FkIjoiczNjcjN0LXBhc3N3b3JkIn0';
const auth = (insecure: boolean): RegistryAuth => ({
  registry: insecure ? '127.0.0.1:5000' : '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
  username: 'AWS',
  password: PASSWORD,
  insecure,
});

const request: BuildRequest = {
  context: '/src/app',
  dockerfile: '/src/app/Dockerfile',
  tags: ['127.0.0.1:5000/hello-app:abc123'],
  labels: { 'org.opencontainers.image.revision': 'abc123', 'org.opencontainers.image.source': 'https://x/y' },
  buildArgs: { NODE_ENV: 'production' },
  target: 'runtime',
  platform: 'linux/amd64',
};

describe('buildah and podman', () => {
  it('passes tags, labels, build args, target, platform and the isolation options', async () => {
    const { runner, calls } = fakeRunner();
    const builder = new ContainersBuilder('buildah', {
      runner,
      globalArgs: ['--root', '/tmp/r', '--runroot', '/tmp/rr'],
      buildArgs: ['--timestamp', '0'],
      extraEnv: { STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' },
      env: { PATH: '/usr/bin' },
    });
    const lines: string[] = [];
    await builder.build(request, (l) => lines.push(l));
    expect(calls[0]?.command).toBe('buildah');
    expect(calls[0]?.args).toEqual([
      '--root',
      '/tmp/r',
      '--runroot',
      '/tmp/rr',
      'build',
      '-f',
      '/src/app/Dockerfile',
      '-t',
      '127.0.0.1:5000/hello-app:abc123',
      '--label',
      'org.opencontainers.image.revision=abc123',
      '--label',
      'org.opencontainers.image.source=https://x/y',
      '--build-arg',
      'NODE_ENV=production',
      '--target',
      'runtime',
      '--platform',
      'linux/amd64',
      '--timestamp',
      '0',
      '/src/app',
    ]);
    expect(calls[0]?.options.env).toMatchObject({
      PATH: '/usr/bin',
      STORAGE_DRIVER: 'vfs',
      BUILDAH_ISOLATION: 'chroot',
    });
  });

  it('pushes with a temporary auth file, no TLS verification for http, and captures the digest', async () => {
    const { runner, calls } = fakeRunner(() => ({ lines: ['Copying blob', 'Writing manifest'] }));
    const builder = new ContainersBuilder('podman', { runner });
    const push: PushRequest = { image: '127.0.0.1:5000/hello-app:abc123', auth: auth(true) };
    const result = await builder.push(push, () => {});
    expect(result.digest).toBe(`sha256:${'a'.repeat(64)}`);
    const args = calls[0]?.args ?? [];
    expect(args.slice(0, 3)).toEqual([
      'push',
      '--authfile',
      expect.stringMatching(/hosting-auth-.*config\.json$/),
    ]);
    expect(args).toContain('--tls-verify=false');
    expect(args.slice(-2)).toEqual([
      '127.0.0.1:5000/hello-app:abc123',
      'docker://127.0.0.1:5000/hello-app:abc123',
    ]);
    expect(args.join(' ')).not.toContain(PASSWORD);
    const authFile = args[2] as string;
    expect(calls[0]?.options.env.REGISTRY_AUTH_FILE).toBe(authFile);
    expect(JSON.parse(calls[0]?.files[authFile] ?? '{}')).toEqual({
      auths: { '127.0.0.1:5000': { auth: Buffer.from(`AWS:${PASSWORD}`).toString('base64') } },
    });
    expect(existsSync(authFile)).toBe(false);
    expect(existsSync(path.dirname(authFile))).toBe(false);

    await builder.push({ image: 'x.dkr.ecr.eu-west-1.amazonaws.com/a:b', auth: auth(false) }, () => {});
    expect(calls[1]?.args).not.toContain('--tls-verify=false');
  });

  it('redacts the password from output and error, and removes the auth file when the push fails', async () => {
    const encoded = Buffer.from(`AWS:${PASSWORD}`).toString('base64');
    const { runner, calls } = fakeRunner(() => ({
      code: 125,
      lines: [`Error: authenticating with password ${PASSWORD}`, `header Basic ${encoded}`, 'unauthorized'],
    }));
    const builder = new ContainersBuilder('buildah', { runner });
    const lines: string[] = [];
    const error = await builder
      .push({ image: '127.0.0.1:5000/a:b', auth: auth(true) }, (l) => lines.push(l))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).code).toBe('PUSH_FAILED');
    expect((error as BuildError).message).toBe('buildah could not push 127.0.0.1:5000/a:b (exit code 125).');
    const everything = JSON.stringify([lines, (error as BuildError).logTail, (error as BuildError).message]);
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(encoded);
    expect(lines[0]).toBe('Error: authenticating with password ***');
    const authFile = calls[0]?.args[calls[0].args.indexOf('--authfile') + 1] as string;
    expect(existsSync(authFile)).toBe(false);
  });

  it('fails a build with the end of its log', async () => {
    const { runner } = fakeRunner(() => ({
      code: 1,
      lines: Array.from({ length: 50 }, (_, i) => `line ${i}`),
    }));
    const error = await new ContainersBuilder('buildah', { runner })
      .build(request, () => {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BuildError);
    expect((error as BuildError).code).toBe('BUILD_FAILED');
    expect((error as BuildError).logTail).toHaveLength(30);
    expect((error as BuildError).logTail.at(-1)).toBe('line 49');
  });
});

describe('docker', () => {
  it('builds with buildx --load when available, else docker build', async () => {
    const { runner, calls } = fakeRunner();
    await new DockerBuilder({ runner, buildx: true }).build(request, () => {});
    await new DockerBuilder({ runner, buildx: false }).build(request, () => {});
    expect(calls[0]?.args.slice(0, 5)).toEqual(['buildx', 'build', '--load', '-f', '/src/app/Dockerfile']);
    expect(calls[1]?.args.slice(0, 3)).toEqual(['build', '-f', '/src/app/Dockerfile']);
    expect(calls[1]?.args.at(-1)).toBe('/src/app');
  });

  it('pushes through a temporary DOCKER_CONFIG and reads the digest from the output', async () => {
    const digest = `sha256:${'b'.repeat(64)}`;
    const { runner, calls } = fakeRunner(() => ({ lines: [`abc123: digest: ${digest} size: 528`] }));
    const result = await new DockerBuilder({ runner }).push(
      { image: '127.0.0.1:5000/hello-app:abc123', auth: auth(true) },
      () => {},
    );
    expect(result.digest).toBe(digest);
    expect(calls[0]?.args).toEqual(['push', '127.0.0.1:5000/hello-app:abc123']);
    const dir = calls[0]?.options.env.DOCKER_CONFIG as string;
    expect(dir).toMatch(/hosting-auth-/);
    expect(dir).not.toBe(path.join(process.env.HOME ?? '', '.docker'));
    expect(Object.values(calls[0]?.files ?? {})[0]).toContain('"127.0.0.1:5000"');
    expect(existsSync(dir)).toBe(false);
  });

  it('explains insecure-registries when a push to a plain-http registry fails', async () => {
    const { runner } = fakeRunner(() => ({
      code: 1,
      lines: ['http: server gave HTTP response to HTTPS client'],
    }));
    const error = (await new DockerBuilder({ runner })
      .push({ image: '10.0.0.5:5000/a:b', auth: { ...auth(true), registry: '10.0.0.5:5000' } }, () => {})
      .catch((e: unknown) => e)) as BuildError;
    expect(error.code).toBe('PUSH_FAILED');
    expect(error.fix).toContain('insecure-registries');
  });
});

describe('selectBuilder', () => {
  let bin: string;
  beforeAll(async () => {
    bin = await mkdtemp(path.join(tmpdir(), 'fake-bin-'));
  });
  afterAll(async () => {
    await rm(bin, { recursive: true, force: true });
  });
  const install = async (...names: string[]) => {
    for (const f of await readdir(bin)) await rm(path.join(bin, f));
    for (const name of names) {
      await writeFile(path.join(bin, name), '#!/bin/sh\nexit 0\n');
      await chmod(path.join(bin, name), 0o755);
    }
  };

  it('auto: docker when its daemon answers, with buildx when present', async () => {
    await install('docker', 'podman', 'buildah');
    const { runner, calls } = fakeRunner((c) =>
      c.args[0] === 'info' ? { stdout: '27.0.1\n' } : c.args[0] === 'buildx' ? { code: 0 } : {},
    );
    const messages: string[] = [];
    const builder = await selectBuilder('auto', { env: { PATH: bin }, runner, log: (m) => messages.push(m) });
    expect(builder.name).toBe('docker');
    expect(calls[0]?.options.timeoutMs).toBe(3000);
    await builder.build(request, () => {});
    expect(calls.at(-1)?.args.slice(0, 3)).toEqual(['buildx', 'build', '--load']);
    expect(messages[0]).toMatch(
      /^Using docker \(auto: docker: daemon 27\.0\.1, buildx with the docker driver\)/,
    );
  });

  it('auto: podman when the docker daemon does not answer, else buildah, and says why', async () => {
    await install('docker', 'podman', 'buildah');
    const { runner } = fakeRunner((c) => (c.args[0] === 'info' ? { code: 1 } : {}));
    const messages: string[] = [];
    expect(
      (await selectBuilder('auto', { env: { PATH: bin }, runner, log: (m) => messages.push(m) })).name,
    ).toBe('podman');
    expect(messages[0]).toContain('docker: daemon did not answer');
    await install('buildah');
    expect((await selectBuilder('auto', { env: { PATH: bin }, runner })).name).toBe('buildah');
  });

  it('BUILDER_NOT_FOUND when nothing can build', async () => {
    await install();
    const { runner } = fakeRunner();
    const error = (await selectBuilder('auto', { env: { PATH: bin }, runner }).catch(
      (e: unknown) => e,
    )) as HostingError;
    expect(error).toBeInstanceOf(HostingError);
    expect(error.code).toBe('BUILDER_NOT_FOUND');
    expect(error.message).toBe(
      'No image builder can be used (docker: not installed; podman: not installed; buildah: not installed).',
    );
    expect(error.fix).toContain('apt-get install -y buildah');
    const explicit = (await selectBuilder('podman', { env: { PATH: bin }, runner }).catch(
      (e: unknown) => e,
    )) as HostingError;
    expect(explicit.code).toBe('BUILDER_NOT_FOUND');
    expect(explicit.message).toContain('"podman" cannot be used');
  });
});
