import { spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { findExecutable } from './registry.js';

/**
 * A Docker daemon of a test's own: Debian's `dockerd` with its own data root, exec root, pidfile and unix
 * socket in a temp dir, the vfs storage driver, no iptables rules, the default bridge (`--bridge=none` breaks
 * every RUN under BuildKit). Never the machine's daemon: stopped by its pidfile. Needs root (as CI runs).
 */
export interface DockerDaemon {
  dir: string;
  /** `unix://<dir>/docker.sock` */
  host: string;
  /** What a docker client needs to talk to it: DOCKER_HOST, and PATH with the chosen client first. */
  env: { DOCKER_HOST: string; PATH: string };
  /** The daemon's version (`20.10.24+dfsg1`). */
  version: string;
  stop(): Promise<void>;
}

export const DOCKER_INSTALL_HINT =
  'Install it with: sudo apt-get update && sudo apt-get install -y docker.io';
/** Debian's docker.io client (20.10: BuildKit through DOCKER_BUILDKIT=1, no buildx needed). */
export const DEBIAN_DOCKER_CLIENT = '/usr/bin/docker';

/** Throws with the install command when dockerd or Debian's docker client is missing (tests fail, never skip). */
export function requireDocker(): { dockerd: string; client: string } {
  const dockerd = findExecutable(['dockerd']);
  if (!dockerd) throw new Error(`dockerd was not found on PATH. ${DOCKER_INSTALL_HINT}`);
  if (!existsSync(DEBIAN_DOCKER_CLIENT))
    throw new Error(`${DEBIAN_DOCKER_CLIENT} is missing. ${DOCKER_INSTALL_HINT}`);
  return { dockerd, client: DEBIAN_DOCKER_CLIENT };
}

export const PODMAN_INSTALL_HINT = 'Install it with: sudo apt-get update && sudo apt-get install -y podman';

/** Throws with the install command when podman is missing (tests fail, never skip). */
export function requirePodman(): string {
  const found = findExecutable(['podman']);
  if (!found) throw new Error(`podman was not found on PATH. ${PODMAN_INSTALL_HINT}`);
  return found;
}

/** GET /_ping on the daemon's socket: true once it answers OK. */
function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

function daemonArgs(dir: string): string[] {
  return [
    '--data-root',
    path.join(dir, 'data'),
    '--exec-root',
    path.join(dir, 'exec'),
    '--pidfile',
    path.join(dir, 'docker.pid'),
    '-H',
    `unix://${path.join(dir, 'docker.sock')}`,
    '--storage-driver',
    'vfs',
    '--iptables=false',
  ];
}

export interface StartDockerOptions {
  /** The docker client the env's PATH puts first (default Debian's /usr/bin/docker). */
  client?: string;
  /** Extra dockerd flags, e.g. `['--bridge=none']`. */
  extraArgs?: string[];
  /** How long to wait for the daemon (default 30 s). */
  timeoutMs?: number;
}

/** Start a daemon and wait until it answers; its log is `<dir>/dockerd.log`. */
export async function startDockerDaemon(options: StartDockerOptions = {}): Promise<DockerDaemon> {
  const { dockerd } = requireDocker();
  const dir = await mkdtemp('/tmp/testkit-dockerd-');
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  await symlink(options.client ?? DEBIAN_DOCKER_CLIENT, path.join(bin, 'docker'));
  const log = openSync(path.join(dir, 'dockerd.log'), 'a');
  const child = spawn(dockerd, [...daemonArgs(dir), ...(options.extraArgs ?? [])], {
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  const socket = path.join(dir, 'docker.sock');
  const stop = () => stopDaemon(dir);
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  while (!(await ping(socket))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      const tail = readFileSync(path.join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-8).join('\n');
      await stop();
      throw new Error(`dockerd did not start (exit code ${child.exitCode ?? 'none'}):\n${tail}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const host = `unix://${socket}`;
  const env = { DOCKER_HOST: host, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
  return { dir, host, env, version: await daemonVersion(socket), stop };
}

async function daemonVersion(socketPath: string): Promise<string> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/version' }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve((JSON.parse(body) as { Version?: string }).Version ?? 'unknown'));
    });
    req.on('error', () => resolve('unknown'));
    req.end();
  });
}

/** SIGTERM the daemon named by its pidfile, wait for it to go (SIGKILL after 15 s), remove its directory. */
async function stopDaemon(dir: string): Promise<void> {
  const pidfile = path.join(dir, 'docker.pid');
  const pid = existsSync(pidfile) ? Number.parseInt(readFileSync(pidfile, 'utf8'), 10) : Number.NaN;
  if (Number.isInteger(pid) && pid > 0) {
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 15_000;
    while (alive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (alive()) process.kill(pid, 'SIGKILL');
  }
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
