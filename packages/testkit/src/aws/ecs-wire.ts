import type {
  EcsDeployment,
  EcsServiceRecord,
  EcsTaskDefinitionRecord,
  EcsTaskRecord,
} from './ecs-records.js';
import { isPending, isRunning } from './ecs-scheduler.js';

/** ECS answers in the AWS JSON 1.1 form: timestamps as epoch seconds. */
const epoch = (date: Date) => date.getTime() / 1000;
const optionalEpoch = (name: string, date: Date | undefined) => (date ? { [name]: epoch(date) } : {});

/** Container defaults ECS fills in on registration and shows in every DescribeTaskDefinition. */
const CONTAINER_DEFAULTS = {
  cpu: 0,
  portMappings: [],
  essential: true,
  environment: [],
  mountPoints: [],
  volumesFrom: [],
  systemControls: [],
};

/** A task definition as DescribeTaskDefinition answers it: the input as given, ECS's defaults and read-only fields. */
export function wireTaskDefinition(record: EcsTaskDefinitionRecord): Record<string, unknown> {
  const input = record.input;
  const containers = (input.containerDefinitions as Record<string, unknown>[]).map((c) => ({
    ...CONTAINER_DEFAULTS,
    ...c,
  }));
  const fargate = ((input.requiresCompatibilities as string[] | undefined) ?? []).includes('FARGATE');
  return {
    volumes: [],
    placementConstraints: [],
    ...input,
    taskDefinitionArn: record.arn,
    containerDefinitions: containers,
    family: record.family,
    revision: record.revision,
    status: record.status,
    requiresAttributes: [{ name: 'com.amazonaws.ecs.capability.docker-remote-api.1.18' }],
    compatibilities: input.networkMode === 'awsvpc' || fargate ? ['EC2', 'FARGATE'] : ['EC2'],
    registeredAt: epoch(record.registeredAt),
    registeredBy: record.registeredBy,
  };
}

function platform(service: EcsServiceRecord) {
  return service.launchType === 'FARGATE' ? { platformVersion: '1.4.0', platformFamily: 'Linux' } : {};
}

/** `launchType` (and Fargate's platform), or the capacity provider strategy that replaces it. */
function placement(service: EcsServiceRecord) {
  if (service.capacityProviderStrategy) return { capacityProviderStrategy: service.capacityProviderStrategy };
  return { launchType: service.launchType, ...platform(service) };
}

function wireDeployment(
  service: EcsServiceRecord,
  deployment: EcsDeployment,
  tasks: EcsTaskRecord[],
): Record<string, unknown> {
  const own = tasks.filter((t) => t.deploymentId === deployment.id);
  return {
    id: deployment.id,
    status: deployment.status,
    taskDefinition: deployment.taskDefinition,
    desiredCount: deployment.desiredCount,
    pendingCount: own.filter(isPending).length,
    runningCount: own.filter(isRunning).length,
    failedTasks: deployment.failedTasks,
    createdAt: epoch(deployment.createdAt),
    updatedAt: epoch(deployment.updatedAt),
    ...placement(service),
    ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
    rolloutState: deployment.rolloutState,
    rolloutStateReason: deployment.rolloutStateReason,
  };
}

/** A service as DescribeServices and UpdateService answer it. */
export function wireService(
  service: EcsServiceRecord,
  tasks: EcsTaskRecord[],
  includeTags: boolean,
  serviceDeploymentsApi = true,
): Record<string, unknown> {
  const current = serviceDeploymentsApi ? service.serviceDeployments[0] : undefined;
  return {
    serviceArn: service.arn,
    serviceName: service.name,
    clusterArn: service.clusterArn,
    loadBalancers: [],
    serviceRegistries: [],
    status: service.status,
    desiredCount: service.desiredCount,
    runningCount: tasks.filter(isRunning).length,
    pendingCount: tasks.filter(isPending).length,
    ...placement(service),
    taskDefinition: service.taskDefinition,
    deploymentConfiguration: service.deploymentConfiguration,
    deployments: service.deployments.map((d) => wireDeployment(service, d, tasks)),
    events: service.events.map((e) => ({ id: e.id, createdAt: epoch(e.createdAt), message: e.message })),
    createdAt: epoch(service.createdAt),
    placementConstraints: [],
    placementStrategy: [],
    ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
    schedulingStrategy: 'REPLICA',
    deploymentController: service.deploymentController,
    ...(current ? { currentServiceDeployment: current.arn } : {}),
    createdBy: service.createdBy,
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
    ...(includeTags ? { tags: service.tags } : {}),
  };
}

function launchOf(service: EcsServiceRecord | undefined, alone: EcsTaskRecord['standalone']) {
  if (service?.capacityProviderStrategy)
    return { capacityProviderName: service.capacityProviderStrategy[0]?.capacityProvider };
  if (service) return { launchType: service.launchType, ...platform(service) };
  if (alone?.capacityProviderName) return { capacityProviderName: alone.capacityProviderName };
  const launchType = alone?.launchType ?? 'FARGATE';
  return {
    launchType,
    ...(launchType === 'FARGATE' ? { platformVersion: '1.4.0', platformFamily: 'Linux' } : {}),
  };
}

/** A task as DescribeTasks answers it. */
export function wireTask(
  task: EcsTaskRecord,
  service: EcsServiceRecord | undefined,
  definition: EcsTaskDefinitionRecord | undefined,
  region: string,
  includeTags: boolean,
): Record<string, unknown> {
  const started = task.startedAt !== undefined;
  const alone = task.standalone;
  return {
    attachments: [],
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: `${region}a`,
    clusterArn: service?.clusterArn ?? alone?.clusterArn,
    ...(started ? { connectivity: 'CONNECTED', connectivityAt: epoch(task.startedAt as Date) } : {}),
    containers: task.containers.map((c) => ({
      containerArn: `${task.arn.replace(':task/', ':container/')}/${c.name}`,
      taskArn: task.arn,
      name: c.name,
      image: c.image,
      ...(c.imageDigest ? { imageDigest: c.imageDigest } : {}),
      ...(started ? { runtimeId: `${task.id}-${c.name}` } : {}),
      lastStatus: c.lastStatus,
      ...(c.exitCode !== undefined ? { exitCode: c.exitCode } : {}),
      ...(c.reason ? { reason: c.reason } : {}),
      networkBindings: [],
      networkInterfaces: [],
      healthStatus: 'UNKNOWN',
      cpu: '0',
    })),
    ...(definition?.input.cpu !== undefined ? { cpu: String(definition.input.cpu) } : {}),
    ...(definition?.input.memory !== undefined ? { memory: String(definition.input.memory) } : {}),
    createdAt: epoch(task.createdAt),
    desiredStatus: task.desiredStatus,
    enableExecuteCommand: false,
    group: alone ? alone.group : `service:${task.service}`,
    healthStatus: 'UNKNOWN',
    lastStatus: task.lastStatus,
    ...launchOf(service, alone),
    ...(alone?.overrides ? { overrides: alone.overrides } : {}),
    ...optionalEpoch('pullStartedAt', task.pullStartedAt),
    ...optionalEpoch('pullStoppedAt', task.pullStoppedAt),
    ...optionalEpoch('startedAt', task.startedAt),
    ...(alone ? (alone.startedBy ? { startedBy: alone.startedBy } : {}) : { startedBy: task.deploymentId }),
    ...(task.stopCode ? { stopCode: task.stopCode } : {}),
    ...optionalEpoch('stoppedAt', task.stoppedAt),
    ...(task.stoppedReason ? { stoppedReason: task.stoppedReason } : {}),
    ...optionalEpoch('stoppingAt', task.stoppingAt),
    ...(includeTags ? { tags: [] } : {}),
    taskArn: task.arn,
    taskDefinitionArn: task.taskDefinition,
    version: task.version,
  };
}
