import { PreconditionError } from '../errors/errors.js';
import type { ImageBuilder } from '../ports/ports.js';
import { type BuilderOptions, builderInputOf, ContainersBuilder, DockerBuilder } from './builders.js';
import { type ProcessEnv, type ProcessRunner, spawnRunner, which } from './process.js';
import { BUILDERS, type BuilderChoice, type BuilderEntry } from './registry.js';

export interface SelectBuilderOptions
  extends Omit<BuilderOptions, 'buildx' | 'buildxDriver' | 'classic' | 'command'> {
  env?: ProcessEnv | undefined;
  /** Says which builder was chosen and why (a sentence for humans). */
  log?: ((message: string) => void) | undefined;
  /** How long `docker info` may take to answer (default 3 s). */
  dockerTimeoutMs?: number | undefined;
}

/** What probing one builder found: a builder (or none) and why, in a few words. */
interface Detected {
  builder?: ImageBuilder | undefined;
  reason: string;
  /** Usable, but `auto` prefers any later builder: docker with the classic builder only. */
  lastResort?: boolean;
}

interface Probing {
  env: ProcessEnv;
  runner: ProcessRunner;
  timeoutMs: number;
  options: BuilderOptions;
}

const BUILDX_HINT =
  "Install the buildx plugin (Debian: sudo apt-get install -y docker-buildx; Docker's packages: docker-buildx-plugin) to build with BuildKit";

async function run(probing: Probing, args: string[], timeoutMs = 3000) {
  try {
    return await probing.runner('docker', args, { env: probing.env, timeoutMs });
  } catch (error) {
    return { code: -1, stdout: '', tail: [(error as Error).message], timedOut: false };
  }
}

/**
 * docker: its daemon must answer (`docker info`). With buildx, `docker buildx build` and the driver `docker
 * buildx inspect` names; without it, a client before 23 builds with the daemon's BuildKit, and a client 23 or
 * newer (which refuses BuildKit without buildx) only with the classic builder: a last resort for `auto`.
 */
async function detectDocker(probing: Probing): Promise<Detected> {
  if (!which('docker', probing.env)) return { reason: 'not installed' };
  const info = await run(probing, ['info', '--format', '{{.ServerVersion}}'], probing.timeoutMs);
  const daemon = info.code === 0 ? info.stdout.trim() : '';
  if (!daemon) {
    const why = info.timedOut ? `did not answer within ${probing.timeoutMs} ms` : 'did not answer';
    return { reason: `daemon ${why}` };
  }
  const base = { ...probing.options, env: probing.env, runner: probing.runner };
  const inspect = await run(probing, ['buildx', 'inspect']);
  if (inspect.code === 0) {
    const driver = /^Driver:\s+(\S+)/m.exec(inspect.stdout)?.[1] ?? 'docker';
    return {
      builder: new DockerBuilder({ ...base, buildx: true, buildxDriver: driver }),
      reason: `daemon ${daemon}, buildx with the ${driver} driver`,
    };
  }
  const version = await run(probing, ['version', '--format', '{{.Client.Version}}']);
  const client = version.stdout.trim() || 'of unknown version';
  const major = Number.parseInt(client, 10);
  if (major > 0 && major < 23) {
    return {
      builder: new DockerBuilder({ ...base, buildx: false }),
      reason: `daemon ${daemon}, client ${client} without buildx: BuildKit through DOCKER_BUILDKIT=1`,
    };
  }
  return {
    builder: new DockerBuilder({ ...base, buildx: false, classic: true }),
    reason: `daemon ${daemon}, but client ${client} has no buildx plugin, so no BuildKit: only the classic builder (DOCKER_BUILDKIT=0)`,
    lastResort: true,
  };
}

function detect(entry: BuilderEntry, probing: Probing): Promise<Detected> | Detected {
  if (entry.family === 'docker') return detectDocker(probing);
  const found = which(entry.name, probing.env);
  if (!found) return { reason: 'not installed' };
  const builder = new ContainersBuilder(entry.name, {
    ...probing.options,
    env: probing.env,
    runner: probing.runner,
  });
  return { builder, reason: found };
}

/**
 * Choose the image builder. `auto` tries the registry's builders in order (docker if its daemon answers and it
 * has BuildKit, else podman, else buildah; docker with only the classic builder when nothing else is there)
 * and says which and why. Throws BUILDER_NOT_FOUND saying what was tried when none can be used.
 */
export async function selectBuilder(
  choice: BuilderChoice,
  options: SelectBuilderOptions = {},
): Promise<ImageBuilder> {
  const { log, dockerTimeoutMs, env = process.env, runner = spawnRunner, ...builderOptions } = options;
  const probing: Probing = { env, runner, timeoutMs: dockerTimeoutMs ?? 3000, options: builderOptions };
  const tried: string[] = [];
  const entries = choice === 'auto' ? BUILDERS : BUILDERS.filter((b) => b.name === choice);
  let lastResort: Detected | undefined;
  for (const entry of entries) {
    const found = await detect(entry, probing);
    tried.push(`${entry.name}: ${found.reason}`);
    if (found.builder && !(choice === 'auto' && found.lastResort)) {
      log?.(chosen(found, choice, tried, builderInputOf(builderOptions)));
      return found.builder;
    }
    if (found.builder) lastResort ??= found;
  }
  if (lastResort?.builder) {
    log?.(chosen(lastResort, choice, tried, builderInputOf(builderOptions)));
    return lastResort.builder;
  }
  throw notFound(choice, tried, builderInputOf(builderOptions));
}

function chosen(found: Detected, choice: BuilderChoice, tried: string[], input: string): string {
  const name = found.builder?.name ?? '';
  const how = choice === 'auto' ? `auto: ${tried.join('; ')}` : `${input} ${choice}: ${found.reason}`;
  if (!found.lastResort) return `Using ${name} (${how}).`;
  return `Using docker with the classic builder, DOCKER_BUILDKIT=0 (${how}). ${BUILDX_HINT}${choice === 'auto' ? ', or install podman or buildah' : ''}.`;
}

function notFound(choice: BuilderChoice, tried: string[], input: string): PreconditionError {
  const install = (choice === 'auto' ? BUILDERS : BUILDERS.filter((b) => b.name === choice)).map(
    (b) => b.install,
  );
  return new PreconditionError(
    'BUILDER_NOT_FOUND',
    choice === 'auto'
      ? `No image builder can be used (${tried.join('; ')}).`
      : `The builder "${choice}" cannot be used (${tried.join('; ')}).`,
    {
      fix:
        choice === 'docker'
          ? `Start the Docker daemon, or choose podman or buildah with ${input}.`
          : `${install.join('; or ')}${choice === 'auto' ? '' : `; or choose another with ${input}`}.`,
      details: { choice },
    },
  );
}
