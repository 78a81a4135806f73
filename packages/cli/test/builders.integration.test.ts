/**
 * `hosting deploy` through the BUILT CLI with the builders users' machines have: Docker (a private dockerd of
 * this test's own, Debian's docker.io) and Podman (rootful, the sandbox's private storage), against the whole
 * sandbox (registry with authentication, the AWS and GitHub test servers, the infra run rolling out on ECS).
 * Each deploy must exit 0 with the digest the registry holds, the service running that digest, and the
 * registry's credentials on no process's argv and nowhere in the user's HOME. Fails (never skips) when docker
 * or podman is missing: scripts/bootstrap.sh installs both.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { type DockerDaemon, requirePodman, startDockerDaemon, watchArgv } from '@shared-hosting/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { appCheckout } from './kit/app.js';
import { APP, type Sandbox, startSandbox } from './sandbox.mjs';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const undo of cleanups.reverse()) await undo();
});

/** A git checkout `app/` in the sandbox with a FROM-scratch Dockerfile whose file holds `text`. */
function checkout(sandbox: Sandbox, text: string): string {
  const dir = path.join(sandbox.work, 'app');
  appCheckout(dir, { text, commit: 't' });
  execFileSync('git', ['remote', 'add', 'origin', 'https://github.com/acme/hello-app.git'], { cwd: dir });
  return dir;
}

/** Every file under `dir` whose text contains one of `secrets` (HOME must hold none after a deploy). */
function filesHolding(dir: string, secrets: readonly string[]): string[] {
  const hits: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = statSync(full, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isDirectory()) hits.push(...filesHolding(full, secrets));
    else if (stat.isFile() && stat.size < 1_000_000) {
      const text = readFileSync(full, 'utf8');
      if (secrets.some((s) => text.includes(s))) hits.push(full);
    }
  }
  return hits;
}

async function deployWith(sandbox: Sandbox, builder: string) {
  const cwd = checkout(sandbox, `hello from ${builder}`);
  const password = sandbox.aws.registry.password;
  const secrets = [password, Buffer.from(`AWS:${password}`).toString('base64')];
  const watch = watchArgv(secrets);
  const result = await sandbox.deploy(['--version', `${builder}-1`, '--json'], { cwd });
  const onArgv = watch.stop();
  expect(result.code, result.stderr).toBe(0);
  expect(result.stderr).toContain(`Using ${builder} (--builder ${builder}`);
  expect(result.json).toMatchObject({ status: 'succeeded', conclusion: 'success', version: `${builder}-1` });
  const digest = String(result.json?.digest ?? '');
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(await sandbox.digestOf(`${builder}-1`)).toBe(digest);
  expect(sandbox.running().image).toBe(`${sandbox.aws.registry.host}/${APP}@${digest}`);
  expect(watch.seen).toBeGreaterThan(0);
  expect(onArgv).toEqual([]);
  const dockerConfig = path.join(sandbox.work, '.docker', 'config.json');
  if (existsSync(dockerConfig)) expect(readFileSync(dockerConfig, 'utf8')).not.toContain(password);
  expect(
    filesHolding(sandbox.work, secrets).filter((f) => !f.includes(`${path.sep}infra${path.sep}`)),
  ).toEqual([]);
}

describe('hosting deploy with the builders users have (built bin, whole sandbox)', () => {
  it('docker (a private dockerd): exit 0, the registry digest rolled out, no credential on argv or in HOME', async () => {
    const daemon: DockerDaemon = await startDockerDaemon();
    cleanups.push(() => daemon.stop());
    const sandbox = await startSandbox({ builder: 'docker', builderEnv: daemon.env });
    cleanups.push(() => sandbox.stop());
    await deployWith(sandbox, 'docker');
  }, 180_000);

  it('podman (rootful, a private storage): exit 0, the registry digest rolled out, no credential on argv or in HOME', async () => {
    requirePodman();
    const sandbox = await startSandbox({ builder: 'podman' });
    cleanups.push(() => sandbox.stop());
    await deployWith(sandbox, 'podman');
  }, 180_000);
});
