import {
  continueServiceDeployment,
  type DeploymentsApiContext,
  describeServiceDeployments,
  describeServiceRevisions,
  listServiceDeployments,
  stopServiceDeployment,
} from './ecs-deployments-api.js';
import { checkDeploymentConfiguration } from './ecs-phases.js';
import {
  type CapacityProviderItem,
  type DeploymentConfiguration,
  type DeploymentControllerType,
  type EcsDeployment,
  type EcsServiceRecord,
  type EcsTag,
  type EcsTaskDefinitionRecord,
  type EcsTaskRecord,
  newEvent,
  type ServiceDeploymentRecord,
} from './ecs-records.js';
import { type RunTaskContext, type RunTaskFailure, runTask, stopTask } from './ecs-run-task.js';
import {
  advanceService,
  advanceTask,
  newTask,
  type SchedulerContext,
  STEADY_TICKS,
  startDeployment,
} from './ecs-scheduler.js';
import {
  advanceServiceDeployments,
  beginServiceDeployment,
  type DeploymentClock,
} from './ecs-service-deployments.js';
import { wireService, wireTask, wireTaskDefinition } from './ecs-wire.js';
import { AwsServiceError } from './errors.js';
import type { ImagePull, PullSource } from './image-pull.js';

export interface EcsCaller {
  arn: string;
}

export interface EcsStateOptions {
  region?: string | undefined;
  accountId?: string | undefined;
  /** Milliseconds per task transition (PROVISIONING → PENDING → RUNNING …). Default 200. */
  tickMs?: number | undefined;
  /** The sandbox registry tasks pull their images from (images on other hosts are not fetched). */
  pullSource?: PullSource | undefined;
  /**
   * The compressed clock: ECS minutes (bakes, step bakes, hook timeouts) pass this many times faster than
   * real ones. 3600 turns a 23-hour bake into 23 s. Default 1.
   */
  clockFactor?: number | undefined;
  /** False: the service deployments API answers UnsupportedFeatureException (an older partition). Default true. */
  serviceDeploymentsApi?: boolean | undefined;
}

/** What `addService` seeds: a service already in a steady state on revision `revision` of its family. */
export interface AddEcsServiceOptions {
  /** Cluster name; created when new. Default `default`. */
  cluster?: string | undefined;
  service: string;
  /** A RegisterTaskDefinition input (family, containerDefinitions, roles, cpu/memory, …, `tags`). */
  taskDefinition: {
    family: string;
    containerDefinitions: Record<string, unknown>[];
    [field: string]: unknown;
  };
  /** Revision number the seeded task definition gets (earlier revisions are not created). Default 1. */
  revision?: number | undefined;
  /** Running tasks, all RUNNING at once (their images are not pulled). Default 1. */
  desiredCount?: number | undefined;
  tags?: EcsTag[] | undefined;
  /** Default `{enable: true, rollback: true}`. */
  circuitBreaker?: { enable: boolean; rollback: boolean } | undefined;
  /**
   * More of the service's deployment configuration (the wire form): `strategy`, `bakeTimeInMinutes`,
   * `linearConfiguration`, `canaryConfiguration`, `alarms`, `lifecycleHooks`, …
   */
  deploymentConfiguration?: DeploymentConfiguration | undefined;
  /** Default `ECS`. */
  deploymentController?: DeploymentControllerType | undefined;
  launchType?: 'FARGATE' | 'EC2' | undefined;
  /** Capacity providers instead of a launch type (e.g. `[{capacityProvider: 'FARGATE_SPOT', weight: 1}]`). */
  capacityProviderStrategy?: CapacityProviderItem[] | undefined;
  networkConfiguration?: Record<string, unknown> | undefined;
}

const clusterName = (ref: unknown) =>
  String(ref ?? 'default').replace(/^arn:aws:ecs:[^:]*:\d+:cluster\//, '');
const serviceName = (ref: string) =>
  ref
    .replace(/^arn:aws:ecs:[^:]*:\d+:service\//, '')
    .split('/')
    .at(-1) ?? '';
const taskId = (ref: string) => ref.split('/').at(-1) ?? ref;

/**
 * An in-memory ECS control plane: clusters, services, task definition revisions and tasks. Services'
 * deployments progress on a tick (see `advanceService`); tasks pull their images from the sandbox registry.
 */
export class EcsState {
  readonly region: string;
  readonly accountId: string;
  readonly clusters = new Set<string>();
  readonly services = new Map<string, EcsServiceRecord>();
  readonly taskDefinitions = new Map<string, EcsTaskDefinitionRecord[]>();
  readonly tasks: EcsTaskRecord[] = [];
  /** Task definitions registered through the API (not the seeded ones), in order. */
  readonly registrations: EcsTaskDefinitionRecord[] = [];
  /** UpdateService inputs, in order. */
  readonly updates: Record<string, unknown>[] = [];
  /** Every image pull a task made, in order. */
  readonly pulls: ImagePull[] = [];
  /** Errors of the scheduler itself (a testkit bug; the server's `assertNoViolations()` reports them). */
  readonly schedulerErrors: string[] = [];
  tickMs: number;
  /** See `EcsStateOptions.clockFactor`. */
  clockFactor: number;
  /** See `EcsStateOptions.serviceDeploymentsApi`. */
  serviceDeploymentsApi: boolean;
  /** CloudWatch alarm states a test set (`setAlarm`); an alarm never set is `OK`. */
  readonly alarms = new Map<string, 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'>();
  private timer: NodeJS.Timeout | undefined;
  private readonly context: SchedulerContext;
  private readonly clock: DeploymentClock = {
    scaled: (minutes) => (minutes * 60_000) / this.clockFactor,
    alarmState: (name) => this.alarms.get(name) ?? 'OK',
  };
  /** RunTask failures a test asked for (`failRunTask`), taken one per RunTask call. */
  private readonly runFailures: RunTaskFailure[] = [];
  private readonly runContext: RunTaskContext = {
    region: '',
    accountId: '',
    cluster: (ref) => this.cluster(ref),
    findTaskDefinition: (ref) => this.findTaskDefinition(ref),
    addTask: (task) => {
      this.tasks.push(task);
      this.ensureTimer();
    },
    tasks: this.tasks,
    takeRunFailure: () => this.runFailures.shift(),
  };
  private readonly api: DeploymentsApiContext = {
    cluster: (ref) => this.cluster(ref),
    findService: (cluster, ref) => this.findService(cluster, ref),
    services: () => this.services.values(),
    tasksOf: (service, cluster) => this.tasksOf(service, cluster),
    serviceDeploymentsApi: () => this.serviceDeploymentsApi,
  };

  constructor(options: EcsStateOptions = {}) {
    this.region = options.region ?? 'eu-west-1';
    this.accountId = options.accountId ?? '123456789012';
    this.tickMs = options.tickMs ?? 200;
    this.clockFactor = options.clockFactor ?? 1;
    this.runContext.region = this.region;
    this.runContext.accountId = this.accountId;
    this.serviceDeploymentsApi = options.serviceDeploymentsApi ?? true;
    this.context = {
      region: this.region,
      accountId: this.accountId,
      pullSource: options.pullSource,
      taskDefinition: (arn) => this.findTaskDefinition(arn),
      onPull: (pull) => this.pulls.push(pull),
      addTask: (task) => this.tasks.push(task),
      scaledSeconds: (seconds) => (seconds * 1000) / this.clockFactor,
    };
  }

  /** Seed a service in a steady state: one COMPLETED deployment whose tasks are RUNNING. */
  addService(options: AddEcsServiceOptions): EcsServiceRecord {
    const invalid = checkDeploymentConfiguration(options.deploymentConfiguration ?? {});
    if (invalid) throw new Error(`testkit ECS addService(${options.service}): ${invalid}`);
    const cluster = options.cluster ?? 'default';
    const { tags, ...input } = options.taskDefinition;
    const definition = this.register(input, (tags as EcsTag[] | undefined) ?? [], 'seed', options.revision);
    this.clusters.add(cluster);
    const service: EcsServiceRecord = {
      cluster,
      name: options.service,
      arn: `arn:aws:ecs:${this.region}:${this.accountId}:service/${cluster}/${options.service}`,
      clusterArn: this.clusterArn(cluster),
      status: 'ACTIVE',
      desiredCount: options.desiredCount ?? 1,
      taskDefinition: definition.arn,
      launchType: options.launchType ?? 'FARGATE',
      capacityProviderStrategy: options.capacityProviderStrategy,
      deploymentConfiguration: {
        deploymentCircuitBreaker: options.circuitBreaker ?? { enable: true, rollback: true },
        maximumPercent: 200,
        minimumHealthyPercent: 100,
        ...options.deploymentConfiguration,
      },
      deploymentController: { type: options.deploymentController ?? 'ECS' },
      revisions: [],
      serviceDeployments: [],
      networkConfiguration: options.networkConfiguration,
      deployments: [],
      events: [],
      tags: options.tags ?? [],
      createdAt: new Date(),
      createdBy: `arn:aws:iam::${this.accountId}:role/platform-admin`,
    };
    const deployment = startDeployment(service, definition.arn);
    this.seedRunningTasks(service, deployment, definition);
    deployment.rolloutState = 'COMPLETED';
    deployment.rolloutStateReason = `ECS deployment ${deployment.id} completed.`;
    seedSuccessful(beginServiceDeployment(service, deployment));
    deployment.held = false;
    service.lastCompleted = { id: deployment.id, taskDefinition: definition.arn };
    service.events.unshift(newEvent(`(service ${service.name}) has reached a steady state.`));
    this.services.set(`${cluster}/${options.service}`, service);
    this.ensureTimer();
    return service;
  }

  private seedRunningTasks(
    service: EcsServiceRecord,
    deployment: EcsDeployment,
    definition: EcsTaskDefinitionRecord,
  ): void {
    for (let i = 0; i < service.desiredCount; i++) {
      const task = newTask(service, deployment, definition, this.context);
      task.lastStatus = 'RUNNING';
      task.ticks = STEADY_TICKS;
      task.startedAt = new Date();
      for (const container of task.containers) {
        container.lastStatus = 'RUNNING';
        const digest = /@(sha256:[a-f0-9]{64})$/.exec(container.image)?.[1];
        if (digest) container.imageDigest = digest;
      }
      this.tasks.push(task);
    }
  }

  /** The service (throws when it was never added). */
  service(name: string, cluster = 'default'): EcsServiceRecord {
    const service = this.services.get(`${cluster}/${name}`);
    if (!service) throw new Error(`testkit ECS: no service ${cluster}/${name}; add it with ecs.addService()`);
    return service;
  }

  /** The task definition the service's PRIMARY deployment runs. */
  currentTaskDefinition(name: string, cluster = 'default'): EcsTaskDefinitionRecord {
    const arn = this.service(name, cluster).taskDefinition;
    const record = this.findTaskDefinition(arn);
    if (!record) throw new Error(`testkit ECS: task definition ${arn} is gone`);
    return record;
  }

  /** The task definition as DescribeTaskDefinition would answer it (ECS defaults included). */
  describeTaskDefinition(ref: string): Record<string, unknown> {
    const record = this.findTaskDefinition(ref);
    if (!record) throw new Error(`testkit ECS: no task definition ${ref}`);
    return wireTaskDefinition(record);
  }

  /** Tasks of a service, oldest first, stopped ones included. */
  tasksOf(name: string, cluster = 'default'): EcsTaskRecord[] {
    return this.tasks.filter((t) => t.service === name && t.cluster === cluster);
  }

  /** Seed a task definition revision (not recorded in `registrations`, which holds the API's). */
  registerTaskDefinition(
    taskDefinition: AddEcsServiceOptions['taskDefinition'],
    revision?: number,
  ): EcsTaskDefinitionRecord {
    const { tags, ...input } = taskDefinition;
    return this.register(input, (tags as EcsTag[] | undefined) ?? [], 'seed', revision);
  }

  /**
   * Deploy out of band, as someone else's UpdateService would (not recorded in `updates`): a new PRIMARY
   * deployment of `taskDefinition` (default: the current one). Returns the new deployment.
   */
  deploy(name: string, options: { cluster?: string; taskDefinition?: string } = {}): EcsDeployment {
    const service = this.service(name, options.cluster);
    const target = options.taskDefinition ?? service.taskDefinition;
    const definition = this.findTaskDefinition(target);
    if (!definition) throw new Error(`testkit ECS: no task definition ${target}`);
    this.ensureTimer();
    const deployment = startDeployment(service, definition.arn);
    beginServiceDeployment(service, deployment);
    return deployment;
  }

  /** Put a CloudWatch alarm into a state; deployments whose configuration names it react on the next tick. */
  setAlarm(name: string, state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'): void {
    this.alarms.set(name, state);
  }

  /** A service's service deployments, newest first (the live records: status, stage, weights, hooks). */
  serviceDeploymentsOf(name: string, cluster = 'default'): ServiceDeploymentRecord[] {
    return this.service(name, cluster).serviceDeployments;
  }

  /** Change the compressed clock's factor from now on (waits already started keep their end). */
  setClockFactor(factor: number): void {
    if (!(factor > 0)) throw new Error(`testkit ECS: clockFactor must be above 0 (got ${factor})`);
    this.clockFactor = factor;
  }

  /**
   * Make the next RunTask fail: `{reason}` answers `failures: [{arn, reason}]` without a task (capacity);
   * `{stoppedReason}` starts a task that stops before it runs (`TaskFailedToStart`, that reason).
   */
  failRunTask(failure: RunTaskFailure): void {
    this.runFailures.push(failure);
  }

  /** Tasks RunTask started, oldest first, stopped ones included. */
  standaloneTasks(cluster?: string): EcsTaskRecord[] {
    return this.tasks.filter((t) => t.standalone && (cluster === undefined || t.cluster === cluster));
  }

  /** Turn the service deployments API off (UnsupportedFeatureException, as an older partition) or on. */
  setServiceDeploymentsApi(enabled: boolean): void {
    this.serviceDeploymentsApi = enabled;
  }

  /** Change the scheduler's tick (ms per task transition) from now on. */
  setTickMs(ms: number): void {
    this.tickMs = ms;
    this.stop();
    if (this.services.size > 0) this.ensureTimer();
  }

  /** Stop the scheduler (the server's stop() does it). */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Run one scheduler tick now (the timer does this every `tickMs`). `only` limits it to one service, or to
   * the RunTask tasks (`'standalone'`): a test that ticks by hand can move each service at its own pace.
   */
  tick(only?: { cluster: string; service: string } | 'standalone'): void {
    for (const service of this.services.values()) {
      if (only === 'standalone') break;
      if (only && (only.cluster !== service.cluster || only.service !== service.name)) continue;
      try {
        const tasks = this.tasksOf(service.name, service.cluster);
        advanceService(service, tasks, this.context);
        advanceServiceDeployments({ service, tasks, clock: this.clock });
      } catch (error) {
        this.schedulerErrors.push(`${service.cluster}/${service.name}: ${(error as Error).stack ?? error}`);
      }
    }
    if (only && only !== 'standalone') return;
    for (const task of this.tasks.filter((t) => t.standalone && t.lastStatus !== 'STOPPED')) {
      try {
        advanceTask(undefined, task, this.context);
      } catch (error) {
        this.schedulerErrors.push(`task ${task.id}: ${(error as Error).stack ?? error}`);
      }
    }
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  private clusterArn(cluster: string): string {
    return `arn:aws:ecs:${this.region}:${this.accountId}:cluster/${cluster}`;
  }

  /** By ARN, `family:revision` or `family` (its latest ACTIVE revision). */
  findTaskDefinition(ref: string): EcsTaskDefinitionRecord | undefined {
    const short = ref.replace(/^arn:aws:ecs:[^:]*:\d+:task-definition\//, '');
    const [family, revision] = short.split(':');
    const revisions = this.taskDefinitions.get(family ?? '') ?? [];
    if (revision === undefined) return revisions.filter((r) => r.status === 'ACTIVE').at(-1);
    return revisions.find((r) => r.revision === Number(revision));
  }

  private register(
    input: Record<string, unknown>,
    tags: EcsTag[],
    registeredBy: string,
    revision?: number,
  ): EcsTaskDefinitionRecord {
    const family = String(input.family);
    const revisions = this.taskDefinitions.get(family) ?? [];
    const number = revision ?? (revisions.at(-1)?.revision ?? 0) + 1;
    if (revisions.some((r) => r.revision >= number)) {
      throw new Error(
        `testkit ECS: ${family} already has revision ${revisions.at(-1)?.revision}; seed revision ${number} needs a higher number or another family`,
      );
    }
    const record: EcsTaskDefinitionRecord = {
      arn: `arn:aws:ecs:${this.region}:${this.accountId}:task-definition/${family}:${number}`,
      family,
      revision: number,
      status: 'ACTIVE',
      input: structuredClone(input),
      tags: structuredClone(tags),
      registeredAt: new Date(),
      registeredBy,
    };
    revisions.push(record);
    this.taskDefinitions.set(family, revisions);
    return record;
  }

  handle(operation: string, input: Record<string, unknown>, caller: EcsCaller): Record<string, unknown> {
    switch (operation) {
      case 'DescribeServices':
        return this.describeServices(input);
      case 'DescribeTaskDefinition':
        return this.describeTaskDefinitionOp(input);
      case 'RegisterTaskDefinition':
        return this.registerTaskDefinitionOp(input, caller);
      case 'UpdateService':
        return this.updateService(input);
      case 'ListServices':
        return this.listServices(input);
      case 'ListTasks':
        return this.listTasks(input);
      case 'DescribeTasks':
        return this.describeTasks(input);
      case 'ListServiceDeployments':
        return listServiceDeployments(this.api, input);
      case 'DescribeServiceDeployments':
        return describeServiceDeployments(this.api, input);
      case 'ContinueServiceDeployment':
        return continueServiceDeployment(this.api, input);
      case 'StopServiceDeployment':
        return stopServiceDeployment(this.api, input);
      case 'DescribeServiceRevisions':
        return describeServiceRevisions(this.api, input);
      case 'RunTask': {
        const { tasks, failures } = runTask(this.runContext, input);
        return { tasks: tasks.map((t) => this.wireTask(t, false)), failures };
      }
      case 'StopTask':
        return { task: this.wireTask(stopTask(this.runContext, input), false) };
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `The testkit ECS peer does not implement ${operation}.`,
        );
    }
  }

  private cluster(ref: unknown): string {
    const name = clusterName(ref);
    if (!this.clusters.has(name)) throw new AwsServiceError('ClusterNotFoundException', 'Cluster not found.');
    return name;
  }

  private findService(cluster: string, ref: string): EcsServiceRecord | undefined {
    return this.services.get(`${cluster}/${serviceName(ref)}`);
  }

  private describeServices(input: Record<string, unknown>) {
    const cluster = this.cluster(input.cluster);
    const includeTags = ((input.include as string[] | undefined) ?? []).includes('TAGS');
    const services = [];
    const failures = [];
    for (const ref of input.services as string[]) {
      const service = this.findService(cluster, ref);
      if (service) services.push(this.wire(service, includeTags));
      else
        failures.push({
          arn: `arn:aws:ecs:${this.region}:${this.accountId}:service/${cluster}/${serviceName(ref)}`,
          reason: 'MISSING',
        });
    }
    return { services, failures };
  }

  private wire(service: EcsServiceRecord, includeTags: boolean): Record<string, unknown> {
    const tasks = this.tasksOf(service.name, service.cluster);
    return wireService(service, tasks, includeTags, this.serviceDeploymentsApi);
  }

  private describeTaskDefinitionOp(input: Record<string, unknown>) {
    const record = this.findTaskDefinition(String(input.taskDefinition));
    if (!record) throw new AwsServiceError('ClientException', 'Unable to describe task definition.');
    const includeTags = ((input.include as string[] | undefined) ?? []).includes('TAGS');
    return { taskDefinition: wireTaskDefinition(record), ...(includeTags ? { tags: record.tags } : {}) };
  }

  private registerTaskDefinitionOp(input: Record<string, unknown>, caller: EcsCaller) {
    checkTaskDefinitionInput(input);
    const { tags, ...definition } = input;
    const record = this.register(definition, (tags as EcsTag[] | undefined) ?? [], caller.arn);
    this.registrations.push(record);
    return {
      taskDefinition: wireTaskDefinition(record),
      ...(tags !== undefined ? { tags: record.tags } : {}),
    };
  }

  private updateService(input: Record<string, unknown>) {
    const cluster = this.cluster(input.cluster);
    const service = this.findService(cluster, String(input.service));
    if (!service) throw new AwsServiceError('ServiceNotFoundException', 'Service not found.');
    if (service.status !== 'ACTIVE')
      throw new AwsServiceError('ServiceNotActiveException', 'Service was not ACTIVE.');
    let definition: EcsTaskDefinitionRecord | undefined;
    if (input.taskDefinition !== undefined) {
      definition = this.findTaskDefinition(String(input.taskDefinition));
      if (!definition) throw new AwsServiceError('ClientException', 'Unable to describe task definition.');
      if (definition.status !== 'ACTIVE')
        throw new AwsServiceError('ClientException', `TaskDefinition is inactive`);
    }
    checkUpdate(service, input);
    this.updates.push(structuredClone(input));
    applyServiceSettings(service, input);
    const primary = service.deployments.find((d) => d.status === 'PRIMARY');
    const target = definition?.arn ?? service.taskDefinition;
    if (!primary || primary.taskDefinition !== target || input.forceNewDeployment === true) {
      beginServiceDeployment(service, startDeployment(service, target));
    } else if (input.desiredCount !== undefined) {
      primary.desiredCount = service.desiredCount;
      primary.updatedAt = new Date();
    }
    this.ensureTimer();
    return { service: this.wire(service, false) };
  }

  private listServices(input: Record<string, unknown>) {
    const cluster = this.cluster(input.cluster);
    const arns = [...this.services.values()].filter((s) => s.cluster === cluster).map((s) => s.arn);
    const { page, nextToken } = paginate(arns, input, 10);
    return { serviceArns: page, ...(nextToken ? { nextToken } : {}) };
  }

  private listTasks(input: Record<string, unknown>) {
    const cluster = this.cluster(input.cluster);
    if (input.serviceName !== undefined && !this.findService(cluster, String(input.serviceName)))
      throw new AwsServiceError('ServiceNotFoundException', 'Service not found.');
    const desired = String(input.desiredStatus ?? 'RUNNING');
    const arns = this.tasks
      .filter(
        (t) =>
          t.cluster === cluster &&
          (input.serviceName === undefined || t.service === serviceName(String(input.serviceName))) &&
          (input.startedBy === undefined ||
            (t.standalone?.startedBy ?? t.deploymentId) === input.startedBy) &&
          (input.family === undefined || t.taskDefinition.includes(`/${String(input.family)}:`)) &&
          (desired === 'STOPPED' ? t.desiredStatus === 'STOPPED' : t.desiredStatus === 'RUNNING') &&
          (desired !== 'PENDING' || t.lastStatus === 'PROVISIONING' || t.lastStatus === 'PENDING'),
      )
      .map((t) => t.arn);
    const { page, nextToken } = paginate(arns, input, 100);
    return { taskArns: page, ...(nextToken ? { nextToken } : {}) };
  }

  private describeTasks(input: Record<string, unknown>) {
    const cluster = this.cluster(input.cluster);
    const includeTags = ((input.include as string[] | undefined) ?? []).includes('TAGS');
    const tasks = [];
    const failures = [];
    for (const ref of input.tasks as string[]) {
      const task = this.tasks.find((t) => t.cluster === cluster && t.id === taskId(ref));
      if (!task) {
        failures.push({
          arn: `arn:aws:ecs:${this.region}:${this.accountId}:task/${cluster}/${taskId(ref)}`,
          reason: 'MISSING',
        });
        continue;
      }
      tasks.push(this.wireTask(task, includeTags));
    }
    return { tasks, failures };
  }

  private wireTask(task: EcsTaskRecord, includeTags: boolean): Record<string, unknown> {
    const service = task.standalone ? undefined : this.findService(task.cluster, task.service);
    const definition = this.findTaskDefinition(task.taskDefinition);
    return wireTask(task, service, definition, this.region, includeTags);
  }
}

/** A seeded service's first deployment: already SUCCESSFUL. */
function seedSuccessful(record: ServiceDeploymentRecord): void {
  record.status = 'SUCCESSFUL';
  record.lifecycleStage = 'CLEAN_UP';
  record.startedAt = record.createdAt;
  record.finishedAt = record.createdAt;
  record.circuitBreaker.status =
    record.circuitBreaker.status === 'DISABLED' ? 'DISABLED' : 'MONITORING_COMPLETE';
  record.alarms.status = record.alarms.status === 'DISABLED' ? 'DISABLED' : 'MONITORING_COMPLETE';
  if (record.strategy !== 'ROLLING') record.weight = { production: 100, test: 100 };
}

/**
 * UpdateService's checks beyond the model, before anything changes: the count, the deployment configuration's
 * documented ranges, and the controller (ECS deploys a CodeDeploy or external service's new task definition
 * only through that controller).
 */
function checkUpdate(service: EcsServiceRecord, input: Record<string, unknown>): void {
  if (typeof input.desiredCount === 'number' && input.desiredCount < 0)
    throw new AwsServiceError('InvalidParameterException', 'desiredCount can not be negative.');
  const invalid = checkDeploymentConfiguration(
    (input.deploymentConfiguration ?? {}) as DeploymentConfiguration,
  );
  if (invalid) throw new AwsServiceError('InvalidParameterException', invalid);
  const type = service.deploymentController.type;
  if (type === 'ECS') return;
  const redeploy = input.taskDefinition !== undefined || input.forceNewDeployment === true;
  if (!redeploy) return;
  const how = type === 'CODE_DEPLOY' ? 'Use AWS CodeDeploy to trigger a new deployment.' : 'Use a task set.';
  throw new AwsServiceError(
    'InvalidParameterException',
    `Unable to update task definition on services with a ${type} deployment controller. ${how}`,
  );
}

function applyServiceSettings(service: EcsServiceRecord, input: Record<string, unknown>): void {
  if (typeof input.desiredCount === 'number') service.desiredCount = input.desiredCount;
  const config = input.deploymentConfiguration as DeploymentConfiguration | undefined;
  if (config) service.deploymentConfiguration = { ...service.deploymentConfiguration, ...config };
  const controller = input.deploymentController as EcsServiceRecord['deploymentController'] | undefined;
  if (controller) service.deploymentController = { type: controller.type };
  if (input.capacityProviderStrategy !== undefined)
    service.capacityProviderStrategy = input.capacityProviderStrategy as CapacityProviderItem[];
  if (input.networkConfiguration !== undefined)
    service.networkConfiguration = input.networkConfiguration as Record<string, unknown>;
}

/** The checks ECS makes beyond the model (its ClientException wording). */
function checkTaskDefinitionInput(input: Record<string, unknown>): void {
  const fail = (message: string) => new AwsServiceError('ClientException', message);
  if (!/^[a-zA-Z0-9_-]{1,255}$/.test(String(input.family)))
    throw fail(
      'Family contains invalid characters. Up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.',
    );
  const containers = input.containerDefinitions as Record<string, unknown>[];
  if (containers.length === 0) throw fail('Container list cannot be empty.');
  const names = new Set<string>();
  for (const container of containers) {
    if (!container.name) throw fail('Container.name should not be null or empty.');
    if (!container.image) throw fail('Container.image should not be null or empty.');
    if (names.has(String(container.name)))
      throw fail(`Duplicate container name "${String(container.name)}".`);
    names.add(String(container.name));
  }
  const fargate = ((input.requiresCompatibilities as string[] | undefined) ?? []).includes('FARGATE');
  if (fargate && input.networkMode !== 'awsvpc') throw fail("Fargate only supports network mode 'awsvpc'.");
  if (fargate && (input.cpu === undefined || input.memory === undefined))
    throw fail('Fargate requires that both cpu and memory be defined at the task level.');
}

function paginate<T>(
  items: T[],
  input: Record<string, unknown>,
  defaultMax: number,
): { page: T[]; nextToken: string | undefined } {
  const max = typeof input.maxResults === 'number' ? input.maxResults : defaultMax;
  let start = 0;
  if (input.nextToken !== undefined) {
    const n = Number(Buffer.from(String(input.nextToken), 'base64').toString('utf8'));
    if (!Number.isInteger(n) || n < 0)
      throw new AwsServiceError('InvalidParameterException', 'Invalid nextToken.');
    start = n;
  }
  const page = items.slice(start, start + max);
  const next = start + page.length;
  return { page, nextToken: next < items.length ? Buffer.from(String(next)).toString('base64') : undefined };
}
