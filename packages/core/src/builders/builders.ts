import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { BuildError, InterruptedError } from '../errors.js';
import type { BuilderName, BuildRequest, ImageBuilder, LogSink, PushRequest, PushResult } from '../ports.js';
import { Redactor, writeTempAuth } from './auth.js';
import { type ProcessEnv, type ProcessRunner, type RunResult, spawnRunner } from './process.js';

export interface BuilderOptions {
  /** Environment of the builder processes (default `process.env`). */
  env?: ProcessEnv | undefined;
  /** Extra environment, e.g. `{STORAGE_DRIVER: 'vfs', BUILDAH_ISOLATION: 'chroot'}`. */
  extraEnv?: ProcessEnv | undefined;
  /** Global arguments before the sub-command, e.g. `['--root', dir, '--runroot', dir2]` (podman/buildah). */
  globalArgs?: readonly string[] | undefined;
  /** Extra arguments for the build sub-command, e.g. `['--timestamp', '0']` (buildah/podman). */
  buildArgs?: readonly string[] | undefined;
  /** The executable (default: the builder's name, found on PATH). */
  command?: string | undefined;
  /** Process runner (tests pass a fake). */
  runner?: ProcessRunner | undefined;
  /** Where the temporary auth/digest files go (default the OS temp dir). */
  tempDir?: string | undefined;
  /** docker only: use `docker buildx build --load` (detected by selectBuilder). */
  buildx?: boolean | undefined;
}

const TAIL_LINES = 30;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Arguments common to every builder's build command. */
function commonBuildArgs(request: BuildRequest): string[] {
  const args = ['-f', request.dockerfile];
  for (const tag of request.tags) args.push('-t', tag);
  for (const [key, value] of Object.entries(request.labels)) args.push('--label', `${key}=${value}`);
  for (const [key, value] of Object.entries(request.buildArgs)) args.push('--build-arg', `${key}=${value}`);
  if (request.target) args.push('--target', request.target);
  if (request.platform) args.push('--platform', request.platform);
  return args;
}

abstract class BaseBuilder implements ImageBuilder {
  abstract readonly name: BuilderName;
  protected readonly runner: ProcessRunner;
  protected readonly command: string;

  constructor(
    name: BuilderName,
    protected readonly options: BuilderOptions,
  ) {
    this.runner = options.runner ?? spawnRunner;
    this.command = options.command ?? name;
  }

  protected env(extra: ProcessEnv = {}): ProcessEnv {
    return { ...(this.options.env ?? process.env), ...(this.options.extraEnv ?? {}), ...extra };
  }

  /** Run a sub-command, streaming redacted lines to the log. */
  protected async exec(
    args: readonly string[],
    log: LogSink,
    redactor: Redactor,
    signal: AbortSignal | undefined,
    extraEnv: ProcessEnv = {},
    cwd?: string,
  ): Promise<RunResult & { redactedTail: string[] }> {
    let result: RunResult;
    try {
      result = await this.runner(this.command, args, {
        env: this.env(extraEnv),
        cwd,
        signal,
        onLine: (line) => log(redactor.redact(line)),
      });
    } catch (error) {
      if (signal?.aborted)
        throw new InterruptedError(`${this.name} was interrupted.`, { cause: signal.reason });
      const code = (error as NodeJS.ErrnoException).code;
      throw new BuildError(
        code === 'ENOENT' ? 'BUILDER_NOT_FOUND' : 'BUILD_FAILED',
        code === 'ENOENT'
          ? `${this.command} is not installed (not found on PATH).`
          : `${this.name} could not be started: ${(error as Error).message}`,
        [],
        { fix: 'Install the builder or choose another with --builder.', cause: error },
      );
    }
    if (signal?.aborted)
      throw new InterruptedError(`${this.name} was interrupted.`, { cause: signal.reason });
    return { ...result, redactedTail: result.tail.map((l) => redactor.redact(l)).slice(-TAIL_LINES) };
  }

  protected buildFailed(result: RunResult & { redactedTail: string[] }, request: BuildRequest): BuildError {
    return new BuildError(
      'BUILD_FAILED',
      `${this.name} build failed (exit code ${result.code ?? 'killed'}) for ${request.tags[0] ?? 'the image'}.`,
      result.redactedTail,
      {
        fix: `Fix the Dockerfile (${path.basename(request.dockerfile)}) or the build context as the log shows; reproduce with "${this.command} build" locally.`,
        details: { builder: this.name, exitCode: result.code ?? undefined },
      },
    );
  }

  protected pushFailed(
    result: RunResult & { redactedTail: string[] },
    request: PushRequest,
    hint = '',
  ): BuildError {
    return new BuildError(
      'PUSH_FAILED',
      `${this.name} could not push ${request.image} (exit code ${result.code ?? 'killed'}).`,
      result.redactedTail,
      {
        fix: `Check that ${request.auth.registry} is reachable and that the identity may push to it (ecr:InitiateLayerUpload, ecr:UploadLayerPart, ecr:CompleteLayerUpload, ecr:PutImage).${hint}`,
        details: { builder: this.name, exitCode: result.code ?? undefined, registry: request.auth.registry },
      },
    );
  }

  abstract build(request: BuildRequest, log: LogSink, signal?: AbortSignal): Promise<void>;
  abstract push(request: PushRequest, log: LogSink, signal?: AbortSignal): Promise<PushResult>;
}

/** podman and buildah: same flags for what we need; credentials via `--authfile`, digest via `--digestfile`. */
export class ContainersBuilder extends BaseBuilder {
  readonly name: 'podman' | 'buildah';
  constructor(name: 'podman' | 'buildah', options: BuilderOptions = {}) {
    super(name, options);
    this.name = name;
  }

  buildCommand(request: BuildRequest): string[] {
    return [
      ...(this.options.globalArgs ?? []),
      'build',
      ...commonBuildArgs(request),
      ...(this.options.buildArgs ?? []),
      request.context,
    ];
  }

  pushCommand(request: PushRequest, authFile: string, digestFile: string): string[] {
    return [
      ...(this.options.globalArgs ?? []),
      'push',
      '--authfile',
      authFile,
      ...(request.auth.insecure ? ['--tls-verify=false'] : []),
      '--digestfile',
      digestFile,
      request.image,
      `docker://${request.image}`,
    ];
  }

  async build(request: BuildRequest, log: LogSink, signal?: AbortSignal): Promise<void> {
    const result = await this.exec(this.buildCommand(request), log, new Redactor(), signal);
    if (result.code !== 0) throw this.buildFailed(result, request);
  }

  async push(request: PushRequest, log: LogSink, signal?: AbortSignal): Promise<PushResult> {
    const redactor = new Redactor();
    redactor.addAuth(request.auth);
    const temp = await writeTempAuth(request.auth, this.options.tempDir);
    try {
      const digestFile = path.join(temp.dir, 'digest');
      const result = await this.exec(
        this.pushCommand(request, temp.file, digestFile),
        log,
        redactor,
        signal,
        // Also for tools that read the variable rather than the flag; never the user's own auth.json.
        { REGISTRY_AUTH_FILE: temp.file },
      );
      if (result.code !== 0) throw this.pushFailed(result, request);
      const digest = (await readFile(digestFile, 'utf8').catch(() => '')).trim();
      if (!DIGEST.test(digest)) {
        throw new BuildError(
          'PUSH_FAILED',
          `${this.name} pushed ${request.image} but reported no digest.`,
          result.redactedTail,
          { fix: `Update ${this.name}; the push needs --digestfile support.` },
        );
      }
      return { digest };
    } finally {
      await temp.dispose();
    }
  }
}

/**
 * docker: `docker buildx build --load` when buildx is available, else `docker build`; push with a temporary
 * DOCKER_CONFIG. A plain-http registry needs the daemon's `insecure-registries` (127.0.0.1 is allowed by default).
 */
export class DockerBuilder extends BaseBuilder {
  readonly name = 'docker' as const;
  constructor(options: BuilderOptions = {}) {
    super('docker', options);
  }

  buildCommand(request: BuildRequest): string[] {
    return [
      ...(this.options.globalArgs ?? []),
      ...(this.options.buildx ? ['buildx', 'build', '--load'] : ['build']),
      ...commonBuildArgs(request),
      ...(this.options.buildArgs ?? []),
      request.context,
    ];
  }

  pushCommand(request: PushRequest): string[] {
    return [...(this.options.globalArgs ?? []), 'push', request.image];
  }

  async build(request: BuildRequest, log: LogSink, signal?: AbortSignal): Promise<void> {
    const result = await this.exec(this.buildCommand(request), log, new Redactor(), signal, {
      ...(this.options.buildx ? {} : { DOCKER_BUILDKIT: '1' }),
    });
    if (result.code !== 0) throw this.buildFailed(result, request);
  }

  async push(request: PushRequest, log: LogSink, signal?: AbortSignal): Promise<PushResult> {
    const redactor = new Redactor();
    redactor.addAuth(request.auth);
    const temp = await writeTempAuth(request.auth, this.options.tempDir);
    try {
      const env = { DOCKER_CONFIG: temp.dir };
      const result = await this.exec(this.pushCommand(request), log, redactor, signal, env);
      if (result.code !== 0) {
        throw this.pushFailed(
          result,
          request,
          request.auth.insecure
            ? ` ${request.auth.registry} is a plain-http registry: the docker daemon must list it in "insecure-registries" (daemon.json).`
            : '',
        );
      }
      let digest = /digest: (sha256:[a-f0-9]{64})/.exec(result.tail.join('\n'))?.[1];
      if (!digest) {
        const inspect = await this.exec(
          [
            ...(this.options.globalArgs ?? []),
            'image',
            'inspect',
            '--format',
            '{{join .RepoDigests "\\n"}}',
            request.image,
          ],
          () => {},
          redactor,
          signal,
          env,
        );
        const repo = request.image.replace(/:[^:/]+$/, '');
        digest = inspect.stdout
          .split('\n')
          .map((l) => l.trim())
          .find((l) => l.startsWith(`${repo}@`))
          ?.split('@')[1];
      }
      if (!digest || !DIGEST.test(digest)) {
        throw new BuildError(
          'PUSH_FAILED',
          `docker pushed ${request.image} but reported no digest.`,
          result.redactedTail,
          {
            fix: 'Update docker; its push output should end with "digest: sha256:...".',
          },
        );
      }
      return { digest };
    } finally {
      await temp.dispose();
    }
  }
}
