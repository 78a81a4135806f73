import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RegistryAuth } from '../ports/ports.js';

/** A private temp directory holding the registry credentials for one push; removed by `dispose()`. */
export interface TempAuth {
  dir: string;
  /** `<dir>/config.json` (docker's DOCKER_CONFIG layout) — also valid as a containers auth.json. */
  file: string;
  dispose(): Promise<void>;
}

/** An auth document as found on disk (docker `config.json` or containers `auth.json`), parsed. */
export type AuthDocument = Record<string, unknown>;

/**
 * The `auths` document docker, podman, buildah and skopeo all read. With `base` (the user's own document,
 * read, never written), only what lets a build still pull private base images from other registries is kept:
 * their `auths` entries and `credHelpers`. A `credsStore` (Docker Desktop writes `"desktop"`) is not kept, or
 * docker would ask it for the ECR host too and ignore the login written here; the registries it holds
 * credentials for (listed in `auths`) get it as their `credHelpers` entry instead. The ECR entry wins for its
 * registry, and no helper is left for it. `settings` names other keys to keep that hold no credentials
 * (docker's `currentContext`, so that the build talks to the user's daemon).
 */
export function authDocument(
  auth: RegistryAuth,
  base: AuthDocument = {},
  settings: readonly string[] = [],
): string {
  const { auths, credHelpers } = otherRegistries(base, auth.registry);
  const kept = Object.fromEntries(Object.entries(base).filter(([key]) => settings.includes(key)));
  const document: AuthDocument = {
    ...kept,
    auths: {
      ...auths,
      [auth.registry]: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') },
    },
    ...(Object.keys(credHelpers).length > 0 ? { credHelpers } : {}),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The user's `auths` and `credHelpers` for registries other than `registry`, a `credsStore` turned into helpers. */
function otherRegistries(
  base: AuthDocument,
  registry: string,
): { auths: AuthDocument; credHelpers: Record<string, string> } {
  const object = (value: unknown): AuthDocument =>
    value && typeof value === 'object' && !Array.isArray(value) ? (value as AuthDocument) : {};
  const same = (host: string) => host.replace(/^https?:\/\//, '').replace(/\/.*$/, '') === registry;
  const auths: AuthDocument = {};
  const credHelpers: Record<string, string> = {};
  const store = typeof base.credsStore === 'string' && base.credsStore ? base.credsStore : undefined;
  for (const [host, entry] of Object.entries(object(base.auths))) {
    if (same(host)) continue;
    auths[host] = entry;
    if (store && !object(entry).auth) credHelpers[host] = store;
  }
  for (const [host, helper] of Object.entries(object(base.credHelpers))) {
    if (!same(host) && typeof helper === 'string') credHelpers[host] = helper;
  }
  return { auths, credHelpers };
}

/** Reads a JSON auth document; undefined when it is missing or not JSON (never an error: it is optional). */
export async function readAuthDocument(file: string | undefined): Promise<AuthDocument | undefined> {
  if (!file) return undefined;
  try {
    const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as AuthDocument)
      : undefined;
  } catch {
    return undefined;
  }
}

const AUTH_PREFIX = 'hosting-auth-';
const OWNER_FILE = 'owner';
/** A directory without a readable owner is taken for stale once it is this old (a write cut short). */
const ORPHAN_AGE_MS = 10 * 60_000;

/**
 * Where temporary credentials go: in GitHub Actions the job's RUNNER_TEMP (emptied by the runner after
 * every job, even when the step was killed), else the system temp directory.
 */
export function authTempRoot(env: Readonly<Record<string, string | undefined>> = process.env): string {
  return env.RUNNER_TEMP?.trim() || tmpdir();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove the credential directories of runs that were killed before they could clean up (SIGKILL, a
 * crashed runner): every `hosting-auth-*` directory whose owning process is gone. Returns what it removed.
 * Never throws: a directory it cannot read or remove is left alone.
 */
export async function removeStaleAuthDirs(root: string, now = Date.now()): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names.filter((n) => n.startsWith(AUTH_PREFIX))) {
    const dir = path.join(root, name);
    const owner = Number.parseInt(await readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    const stale = Number.isInteger(owner)
      ? owner !== process.pid && !alive(owner)
      : now - ((await stat(dir).catch(() => undefined))?.mtimeMs ?? now) > ORPHAN_AGE_MS;
    if (!stale) continue;
    await rm(dir, { recursive: true, force: true }).then(
      () => removed.push(dir),
      () => undefined,
    );
  }
  return removed;
}

/**
 * Write the credentials to a fresh 0700 directory (file 0600), never to the user's own ~/.docker/config.json
 * or containers auth.json, recording the owning process so that a later run can remove it if this one is
 * killed. Stale directories of killed runs are removed first. The caller removes it in `finally`.
 */
export async function writeTempAuth(
  auth: RegistryAuth,
  tempRoot = authTempRoot(),
  base?: AuthDocument,
  settings: readonly string[] = [],
): Promise<TempAuth> {
  await removeStaleAuthDirs(tempRoot);
  const dir = await mkdtemp(path.join(tempRoot, AUTH_PREFIX));
  const file = path.join(dir, 'config.json');
  try {
    await writeFile(path.join(dir, OWNER_FILE), `${process.pid}\n`, { mode: 0o600 });
    await writeFile(file, authDocument(auth, base, settings), { mode: 0o600 });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, file, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Removes secrets (the password and the base64 `user:password` pair) from lines of tool output. */
export class Redactor {
  private readonly secrets: string[] = [];

  add(secret: string | undefined): void {
    if (!secret || secret.length < 4 || this.secrets.includes(secret)) return;
    this.secrets.push(secret);
    this.secrets.sort((a, b) => b.length - a.length);
  }

  addAuth(auth: RegistryAuth): void {
    this.add(auth.password);
    this.add(Buffer.from(`${auth.username}:${auth.password}`).toString('base64'));
    this.add(Buffer.from(auth.password).toString('base64'));
  }

  redact(line: string): string {
    let out = line;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }
}
