/**
 * In-memory fakes of the core's ports, for unit tests of the engine and the adapters.
 * They record every call so tests can assert what happened, and what did not.
 */
import { createHash } from 'node:crypto';
import { BuildError, PreconditionError, RemoteError } from '../errors/errors.js';
import type {
  BuildCacheOutcome,
  BuilderName,
  BuildRequest,
  BuildResult,
  Clock,
  ContainerService,
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
  ResourceTag,
  RunConclusion,
  RunRef,
  RunResult,
  RunSummary,
  RunTaskOutcome,
  RunTaskRequest,
  ServiceDeployment,
  ServiceDeploymentBrief,
  ServiceDeploymentDetail,
  ServiceEvent,
  ServiceInfo,
  StoppedTask,
  TaskDefinitionDocument,
  TaskDefinitionInfo,
  TaskInfo,
  WaitOptions,
  WorkflowInfo,
  WorkflowTarget,
} from '../ports/ports.js';
import { FakeServiceDeployments, type FakeStrategy } from './ecs-deployments.js';

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
  async create(name: string, value: string, description: string): Promise<{ version: number } | 'exists'> {
    this.log.record('create', name, value, description);
    if (this.versions.get(name)?.length) return 'exists';
    this.versions.set(name, [
      {
        name,
        value,
        version: 1,
        description,
        lastModified: new Date(this.clock.now()),
        lastModifiedUser: 'fake',
      },
    ]);
    return { version: 1 };
  }
  /** Like SSM: a label on another version moves to this one; a missing parameter or version throws. */
  async label(name: string, version: number, labels: readonly string[]): Promise<void> {
    this.log.record('label', name, version, labels);
    const list = this.versions.get(name);
    const target = list?.find((v) => v.version === version);
    if (!list || !target) {
      throw new RemoteError('ssm', 'AWS_REQUEST_FAILED', `Version ${version} of ${name} does not exist.`);
    }
    for (const entry of list) {
      if (entry !== target && entry.labels) entry.labels = entry.labels.filter((l) => !labels.includes(l));
    }
    target.labels = [...new Set([...(target.labels ?? []), ...labels])];
  }
  async delete(name: string): Promise<void> {
    this.log.record('delete', name);
    this.versions.delete(name);
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
  const containers = new FakeContainerService(calls, clock);
  return { calls, clock, registry, parameters, builder, workflows, containers };
}

export function fakeDigest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

/** How the fake ECS service behaves after an UpdateService. */
export type FakeRolloutScript =
  /** Tasks start one poll at a time; the old deployment drains; COMPLETED. */
  | { kind: 'healthy' }
  /** Each poll a task fails with `reason`; after three the circuit breaker rolls back (or only fails). */
  | { kind: 'crash'; reason: string; rollback?: boolean }
  /** Nothing ever changes. */
  | { kind: 'stuck' };

interface FakeService {
  info: ServiceInfo;
  script: FakeRolloutScript;
  stopped: StoppedTask[];
}

/** An in-memory ECS: services whose deployments progress one step per DescribeServices after an update. */
export class FakeContainerService implements ContainerService {
  readonly taskDefinitions = new Map<string, TaskDefinitionInfo>();
  readonly registered: { document: TaskDefinitionDocument; tags: readonly ResourceTag[] }[] = [];
  private readonly services = new Map<string, FakeService>();
  private nextDeployment = 1;
  private nextEvent = 1;
  private readonly log: CallLog;
  /** The service deployments API; a service without a strategy (`strategy()`) behaves as if it were unavailable. */
  readonly serviceDeployments: FakeServiceDeployments;
  private readonly strategies = new Map<string, FakeStrategy>();
  constructor(calls: Call[], clock: Clock = new FakeClock()) {
    this.log = new CallLog(calls, 'containers');
    this.serviceDeployments = new FakeServiceDeployments(clock);
  }

  /** Test helper: the service's next deployments follow the service deployments API, playing `script`. */
  strategy(cluster: string, name: string, script: FakeStrategy): void {
    this.strategies.set(`${cluster}/${name}`, script);
    this.get(cluster, name).info.strategy = script.strategy;
  }

  /** Test helper: a stopped task of the service (what DescribeTasks reports after a crash). */
  addStoppedTask(cluster: string, name: string, task: StoppedTask): void {
    this.get(cluster, name).stopped.unshift(task);
  }

  /** Test helper: the service's deployment controller (CODE_DEPLOY, EXTERNAL). */
  controller(cluster: string, name: string, type: string): void {
    this.get(cluster, name).info.deploymentController = type;
  }

  async listServiceDeployments(
    cluster: string,
    service: string,
    since?: Date,
  ): Promise<ServiceDeploymentBrief[] | undefined> {
    this.log.record('listServiceDeployments', cluster, service, since);
    this.get(cluster, service);
    if (!this.strategies.has(`${cluster}/${service}`)) return undefined;
    return this.serviceDeployments.list(service, since);
  }

  async describeServiceDeployment(arn: string): Promise<ServiceDeploymentDetail> {
    this.log.record('describeServiceDeployment', arn);
    return this.serviceDeployments.describe(arn);
  }

  async continueServiceDeployment(
    arn: string,
    hookId: string,
    action: 'CONTINUE' | 'ROLLBACK',
  ): Promise<void> {
    this.log.record('continueServiceDeployment', arn, hookId, action);
    this.serviceDeployments.continue(arn, hookId, action);
  }

  async stopServiceDeployment(arn: string): Promise<void> {
    this.log.record('stopServiceDeployment', arn);
    this.serviceDeployments.stop(arn);
  }

  /** Test helper: a service running `document` (registered as revision 1) with `desired` tasks. */
  addService(
    cluster: string,
    name: string,
    document: TaskDefinitionDocument,
    options: { desired?: number; tags?: ResourceTag[]; script?: FakeRolloutScript } = {},
  ): ServiceInfo {
    const td = this.store(document, options.tags ?? []);
    const desired = options.desired ?? 2;
    const info: ServiceInfo = {
      cluster,
      name,
      arn: `arn:aws:ecs:eu-west-1:123456789012:service/${cluster}/${name}`,
      status: 'ACTIVE',
      taskDefinition: td.arn,
      desiredCount: desired,
      runningCount: desired,
      pendingCount: 0,
      deployments: [this.deployment(td.arn, desired, desired, 'COMPLETED')],
      events: [this.event(`(service ${name}) has reached a steady state.`)],
      circuitBreaker: { enable: true, rollback: true },
    };
    this.services.set(`${cluster}/${name}`, {
      info,
      script: options.script ?? { kind: 'healthy' },
      stopped: [],
    });
    return info;
  }

  /** Test helper: change how the service behaves on its next deployment. */
  script(cluster: string, name: string, script: FakeRolloutScript): void {
    this.get(cluster, name).script = script;
  }

  service(cluster: string, name: string): ServiceInfo {
    return this.get(cluster, name).info;
  }

  async describeService(cluster: string, service: string): Promise<ServiceInfo> {
    this.log.record('describeService', cluster, service);
    const s = this.get(cluster, service);
    this.advance(s);
    return structuredClone(s.info);
  }

  async describeTaskDefinition(taskDefinition: string): Promise<TaskDefinitionInfo> {
    this.log.record('describeTaskDefinition', taskDefinition);
    const td = this.taskDefinitions.get(taskDefinition);
    if (!td)
      throw new PreconditionError('AWS_VALIDATION', `Unable to describe task definition ${taskDefinition}.`);
    return structuredClone(td);
  }

  async registerTaskDefinition(
    document: TaskDefinitionDocument,
    tags: readonly ResourceTag[],
  ): Promise<TaskDefinitionInfo> {
    this.log.record('registerTaskDefinition', document, tags);
    this.registered.push({ document: structuredClone(document), tags: [...tags] });
    return structuredClone(this.store(document, tags));
  }

  async updateService(cluster: string, service: string, taskDefinition: string): Promise<ServiceInfo> {
    this.log.record('updateService', cluster, service, taskDefinition);
    const s = this.get(cluster, service);
    const old = s.info.deployments.map((d) => ({ ...d, status: 'ACTIVE' }));
    const previous = s.info.taskDefinition;
    s.info = {
      ...s.info,
      taskDefinition,
      deployments: [this.deployment(taskDefinition, s.info.desiredCount, 0, 'IN_PROGRESS'), ...old],
    };
    const script = this.strategies.get(`${cluster}/${service}`);
    if (script) {
      s.script = { kind: 'stuck' };
      s.info.currentServiceDeployment = this.serviceDeployments.start(
        service,
        script,
        s.info.desiredCount,
        () => {
          s.info.taskDefinition = previous;
        },
      );
    }
    return structuredClone(s.info);
  }

  /** Test helper: how the next release tasks end (default: exit 0 on the second look). */
  releaseScript: { exitCode?: number; failures?: string[]; stoppedReason?: string } = {};
  readonly tasks = new Map<string, { info: TaskInfo; looks: number; request: RunTaskRequest }>();

  async runTask(request: RunTaskRequest): Promise<RunTaskOutcome> {
    this.log.record('runTask', request);
    if (this.releaseScript.failures?.length)
      return { task: undefined, failures: this.releaseScript.failures };
    const arn = `arn:aws:ecs:eu-west-1:123456789012:task/${request.cluster}/${this.tasks.size + 1}`;
    const info: TaskInfo = {
      arn,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      containers: [{ name: request.container }],
    };
    this.tasks.set(arn, { info, looks: 0, request });
    return { task: structuredClone(info), failures: [] };
  }

  async describeTask(cluster: string, task: string): Promise<TaskInfo> {
    this.log.record('describeTask', cluster, task);
    const t = this.tasks.get(task);
    if (!t) throw new PreconditionError('AWS_VALIDATION', `No task ${task}.`);
    t.looks++;
    if (t.looks >= 2 && t.info.lastStatus !== 'STOPPED') {
      const exitCode = t.info.desiredStatus === 'STOPPED' ? 143 : (this.releaseScript.exitCode ?? 0);
      t.info = {
        ...t.info,
        lastStatus: 'STOPPED',
        desiredStatus: 'STOPPED',
        stopCode: t.info.stopCode ?? 'EssentialContainerExited',
        stoppedReason:
          t.info.stoppedReason ?? this.releaseScript.stoppedReason ?? 'Essential container in task exited',
        containers: [{ name: t.request.container, exitCode }],
      };
    }
    return structuredClone(t.info);
  }

  async stopTask(cluster: string, task: string, reason: string): Promise<void> {
    this.log.record('stopTask', cluster, task, reason);
    const t = this.tasks.get(task);
    if (t) t.info = { ...t.info, desiredStatus: 'STOPPED', stopCode: 'UserInitiated', stoppedReason: reason };
  }

  async stoppedTasks(cluster: string, service: string): Promise<StoppedTask[]> {
    this.log.record('stoppedTasks', cluster, service);
    return structuredClone(this.get(cluster, service).stopped);
  }

  private get(cluster: string, name: string): FakeService {
    const s = this.services.get(`${cluster}/${name}`);
    if (!s) {
      throw new PreconditionError(
        'ECS_SERVICE_NOT_FOUND',
        `The ECS service ${name} does not exist in ${cluster}.`,
      );
    }
    return s;
  }

  private store(document: TaskDefinitionDocument, tags: readonly ResourceTag[]): TaskDefinitionInfo {
    const revision =
      [...this.taskDefinitions.values()].filter((t) => t.family === document.family).length + 1;
    const arn = `arn:aws:ecs:eu-west-1:123456789012:task-definition/${document.family}:${revision}`;
    const info: TaskDefinitionInfo = {
      arn,
      family: document.family,
      revision,
      document: {
        ...structuredClone(document),
        taskDefinitionArn: arn,
        revision,
        status: 'ACTIVE',
        compatibilities: ['EC2', 'FARGATE'],
        requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.logging-driver.awslogs' }],
        registeredAt: new Date(0).toISOString(),
        registeredBy: 'arn:aws:iam::123456789012:role/infra',
      },
      tags: [...tags],
    };
    this.taskDefinitions.set(arn, info);
    return info;
  }

  private deployment(
    taskDefinition: string,
    desired: number,
    running: number,
    state: string,
  ): ServiceDeployment {
    return {
      id: `ecs-svc/${String(this.nextDeployment++).padStart(19, '0')}`,
      status: 'PRIMARY',
      taskDefinition,
      desiredCount: desired,
      runningCount: running,
      pendingCount: desired - running,
      failedTasks: 0,
      rolloutState: state,
    };
  }

  private event(message: string): ServiceEvent {
    return { id: `event-${this.nextEvent++}`, message };
  }

  /** One step of the current deployment, per DescribeServices. */
  private advance(s: FakeService): void {
    const [primary, ...others] = s.info.deployments;
    if (primary?.rolloutState !== 'IN_PROGRESS' || s.script.kind === 'stuck') return;
    const name = s.info.name;
    if (s.script.kind === 'healthy') {
      if (primary.runningCount < primary.desiredCount) {
        primary.runningCount += 1;
        primary.pendingCount = primary.desiredCount - primary.runningCount;
        s.info.events = [
          this.event(`(service ${name}) has started 1 tasks: (task ${primary.runningCount}).`),
          ...s.info.events,
        ];
      } else if (others.length > 0) {
        s.info.deployments = [primary];
        s.info.events = [
          this.event(`(service ${name}) has stopped ${others.length} running tasks.`),
          ...s.info.events,
        ];
      } else {
        primary.rolloutState = 'COMPLETED';
        s.info.runningCount = primary.runningCount;
        s.info.events = [this.event(`(service ${name}) has reached a steady state.`), ...s.info.events];
      }
      return;
    }
    primary.failedTasks += 1;
    s.stopped.unshift({
      arn: `arn:aws:ecs:eu-west-1:123456789012:task/${s.info.cluster}/${primary.failedTasks}`,
      taskDefinition: primary.taskDefinition,
      startedBy: primary.id,
      stoppedReason: s.script.reason,
      containers: [],
    });
    if (primary.failedTasks < 3) return;
    primary.rolloutState = 'FAILED';
    primary.rolloutStateReason = 'ECS deployment circuit breaker: tasks failed to start.';
    const previous = others[0];
    if (s.script.rollback === false || !previous) return;
    const back = this.deployment(
      previous.taskDefinition,
      previous.desiredCount,
      previous.runningCount,
      'IN_PROGRESS',
    );
    s.info.deployments = [back, { ...primary, status: 'ACTIVE' }, ...others.slice(1)];
    s.info.taskDefinition = previous.taskDefinition;
    // The previous revision's image runs: the rollback completes.
    s.script = { kind: 'healthy' };
    s.info.events = [
      this.event(`(service ${name}) (deployment ${primary.id}) deployment failed: tasks failed to start.`),
      this.event(`(service ${name}) rolling back to deployment ${back.id}.`),
      ...s.info.events,
    ];
  }
}

// The ports bundle over the fakes, and what a deploy leaves in them.
export { deployed } from './deployed.js';
// Neutral input names for tests of the core's messages (`<application>`, ...): the adapters own the real ones.
export * from './names.js';
export { fakePorts } from './ports.js';
