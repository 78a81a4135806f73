import { PreconditionError } from '../errors/errors.js';
import type { BuilderName, ImageBuilder } from '../ports/ports.js';
import { type BuilderOptions, ContainersBuilder, DockerBuilder } from './builders.js';
import { type ProcessEnv, type ProcessRunner, spawnRunner, which } from './process.js';

export { type AuthDocument, authDocument, Redactor, type TempAuth, writeTempAuth } from './auth.js';
export { type BuilderOptions, type CacheMode, ContainersBuilder, DockerBuilder } from './builders.js';
export {
  BUILDX_CACHE_TAG,
  buildCacheRepository,
  type CacheProbe,
  type CacheProber,
  INLINE_CACHE_TAG,
  probeCache,
} from './cache.js';
export {
  type ProcessEnv,
  type ProcessRunner,
  type RunOptions,
  type RunResult,
  spawnRunner,
  which,
} from './process.js';

export const BUILDER_NAMES: readonly BuilderName[] = ['docker', 'podman', 'buildah'];

export interface SelectBuilderOptions extends Omit<BuilderOptions, 'buildx' | 'buildxDriver' | 'command'> {
  env?: ProcessEnv | undefined;
  /** Says which builder was chosen and why (a sentence for humans). */
  log?: ((message: string) => void) | undefined;
  /** How long `docker info` may take to answer (default 3 s). */
  dockerTimeoutMs?: number | undefined;
}

/** Create one builder without probing (the binary is resolved on PATH when it runs). */
export function createBuilder(name: BuilderName, options: BuilderOptions = {}): ImageBuilder {
  return name === 'docker' ? new DockerBuilder(options) : new ContainersBuilder(name, options);
}

interface Probe {
  ok: boolean;
  reason: string;
}

async function probeDocker(runner: ProcessRunner, env: ProcessEnv, timeoutMs: number): Promise<Probe> {
  if (!which('docker', env)) return { ok: false, reason: 'not installed' };
  try {
    const info = await runner('docker', ['info', '--format', '{{.ServerVersion}}'], { env, timeoutMs });
    if (info.code === 0 && info.stdout.trim()) return { ok: true, reason: `daemon ${info.stdout.trim()}` };
    return {
      ok: false,
      reason: info.timedOut ? `daemon did not answer within ${timeoutMs} ms` : 'daemon did not answer',
    };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}

/** buildx's driver (`docker`, `docker-container`, ...) from `docker buildx inspect`; undefined without buildx. */
async function buildxDriver(runner: ProcessRunner, env: ProcessEnv): Promise<string | undefined> {
  try {
    const result = await runner('docker', ['buildx', 'inspect'], { env, timeoutMs: 3000 });
    if (result.code !== 0) return undefined;
    return /^Driver:\s+(\S+)/m.exec(result.stdout)?.[1] ?? 'docker';
  } catch {
    return undefined;
  }
}

/**
 * Choose the image builder. `auto`: docker if its daemon answers (`docker info`, short timeout), else podman,
 * else buildah. Throws BUILDER_NOT_FOUND saying what was tried when none can be used.
 */
export async function selectBuilder(
  choice: 'auto' | BuilderName,
  options: SelectBuilderOptions = {},
): Promise<ImageBuilder> {
  const env = options.env ?? process.env;
  const runner = options.runner ?? spawnRunner;
  const timeout = options.dockerTimeoutMs ?? 3000;
  const { log, dockerTimeoutMs: _t, ...builderOptions } = options;
  const tried: string[] = [];

  const docker = async (): Promise<ImageBuilder | undefined> => {
    const probe = await probeDocker(runner, env, timeout);
    tried.push(`docker: ${probe.reason}`);
    if (!probe.ok) return undefined;
    const driver = await buildxDriver(runner, env);
    return new DockerBuilder({
      ...builderOptions,
      env,
      runner,
      buildx: driver !== undefined,
      buildxDriver: driver,
    });
  };
  const containers = (name: 'podman' | 'buildah'): ImageBuilder | undefined => {
    const found = which(name, env);
    tried.push(`${name}: ${found ? found : 'not installed'}`);
    return found ? new ContainersBuilder(name, { ...builderOptions, env, runner }) : undefined;
  };

  let builder: ImageBuilder | undefined;
  if (choice === 'auto') {
    builder = (await docker()) ?? containers('podman') ?? containers('buildah');
    if (builder) log?.(`Using ${builder.name} (auto: ${tried.join('; ')}).`);
  } else {
    builder = choice === 'docker' ? await docker() : containers(choice);
    if (builder) log?.(`Using ${builder.name} (--builder ${choice}).`);
  }
  if (!builder) {
    throw new PreconditionError(
      'BUILDER_NOT_FOUND',
      choice === 'auto'
        ? `No image builder can be used (${tried.join('; ')}).`
        : `The builder "${choice}" cannot be used (${tried.join('; ')}).`,
      {
        fix:
          choice === 'docker'
            ? 'Start the Docker daemon, or choose podman or buildah with --builder.'
            : 'Start Docker, or install podman or buildah (sudo apt-get install -y buildah), or choose another with --builder.',
        details: { choice },
      },
    );
  }
  return builder;
}
