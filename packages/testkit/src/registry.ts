import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import bcrypt from 'bcryptjs';

/** A running local OCI registry (Debian `docker-registry`, i.e. CNCF distribution 2.8) with htpasswd auth. */
export interface LocalRegistry {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `127.0.0.1:PORT`, what image references start with. */
  host: string;
  /** ECR-style user name: `AWS`. */
  username: string;
  /** Generated per start; a secret in the sense of the tests (it must never show up in output). */
  password: string;
  /** The registry's storage directory (removed on stop). */
  storageDir: string;
  /** `Basic base64(user:password)` for direct calls to the registry API. */
  authorization: string;
  stop(): Promise<void>;
}

export interface StartRegistryOptions {
  /** Defaults to `AWS`, as ECR's GetAuthorizationToken returns. */
  username?: string;
  password?: string;
  /** Milliseconds to wait for the registry to answer. */
  readyTimeoutMs?: number;
}

const BINARIES = ['docker-registry', 'registry'];

export const REGISTRY_INSTALL_HINT =
  'Install it with: sudo apt-get update && sudo apt-get install -y docker-registry ' +
  '(Debian/Ubuntu; the binary is "docker-registry", CNCF distribution 2.x). ' +
  'The tests need a real registry and never skip.';

/** Find an executable on PATH. */
export function findExecutable(
  names: readonly string[],
  envPath = process.env.PATH ?? '',
): string | undefined {
  const dirs = [...envPath.split(path.delimiter).filter(Boolean), '/usr/bin', '/usr/local/bin', '/usr/sbin'];
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        return candidate;
      } catch {
        // keep looking
      }
    }
  }
  return undefined;
}

/** A free TCP port on 127.0.0.1 (the OS picks it; there is a tiny window before the registry binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Start a real registry on a free loopback port: htpasswd auth (user `AWS`, generated password, bcrypt cost 4
 * so a push takes ~0.2 s rather than 3 s), deletes enabled, storage in a temp dir. Throws with install
 * instructions when the binary is missing.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<LocalRegistry> {
  const binary = findExecutable(BINARIES);
  if (!binary) {
    throw new Error(`docker-registry was not found on PATH. ${REGISTRY_INSTALL_HINT}`);
  }
  const username = options.username ?? 'AWS';
  const password = options.password ?? randomBytes(18).toString('base64url');
  const dir = await mkdtemp(path.join(tmpdir(), 'testkit-registry-'));
  const storageDir = path.join(dir, 'storage');
  const htpasswd = path.join(dir, 'htpasswd');
  await writeFile(htpasswd, `${username}:${bcrypt.hashSync(password, 4)}\n`, { mode: 0o600 });

  let lastError: Error | undefined;
  for (let attempt = 0; attempt < 4; attempt++) {
    const port = await freePort();
    const config = {
      version: 0.1,
      log: { level: 'error', accesslog: { disabled: true } },
      storage: { filesystem: { rootdirectory: storageDir }, delete: { enabled: true } },
      http: { addr: `127.0.0.1:${port}`, secret: randomBytes(16).toString('hex') },
      auth: { htpasswd: { realm: 'testkit', path: htpasswd } },
    };
    const configFile = path.join(dir, 'config.yml');
    // JSON is YAML.
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) {
      if (!key.startsWith('REGISTRY_')) env[key] = value;
    }
    const child = spawn(binary, ['serve', configFile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const stderr: string[] = [];
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr.push(chunk);
      if (stderr.length > 50) stderr.shift();
    });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitReady(child, url, options.readyTimeoutMs ?? 15_000, stderr);
    } catch (error) {
      child.kill('SIGKILL');
      lastError = error as Error;
      if (/address already in use/i.test(stderr.join(''))) continue;
      break;
    }
    let stopped = false;
    // Never leave a registry behind when the test process ends without stop() (crash, timeout).
    const reap = () => child.kill('SIGKILL');
    process.once('exit', reap);
    child.once('exit', () => process.removeListener('exit', reap));
    return {
      url,
      host: `127.0.0.1:${port}`,
      username,
      password,
      storageDir,
      authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        await killAndWait(child);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw lastError ?? new Error('docker-registry did not start');
}

async function waitReady(
  child: ChildProcess,
  url: string,
  timeoutMs: number,
  stderr: string[],
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited: number | null | undefined;
  child.once('exit', (code) => {
    exited = code;
  });
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new Error(`docker-registry exited with code ${exited}: ${stderr.join('').trim().slice(-2000)}`);
    }
    try {
      const response = await fetch(`${url}/v2/`, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(
    `docker-registry did not answer on ${url} within ${timeoutMs} ms: ${stderr.join('').trim().slice(-2000)}`,
  );
}

function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
