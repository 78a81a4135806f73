import { existsSync } from 'node:fs';
import { readFile, symlink } from 'node:fs/promises';
import path from 'node:path';
import { BuildError, InterruptedError } from '../errors/errors.js';
import type {
  BuildCache,
  BuilderName,
  BuildRequest,
  BuildResult,
  ImageBuilder,
  LogSink,
  PushRequest,
  PushResult,
} from '../ports/ports.js';
import { type AuthDocument, Redactor, readAuthDocument, type TempAuth, writeTempAuth } from './auth.js';
import {
  BUILDX_CACHE_TAG,
  CacheLogReader,
  type CacheProber,
  containersAuthFile,
  dockerConfigDir,
  INLINE_CACHE_TAG,
  probeCache,
  unavailable,
} from './cache.js';
import { BuildFailureReader } from './failure.js';
import { type ProcessEnv, type ProcessRunner, type RunResult, spawnRunner } from './process.js';
import type { ContainersBuilderName } from './registry.js';

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
  /**
   * docker only, without buildx: build with the classic builder (`DOCKER_BUILDKIT=0`), as a client 23 or newer
   * needs (it refuses BuildKit without the buildx plugin). Older clients use the daemon's BuildKit directly.
   */
  classic?: boolean | undefined;
  /**
   * docker only: the buildx driver (`docker buildx inspect`). The default `docker` driver cannot export a
   * registry cache, so it gets docker's inline cache; any other driver a registry cache.
   */
  buildxDriver?: string | undefined;
  /** Looks at the cache repository before a build (default: the registry API; tests pass a fake). */
  cacheProbe?: CacheProber | undefined;
  /** How the adapter calls the builder input, for the fixes (default "the builder setting"). */
  builderInput?: string | undefined;
}

/** The builder input as the adapter calls it, in a fix. */
export const builderInputOf = (options: Pick<BuilderOptions, 'builderInput'>) =>
  options.builderInput ?? 'the builder setting';

/** How one build attempt uses the cache: not at all, local layers only (after a cache failure), or the registry. */
export type CacheMode =
  | { kind: 'off' }
  | { kind: 'local' }
  | {
      kind: 'registry';
      cache: BuildCache;
      temp: TempAuth;
      reader: CacheLogReader;
      /** The tags the cache repository had before the build. */
      tags: ReadonlySet<string>;
    };

type ExecResult = RunResult & { redactedTail: string[] };

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

/** buildah/podman cache flags: registry cache through the temporary auth file, or local layers only. */
function containersCacheArgs(mode: CacheMode): string[] {
  if (mode.kind === 'off') return [];
  if (mode.kind === 'local') return ['--layers'];
  return [
    '--layers',
    '--cache-from',
    mode.cache.repository,
    '--cache-to',
    mode.cache.repository,
    '--authfile',
    mode.temp.file,
    ...(mode.cache.auth.insecure ? ['--tls-verify=false'] : []),
  ];
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
        { fix: `Install the builder or choose another with ${builderInputOf(this.options)}.`, cause: error },
      );
    }
    if (signal?.aborted)
      throw new InterruptedError(`${this.name} was interrupted.`, { cause: signal.reason });
    return { ...result, redactedTail: result.tail.map((l) => redactor.redact(l)).slice(-TAIL_LINES) };
  }

  protected buildFailed(
    result: RunResult & { redactedTail: string[] },
    request: BuildRequest,
    failure: BuildFailureReader,
  ): BuildError {
    const step = failure.failedStep();
    return new BuildError(
      'BUILD_FAILED',
      `${this.name} build failed${step ? ` at ${step}` : ''} (exit code ${result.code ?? 'killed'}) for ${request.tags[0] ?? 'the image'}.`,
      result.redactedTail,
      {
        fix: this.failureFix(request, failure),
        details: { builder: this.name, exitCode: result.code ?? undefined, ...(step ? { step } : {}) },
      },
    );
  }

  /** What to do about a failed build: the Dockerfile, unless the log shows the builder's set-up failed. */
  protected failureFix(request: BuildRequest, failure: BuildFailureReader): string {
    if (failure.noBridge) {
      return `The Docker daemon has no bridge network for RUN steps ("network bridge not found": dockerd runs with --bridge=none). Start dockerd with its default bridge (remove --bridge=none), or build with ${builderInputOf(this.options)} podman or buildah.`;
    }
    return `Fix the Dockerfile (${path.basename(request.dockerfile)}) or the build context as the log shows; reproduce with "${this.command} build" locally.`;
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

  /** The user's own credentials document, kept in the build's temporary auth file (read, never written). */
  protected abstract userAuth(): Promise<AuthDocument | undefined>;
  /** Keys of the user's document, other than credentials, that the build's copy keeps. */
  protected readonly settings: readonly string[] = [];

  /**
   * One build with the registry cache when the request has one: look at the cache first (unusable: build
   * without it), build with it, and when what failed is the cache (not a step), build once more without
   * it. The returned outcome carries the single warning to show.
   */
  protected async runBuild(
    request: BuildRequest,
    log: LogSink,
    attempt: (mode: CacheMode, log: LogSink) => Promise<ExecResult>,
  ): Promise<BuildResult> {
    const cache = request.cache;
    if (!cache) {
      await this.attemptOrFail(request, log, attempt, { kind: 'off' });
      return {};
    }
    const probe = await (this.options.cacheProbe ?? probeCache)(cache);
    if (probe.state === 'unusable') {
      return this.buildWithoutCache(request, log, attempt, cache, probe.reason ?? 'it cannot be read');
    }
    const temp = await writeTempAuth(cache.auth, this.options.tempDir, await this.userAuth(), this.settings);
    try {
      const reader = new CacheLogReader(cache, probe.tags);
      const failure = new BuildFailureReader();
      const mode: CacheMode = { kind: 'registry', cache, temp, reader, tags: probe.tags };
      const result = await attempt(mode, (line) => {
        reader.read(line);
        failure.read(line);
        log(line);
      });
      if (result.code === 0) return { cache: reader.outcome() };
      const cacheFailure = failure.cacheFailure();
      if (!cacheFailure) throw this.buildFailed(result, request, failure);
      log(`The registry cache failed the build; building again without it.`);
      return await this.buildWithoutCache(
        request,
        log,
        attempt,
        cache,
        `it failed the build (${cacheFailure})`,
      );
    } finally {
      await temp.dispose();
    }
  }

  private async buildWithoutCache(
    request: BuildRequest,
    log: LogSink,
    attempt: (mode: CacheMode, log: LogSink) => Promise<ExecResult>,
    cache: BuildCache,
    reason: string,
  ): Promise<BuildResult> {
    await this.attemptOrFail(request, log, attempt, { kind: 'local' });
    return { cache: unavailable(cache, reason) };
  }

  /** One attempt without the registry cache; a failure is the build's. */
  private async attemptOrFail(
    request: BuildRequest,
    log: LogSink,
    attempt: (mode: CacheMode, log: LogSink) => Promise<ExecResult>,
    mode: CacheMode,
  ): Promise<void> {
    const failure = new BuildFailureReader();
    const result = await attempt(mode, (line) => {
      failure.read(line);
      log(line);
    });
    if (result.code !== 0) throw this.buildFailed(result, request, failure);
  }

  abstract build(request: BuildRequest, log: LogSink, signal?: AbortSignal): Promise<BuildResult>;
  abstract push(request: PushRequest, log: LogSink, signal?: AbortSignal): Promise<PushResult>;
}

/** podman and buildah: same flags for what we need; credentials via `--authfile`, digest via `--digestfile`. */
export class ContainersBuilder extends BaseBuilder {
  readonly name: ContainersBuilderName;
  constructor(name: ContainersBuilderName, options: BuilderOptions = {}) {
    super(name, options);
    this.name = name;
  }

  buildCommand(request: BuildRequest, mode: CacheMode = { kind: 'off' }): string[] {
    return [
      ...(this.options.globalArgs ?? []),
      'build',
      ...commonBuildArgs(request),
      ...containersCacheArgs(mode),
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

  async build(request: BuildRequest, log: LogSink, signal?: AbortSignal): Promise<BuildResult> {
    return this.runBuild(request, log, (mode, sink) => {
      const redactor = new Redactor();
      if (mode.kind === 'registry') redactor.addAuth(mode.cache.auth);
      const env = mode.kind === 'registry' ? { REGISTRY_AUTH_FILE: mode.temp.file } : {};
      return this.exec(this.buildCommand(request, mode), sink, redactor, signal, env);
    });
  }

  protected async userAuth(): Promise<AuthDocument | undefined> {
    const env = this.env();
    const own =
      (await readAuthDocument(containersAuthFile(env))) ??
      (await readAuthDocument(path.join(dockerConfigDir(env) ?? '', 'config.json')));
    return own;
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
 * docker: `docker buildx build --load` when buildx is available; else `docker build` with the daemon's BuildKit
 * (`DOCKER_BUILDKIT=1`, clients before 23) or the classic builder (`DOCKER_BUILDKIT=0`, clients 23 and newer,
 * which refuse BuildKit without buildx). Push with a temporary DOCKER_CONFIG. A plain-http registry needs the
 * daemon's `insecure-registries` (127.0.0.0/8 is allowed by default).
 */
export class DockerBuilder extends BaseBuilder {
  readonly name = 'docker' as const;
  /** The daemon the user's docker talks to (a context, e.g. Docker Desktop's) and its build proxies. */
  protected override readonly settings = ['currentContext', 'proxies'];
  constructor(options: BuilderOptions = {}) {
    super('docker', options);
  }

  /** `registry` for buildx with a driver that exports caches; `inline` for the default driver or no buildx. */
  get cacheKind(): 'registry' | 'inline' {
    return this.options.buildx && this.options.buildxDriver && this.options.buildxDriver !== 'docker'
      ? 'registry'
      : 'inline';
  }

  buildCommand(request: BuildRequest, mode: CacheMode = { kind: 'off' }): string[] {
    return [
      ...(this.options.globalArgs ?? []),
      ...(this.options.buildx ? ['buildx', 'build', '--load'] : ['build']),
      ...commonBuildArgs(request),
      ...(mode.kind === 'registry' ? this.cacheArgs(mode.cache) : []),
      ...(this.options.buildArgs ?? []),
      request.context,
    ];
  }

  /** The cache flags: buildx registry cache with what ECR needs, or docker's inline cache. */
  cacheArgs(cache: BuildCache): string[] {
    const insecure = cache.auth.insecure ? ',registry.insecure=true' : '';
    if (this.cacheKind === 'registry') {
      const ref = `${cache.repository}:${BUILDX_CACHE_TAG}`;
      return [
        '--cache-from',
        `type=registry,ref=${ref}${insecure}`,
        '--cache-to',
        `type=registry,ref=${ref},mode=max,image-manifest=true,oci-mediatypes=true${insecure}`,
      ];
    }
    const ref = `${cache.repository}:${INLINE_CACHE_TAG}`;
    if (this.options.buildx) {
      return ['--cache-from', `type=registry,ref=${ref}${insecure}`, '--cache-to', 'type=inline', '-t', ref];
    }
    // The classic builder reuses the layers of a local image (pulled before the build) and needs no build arg.
    if (this.options.classic) return ['--cache-from', ref, '-t', ref];
    return ['--cache-from', ref, '--build-arg', 'BUILDKIT_INLINE_CACHE=1', '-t', ref];
  }

  /** How docker builds here, for messages. */
  get engine(): string {
    if (this.options.buildx) return `buildx (driver ${this.options.buildxDriver ?? 'docker'})`;
    return this.options.classic ? 'the classic builder (DOCKER_BUILDKIT=0)' : 'BuildKit (DOCKER_BUILDKIT=1)';
  }

  pushCommand(request: PushRequest): string[] {
    return [...(this.options.globalArgs ?? []), 'push', request.image];
  }

  async build(request: BuildRequest, log: LogSink, signal?: AbortSignal): Promise<BuildResult> {
    return this.runBuild(request, log, async (mode, sink) => {
      const redactor = new Redactor();
      const env: Record<string, string> = this.options.buildx
        ? {}
        : { DOCKER_BUILDKIT: this.options.classic ? '0' : '1' };
      if (mode.kind === 'registry') {
        redactor.addAuth(mode.cache.auth);
        Object.assign(env, await this.cacheEnv(mode.temp));
        if (this.options.classic) await this.pullClassicCache(mode, sink, redactor, signal, env);
      }
      const result = await this.exec(this.buildCommand(request, mode), sink, redactor, signal, env);
      if (result.code === 0 && mode.kind === 'registry' && this.cacheKind === 'inline') {
        await this.pushInlineCache(mode, redactor, signal, env);
      }
      return result;
    });
  }

  /**
   * The build's docker configuration: the temporary one (the user's config.json plus the ECR login), with the
   * user's CLI plugins and buildx builders still found (BUILDX_CONFIG, a cli-plugins link).
   */
  private async cacheEnv(temp: TempAuth): Promise<Record<string, string>> {
    const own = dockerConfigDir(this.env());
    for (const dir of own ? ['cli-plugins', 'contexts'] : []) {
      const target = path.join(own as string, dir);
      if (existsSync(target)) await symlink(target, path.join(temp.dir, dir));
    }
    const buildx = this.env().BUILDX_CONFIG ?? (own ? path.join(own, 'buildx') : undefined);
    return { DOCKER_CONFIG: temp.dir, ...(buildx ? { BUILDX_CONFIG: buildx } : {}) };
  }

  /** The classic builder only reuses local images: pull the cache image first (when the cache has one). */
  private async pullClassicCache(
    mode: Extract<CacheMode, { kind: 'registry' }>,
    log: LogSink,
    redactor: Redactor,
    signal: AbortSignal | undefined,
    env: Record<string, string>,
  ): Promise<void> {
    if (!mode.tags.has(INLINE_CACHE_TAG)) return;
    const ref = `${mode.cache.repository}:${INLINE_CACHE_TAG}`;
    const pulled = await this.exec(
      [...(this.options.globalArgs ?? []), 'pull', ref],
      log,
      redactor,
      signal,
      env,
    );
    if (pulled.code !== 0) {
      mode.reader.warn(
        `Registry cache ${mode.cache.repository} not used: docker could not pull ${ref} (${pulled.redactedTail.at(-1) ?? `exit code ${pulled.code}`}). The image was built without it.`,
      );
    }
  }

  /** A failed build: the Dockerfile, unless docker could not use BuildKit or its daemon lacks the bridge. */
  protected override failureFix(request: BuildRequest, failure: BuildFailureReader): string {
    if (failure.buildxMissing) {
      return `This docker client needs the buildx plugin for BuildKit, and it is missing or broken (the Dockerfile was not read). Install buildx (Debian: sudo apt-get install -y docker-buildx; Docker's packages: docker-buildx-plugin), or choose ${builderInputOf(this.options)} podman or buildah.`;
    }
    const own = super.failureFix(request, failure);
    if (!this.options.classic || failure.noBridge) return own;
    return `${own} docker built with the classic builder because this client has no buildx plugin: a Dockerfile that needs BuildKit (RUN --mount, heredocs, a "# syntax=" line) fails there. Install buildx (Debian: docker-buildx; Docker's packages: docker-buildx-plugin) or choose ${builderInputOf(this.options)} podman or buildah.`;
  }

  /** Inline cache: the image itself carries it; push it to the cache repository (a failure is a warning). */
  private async pushInlineCache(
    mode: Extract<CacheMode, { kind: 'registry' }>,
    redactor: Redactor,
    signal: AbortSignal | undefined,
    env: Record<string, string>,
  ): Promise<void> {
    const ref = `${mode.cache.repository}:${INLINE_CACHE_TAG}`;
    const pushed = await this.exec(
      [...(this.options.globalArgs ?? []), 'push', ref],
      () => {},
      redactor,
      signal,
      env,
    );
    if (pushed.code !== 0) {
      mode.reader.warn(
        `Registry cache ${mode.cache.repository} not written: docker could not push ${ref} (${pushed.redactedTail.at(-1) ?? `exit code ${pushed.code}`}). The next build starts without it.`,
      );
    }
  }

  protected async userAuth(): Promise<AuthDocument | undefined> {
    return readAuthDocument(path.join(dockerConfigDir(this.env()) ?? '', 'config.json'));
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
