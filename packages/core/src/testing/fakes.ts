/**
 * In-memory fakes of the core's ports, for unit tests of the engine and the adapters.
 * They record every call so tests can assert what happened, and what did not.
 */
import { createHash } from 'node:crypto';
import { BuildError, PreconditionError } from '../errors.js';
import type {
  BuildCacheOutcome,
  BuilderName,
  BuildRequest,
  BuildResult,
  Clock,
  ImageBuilder,
  ImageInfo,
  InfraWorkflows,
  LogSink,
  ParameterStore,
  ParameterValue,
  PushRequest,
  PushResult,
  Registry,
  RegistryAuth,
  RepositoryInfo,
  RunConclusion,
  RunRef,
  RunResult,
  RunSummary,
  WaitOptions,
  WorkflowInfo,
  WorkflowTarget,
} from '../ports.js';

export type Call = { port: string; method: string; args: unknown[] };

class CallLog {
  constructor(
    readonly calls: Call[],
    private readonly port: string,
  ) {}
  record(method: string, ...args: unknown[]): void {
    this.calls.push({ port: this.port, method, args });
  }
}

/** A clock whose time only moves when something sleeps. */
export class FakeClock implements Clock {
  constructor(public time = 1_700_000_000_000) {}
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw signal.reason;
    this.time += ms;
  }
}

export class FakeRegistry implements Registry {
  readonly images = new Map<string, ImageInfo>();
  readonly repositories = new Set<string>();
  private readonly log: CallLog;
  constructor(
    calls: Call[],
    readonly host = 'registry.example.test',
    readonly password = 'ecr-secret-password',
  ) {
    this.log = new CallLog(calls, 'registry');
  }
  async getAuthorization(): Promise<RegistryAuth> {
    this.log.record('getAuthorization');
    return { registry: this.host, username: 'AWS', password: this.password, insecure: false };
  }
  async describeRepository(name: string): Promise<RepositoryInfo> {
    this.log.record('describeRepository', name);
    if (!this.repositories.has(name)) {
      throw new PreconditionError('ECR_REPOSITORY_NOT_FOUND', `ECR repository "${name}" does not exist.`, {
        fix: 'Ask the platform team to create it.',
      });
    }
    return { name, uri: `${this.host}/${name}` };
  }
  async findImage(repository: string, tag: string): Promise<ImageInfo | undefined> {
    this.log.record('findImage', repository, tag);
    return this.images.get(`${repository}:${tag}`);
  }
  async findImageByDigest(repository: string, digest: string): Promise<ImageInfo | undefined> {
    this.log.record('findImageByDigest', repository, digest);
    return [...this.images.values()].find((i) => i.repository === repository && i.digest === digest);
  }
  async tagImage(repository: string, digest: string, newTag: string): Promise<ImageInfo> {
    this.log.record('tagImage', repository, digest, newTag);
    const info: ImageInfo = { repository, tag: newTag, digest, tags: [newTag] };
    this.images.set(`${repository}:${newTag}`, info);
    return info;
  }
  /** Test helper: put an image in place. */
  addImage(repository: string, tag: string, digest = fakeDigest(`${repository}:${tag}`)): ImageInfo {
    const info: ImageInfo = { repository, tag, digest, tags: [tag] };
    this.images.set(`${repository}:${tag}`, info);
    return info;
  }
}

export class FakeParameterStore implements ParameterStore {
  readonly versions = new Map<string, ParameterValue[]>();
  private readonly log: CallLog;
  constructor(
    calls: Call[],
    private readonly clock: Clock = new FakeClock(),
  ) {
    this.log = new CallLog(calls, 'parameters');
  }
  async get(name: string): Promise<ParameterValue | undefined> {
    this.log.record('get', name);
    return this.versions.get(name)?.at(-1);
  }
  async put(name: string, value: string, description: string): Promise<{ version: number }> {
    this.log.record('put', name, value, description);
    const list = this.versions.get(name) ?? [];
    const version = list.length + 1;
    list.push({
      name,
      value,
      version,
      description,
      lastModified: new Date(this.clock.now()),
      lastModifiedUser: 'fake',
    });
    this.versions.set(name, list);
    return { version };
  }
  async history(name: string, limit = 100): Promise<ParameterValue[]> {
    this.log.record('history', name, limit);
    return [...(this.versions.get(name) ?? [])].reverse().slice(0, limit);
  }
}

export class FakeBuilder implements ImageBuilder {
  readonly built: BuildRequest[] = [];
  readonly pushed: PushRequest[] = [];
  failBuild: string | undefined;
  /** What the registry cache did, for requests that ask for one (default: used, nothing reused). */
  cacheOutcome: BuildCacheOutcome | undefined;
  private readonly log: CallLog;
  constructor(
    calls: Call[],
    private readonly registry: FakeRegistry,
    readonly name: BuilderName = 'buildah',
  ) {
    this.log = new CallLog(calls, 'builder');
  }
  async build(request: BuildRequest, log: LogSink): Promise<BuildResult> {
    this.log.record('build', request);
    log(`STEP 1/1: FROM scratch (${request.tags.join(', ')})`);
    if (this.failBuild) throw new BuildError('BUILD_FAILED', this.failBuild, [this.failBuild]);
    this.built.push(request);
    if (!request.cache) return {};
    return {
      cache: this.cacheOutcome ?? { repository: request.cache.repository, status: 'used', reused: 0 },
    };
  }
  async push(request: PushRequest, log: LogSink): Promise<PushResult> {
    this.log.record('push', { image: request.image, registry: request.auth.registry });
    const ref = request.image.slice(request.auth.registry.length + 1);
    const [repository, tag] = ref.split(':') as [string, string];
    const info = this.registry.addImage(repository, tag);
    log(`pushed ${request.image}`);
    this.pushed.push(request);
    return { digest: info.digest };
  }
}

export interface FakeRunScript {
  conclusion: RunConclusion;
  /** How long the run takes, in fake-clock milliseconds. */
  durationMs?: number;
  failedJobs?: RunResult['failedJobs'];
}

export class FakeWorkflows implements InfraWorkflows {
  readonly dispatched: WorkflowTarget[] = [];
  readonly cancelled: RunRef[] = [];
  next: FakeRunScript = { conclusion: 'success', durationMs: 30_000 };
  preflightError: Error | undefined;
  private nextId = 1000;
  private readonly log: CallLog;
  constructor(
    calls: Call[],
    private readonly clock: Clock,
  ) {
    this.log = new CallLog(calls, 'workflows');
  }
  async preflight(target: WorkflowTarget): Promise<WorkflowInfo> {
    this.log.record('preflight', target);
    if (this.preflightError) throw this.preflightError;
    return { id: 1, name: 'Deploy', path: `.github/workflows/${target.workflow}` };
  }
  async dispatch(target: WorkflowTarget): Promise<RunRef> {
    this.log.record('dispatch', target);
    this.dispatched.push(target);
    const id = this.nextId++;
    return { id, url: `https://github.test/${target.owner}/${target.repo}/actions/runs/${id}` };
  }
  async wait(run: RunRef, options: WaitOptions): Promise<RunResult> {
    this.log.record('wait', run.id);
    options.onUpdate?.({ run, status: 'queued' });
    options.onUpdate?.({ run, status: 'in_progress', job: 'deploy', step: 'Deploy to ECS' });
    await this.clock.sleep(this.next.durationMs ?? 30_000, options.signal);
    return { run, conclusion: this.next.conclusion, failedJobs: this.next.failedJobs ?? [] };
  }
  async cancel(run: RunRef): Promise<void> {
    this.log.record('cancel', run.id);
    this.cancelled.push(run);
  }
  async activeRuns(target: WorkflowTarget): Promise<RunSummary[]> {
    this.log.record('activeRuns', target);
    return [];
  }
  async latestRun(target: WorkflowTarget): Promise<RunSummary | undefined> {
    this.log.record('latestRun', target);
    return undefined;
  }
}

/** All fakes wired together, sharing one call log. */
export function createFakes() {
  const calls: Call[] = [];
  const clock = new FakeClock();
  const registry = new FakeRegistry(calls);
  const parameters = new FakeParameterStore(calls, clock);
  const builder = new FakeBuilder(calls, registry);
  const workflows = new FakeWorkflows(calls, clock);
  return { calls, clock, registry, parameters, builder, workflows };
}

export function fakeDigest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}
