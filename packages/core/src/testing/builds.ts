// The set-up the real builders' integration tests share (docker.integration.test.ts,
// podman.integration.test.ts): the testkit's registry with authentication, a private work folder, a user's
// HOME whose docker config has a credsStore, the slow-build app, a runner that records every command, and
// the build and push of one image with the registry cache. Test helpers, not exported from the package.
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  createSlowBuildApp,
  type LocalRegistry,
  requireStaticBusybox,
  type SlowBuildApp,
  startRegistry,
} from '@shared-hosting/testkit';
import {
  type ProcessRunner,
  type SelectBuilderOptions,
  selectBuilder,
  spawnRunner,
} from '../builders/index.js';
import type { BuildCache, BuilderName, ImageBuilder, RegistryAuth } from '../ports/ports.js';

/** A Docker Desktop-like config.json: a credsStore the builders must leave alone. */
export const USER_CONFIG = JSON.stringify({
  credsStore: 'desktop',
  auths: { 'https://index.docker.io/v1/': {} },
});

/** One command a builder ran: its argv and its environment. */
interface RecordedRun {
  argv: string[];
  env: Readonly<Record<string, string | undefined>>;
}

/** The OCI labels `buildAndPush` gives the image it pushes as `tag`. */
export function labelsOf(tag: string): Record<string, string> {
  return {
    'org.opencontainers.image.revision': `rev-${tag}`,
    'org.opencontainers.image.source': 'https://github.com/acme/hello-app',
  };
}

/** Build `app` with the registry cache and push it as `<repository>:<tag>`: the log, the outcome, the digest. */
async function buildAndPush(world: BuildWorld, builder: ImageBuilder, repository: string, tag: string) {
  const log: string[] = [];
  const image = `${world.registry.host}/${repository}:${tag}`;
  const request = {
    context: world.app.dir,
    dockerfile: world.app.dockerfile,
    tags: [image],
    labels: labelsOf(tag),
    buildArgs: {},
  };
  const result = await builder.build({ ...request, cache: world.cacheFor(repository) }, (l) => log.push(l));
  const { digest } = await builder.push({ image, auth: world.auth() }, (l) => log.push(l));
  return { log, result, digest };
}

export type BuiltImage = Awaited<ReturnType<typeof buildAndPush>>;

export interface BuildWorld {
  registry: LocalRegistry;
  /** The private work folder (removed by `stop`); `auth` below it is the builders' temporary folder. */
  work: string;
  /** The user's HOME: `.docker/config.json` is USER_CONFIG. */
  home: string;
  /** The builders' folder for temporary auth files: empty after every build. */
  authDir: string;
  /** The slow-build app (one second of "installing dependencies"), its text "one\n" at first. */
  app: SlowBuildApp;
  /** Every command the builders ran through `runner`, in order. */
  recorded: RecordedRun[];
  runner: ProcessRunner;
  auth(): RegistryAuth;
  /** The registry cache of a repository. */
  cacheFor(repository: string): BuildCache;
  /** What must never appear on an argv or in a log: the password and the docker auth it makes. */
  secrets(): string[];
  /** The builder chosen as the CLI would, with HOME, the recording runner and the auth folder. */
  select(
    choice: 'auto' | BuilderName,
    env: Record<string, string>,
    options?: SelectBuilderOptions,
  ): Promise<ImageBuilder>;
  buildAndPush(builder: ImageBuilder, repository: string, tag: string): Promise<BuiltImage>;
  /** A context whose Dockerfile's RUN prints "running" and exits 3. */
  failingContext(): Promise<{ context: string; dockerfile: string }>;
  stop(): Promise<void>;
}

/** Start the registry and lay out the work folder, HOME and the app; `prefix` names the work folder. */
export async function startBuildWorld(prefix: string): Promise<BuildWorld> {
  const registry = await startRegistry();
  const work = await mkdtemp(path.join(tmpdir(), prefix));
  const home = path.join(work, 'home');
  const authDir = path.join(work, 'auth');
  await mkdir(path.join(home, '.docker'), { recursive: true });
  await writeFile(path.join(home, '.docker', 'config.json'), USER_CONFIG);
  await mkdir(authDir);
  const app = await createSlowBuildApp(1, 'one\n');
  const recorded: RecordedRun[] = [];
  const runner: ProcessRunner = (command, args, options) => {
    recorded.push({ argv: [command, ...args], env: options.env });
    return spawnRunner(command, args, options);
  };
  const auth = (): RegistryAuth => ({
    registry: registry.host,
    username: registry.username,
    password: registry.password,
    insecure: true,
  });
  const world: BuildWorld = {
    registry,
    work,
    home,
    authDir,
    app,
    recorded,
    runner,
    auth,
    cacheFor: (repository) => ({ repository: `${registry.host}/${repository}/build-cache`, auth: auth() }),
    secrets: () => [registry.password, Buffer.from(`AWS:${registry.password}`).toString('base64')],
    select: (choice, env, options = {}) =>
      selectBuilder(choice, {
        env: { ...process.env, HOME: home, ...env },
        runner,
        tempDir: authDir,
        ...options,
      }),
    buildAndPush: (builder, repository, tag) => buildAndPush(world, builder, repository, tag),
    failingContext: () => failingContext(work),
    stop: async () => {
      await registry.stop();
      await app.remove();
      await rm(work, { recursive: true, force: true });
    },
  };
  return world;
}

async function failingContext(work: string): Promise<{ context: string; dockerfile: string }> {
  const context = await mkdtemp(path.join(work, 'failing-'));
  await copyFile(requireStaticBusybox(), path.join(context, 'busybox'));
  const dockerfile = path.join(context, 'Dockerfile');
  await writeFile(
    dockerfile,
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "sh", "-c", "echo running; exit 3"]\n',
  );
  return { context, dockerfile };
}
