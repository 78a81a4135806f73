import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findExecutable } from './registry.js';

/** Private container storage for buildah/podman in tests and the demo: nothing touches the machine's own. */
export interface BuilderStorage {
  dir: string;
  /**
   * Environment that isolates buildah and podman: a storage.conf with its own graphroot/runroot
   * (CONTAINERS_STORAGE_CONF), the vfs driver, chroot isolation (no container runtime needed).
   */
  env: {
    CONTAINERS_STORAGE_CONF: string;
    STORAGE_DRIVER: string;
    BUILDAH_ISOLATION: string;
  };
  /** The same as global arguments (`--root`, `--runroot`, `--storage-driver`), for callers that prefer flags. */
  globalArgs: string[];
  remove(): Promise<void>;
}

export const BUILDAH_INSTALL_HINT = 'Install it with: sudo apt-get update && sudo apt-get install -y buildah';

/** Throws with the install command when buildah is missing (tests fail, never skip). */
export function requireBuildah(): string {
  const found = findExecutable(['buildah']);
  if (!found) throw new Error(`buildah was not found on PATH. ${BUILDAH_INSTALL_HINT}`);
  return found;
}

export async function createBuilderStorage(): Promise<BuilderStorage> {
  const dir = await mkdtemp(path.join(tmpdir(), 'testkit-storage-'));
  const graphroot = path.join(dir, 'graph');
  const runroot = path.join(dir, 'run');
  const conf = path.join(dir, 'storage.conf');
  await writeFile(conf, `[storage]\ndriver = "vfs"\ngraphroot = "${graphroot}"\nrunroot = "${runroot}"\n`);
  return {
    dir,
    env: { CONTAINERS_STORAGE_CONF: conf, STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot' },
    globalArgs: ['--root', graphroot, '--runroot', runroot, '--storage-driver', 'vfs'],
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
