import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RegistryAuth } from '../ports.js';

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
 * read, never written), its other entries are kept so a build can still pull private base images; the
 * ECR entry wins for its registry.
 */
export function authDocument(auth: RegistryAuth, base: AuthDocument = {}): string {
  const baseAuths = base.auths && typeof base.auths === 'object' ? (base.auths as AuthDocument) : {};
  return `${JSON.stringify(
    {
      ...base,
      auths: {
        ...baseAuths,
        [auth.registry]: { auth: Buffer.from(`${auth.username}:${auth.password}`).toString('base64') },
      },
    },
    null,
    2,
  )}\n`;
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

/**
 * Write the credentials to a fresh 0700 directory (file 0600), never to the user's own ~/.docker/config.json
 * or containers auth.json. The caller removes it in `finally`.
 */
export async function writeTempAuth(
  auth: RegistryAuth,
  tempRoot = tmpdir(),
  base?: AuthDocument,
): Promise<TempAuth> {
  const dir = await mkdtemp(path.join(tempRoot, 'hosting-auth-'));
  const file = path.join(dir, 'config.json');
  try {
    await writeFile(file, authDocument(auth, base), { mode: 0o600 });
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
