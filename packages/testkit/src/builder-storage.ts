import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
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

export const BUSYBOX_INSTALL_HINT =
  'Install it with: sudo apt-get update && sudo apt-get install -y busybox-static';

/** The statically linked busybox (Debian busybox-static) that runs in a FROM-scratch image; throws when missing. */
export function requireStaticBusybox(file = '/bin/busybox'): string {
  let binary: Buffer;
  try {
    binary = readFileSync(file);
  } catch {
    throw new Error(`${file} was not found. ${BUSYBOX_INSTALL_HINT}`);
  }
  if (hasInterpreter(binary)) throw new Error(`${file} is not statically linked. ${BUSYBOX_INSTALL_HINT}`);
  return file;
}

/** Whether a 64-bit little-endian ELF file asks for a dynamic loader (a PT_INTERP program header). */
function hasInterpreter(elf: Buffer): boolean {
  if (elf.length < 64 || elf.toString('latin1', 1, 4) !== 'ELF' || elf[4] !== 2) return false;
  const offset = Number(elf.readBigUInt64LE(0x20));
  const size = elf.readUInt16LE(0x36);
  const count = elf.readUInt16LE(0x38);
  for (let i = 0; i < count; i++) if (elf.readUInt32LE(offset + i * size) === 3) return true;
  return false;
}

/** A build context whose "dependency" step is slow, for the registry cache tests and benchmark. */
export interface SlowBuildApp {
  dir: string;
  dockerfile: string;
  /** The file the last step copies: change it for a "one-file change". */
  appFile: string;
  write(appText: string): Promise<void>;
  remove(): Promise<void>;
}

/**
 * `FROM scratch`, busybox copied in, then `RUN` that sleeps `sleepSeconds` (the dependency install) and
 * writes the time it ran and a random number into `/deps-installed-at` (so a step that ran again gives another layer digest),
 * then `COPY app.txt`. Runs under buildah's chroot isolation on vfs.
 */
export async function createSlowBuildApp(sleepSeconds: number, appText = 'v1\n'): Promise<SlowBuildApp> {
  const busybox = requireStaticBusybox();
  const dir = await mkdtemp(path.join(tmpdir(), 'testkit-slow-app-'));
  const dockerfile = path.join(dir, 'Dockerfile');
  const appFile = path.join(dir, 'app.txt');
  await copyFile(busybox, path.join(dir, 'busybox'));
  await writeFile(
    dockerfile,
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      `RUN ["/bin/busybox", "sh", "-c", "/bin/busybox sleep ${sleepSeconds} && echo $(/bin/busybox date +%s) $RANDOM$RANDOM > /deps-installed-at"]`,
      'COPY app.txt /app/app.txt',
      '',
    ].join('\n'),
  );
  await writeFile(appFile, appText);
  return {
    dir,
    dockerfile,
    appFile,
    write: (text) => writeFile(appFile, text),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
