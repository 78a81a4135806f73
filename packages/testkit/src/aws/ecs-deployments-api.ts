import type {
  EcsServiceRecord,
  EcsTaskRecord,
  ServiceDeploymentRecord,
  ServiceRevisionRecord,
} from './ecs-records.js';
import { isPending, isRunning } from './ecs-scheduler.js';
import { TERMINAL } from './ecs-service-deployments.js';
import { AwsServiceError } from './errors.js';

/** What the service deployments operations need from the ECS state. */
export interface DeploymentsApiContext {
  /** Throws ClusterNotFoundException; returns the cluster name. */
  cluster(ref: unknown): string;
  findService(cluster: string, ref: string): EcsServiceRecord | undefined;
  services(): Iterable<EcsServiceRecord>;
  tasksOf(service: string, cluster: string): EcsTaskRecord[];
  /** False: the four operations answer UnsupportedFeatureException (a partition without the API). */
  serviceDeploymentsApi(): boolean;
}

const epoch = (date: Date) => date.getTime() / 1000;
const optionalEpoch = (name: string, date: Date | undefined) => (date ? { [name]: epoch(date) } : {});

function requireApi(context: DeploymentsApiContext): void {
  if (context.serviceDeploymentsApi()) return;
  throw new AwsServiceError(
    'UnsupportedFeatureException',
    'The service deployments API is not available in this Region.',
  );
}

function findDeployment(
  context: DeploymentsApiContext,
  arn: string,
): { service: EcsServiceRecord; record: ServiceDeploymentRecord } | undefined {
  for (const service of context.services()) {
    const record = service.serviceDeployments.find((d) => d.arn === arn);
    if (record) return { service, record };
  }
  return undefined;
}

export function listServiceDeployments(context: DeploymentsApiContext, input: Record<string, unknown>) {
  requireApi(context);
  const cluster = context.cluster(input.cluster);
  const service = context.findService(cluster, String(input.service));
  if (!service) throw new AwsServiceError('ServiceNotFoundException', 'Service not found.');
  const statuses = input.status as string[] | undefined;
  const created = (input.createdAt ?? {}) as { before?: number; after?: number };
  const matching = service.serviceDeployments.filter(
    (d) =>
      (!statuses || statuses.includes(d.status)) &&
      (created.before === undefined || epoch(d.createdAt) < created.before) &&
      (created.after === undefined || epoch(d.createdAt) > created.after),
  );
  const max = typeof input.maxResults === 'number' ? input.maxResults : 20;
  const start = input.nextToken === undefined ? 0 : decodeToken(String(input.nextToken));
  const page = matching.slice(start, start + max);
  const next = start + page.length;
  return {
    serviceDeployments: page.map((d) => ({
      serviceDeploymentArn: d.arn,
      serviceArn: service.arn,
      clusterArn: service.clusterArn,
      ...optionalEpoch('startedAt', d.startedAt),
      createdAt: epoch(d.createdAt),
      ...optionalEpoch('finishedAt', d.finishedAt),
      targetServiceRevisionArn: d.target.arn,
      status: d.status,
      ...(d.statusReason ? { statusReason: d.statusReason } : {}),
    })),
    ...(next < matching.length ? { nextToken: Buffer.from(String(next)).toString('base64') } : {}),
  };
}

function decodeToken(token: string): number {
  const n = Number(Buffer.from(token, 'base64').toString('utf8'));
  if (!Number.isInteger(n) || n < 0)
    throw new AwsServiceError('InvalidParameterException', 'Invalid nextToken.');
  return n;
}

export function describeServiceDeployments(context: DeploymentsApiContext, input: Record<string, unknown>) {
  requireApi(context);
  const serviceDeployments = [];
  const failures = [];
  for (const arn of input.serviceDeploymentArns as string[]) {
    const found = findDeployment(context, arn);
    if (!found) {
      failures.push({ arn, reason: 'MISSING' });
      continue;
    }
    const tasks = context.tasksOf(found.service.name, found.service.cluster);
    serviceDeployments.push(wireServiceDeployment(found.service, found.record, tasks));
  }
  return { serviceDeployments, failures };
}

function wireServiceDeployment(
  service: EcsServiceRecord,
  record: ServiceDeploymentRecord,
  tasks: EcsTaskRecord[],
): Record<string, unknown> {
  const traffic = record.strategy !== 'ROLLING';
  const revision = (r: ServiceRevisionRecord, production: number, test: number) => {
    const own = tasks.filter((t) => t.deploymentId === r.deploymentId);
    const deployment = service.deployments.find((d) => d.id === r.deploymentId);
    return {
      arn: r.arn,
      requestedTaskCount: deployment?.desiredCount ?? 0,
      runningTaskCount: own.filter(isRunning).length,
      pendingTaskCount: own.filter(isPending).length,
      ...(traffic ? { requestedTestTrafficWeight: test, requestedProductionTrafficWeight: production } : {}),
    };
  };
  const { production, test } = record.weight;
  return {
    serviceDeploymentArn: record.arn,
    serviceArn: service.arn,
    clusterArn: service.clusterArn,
    createdAt: epoch(record.createdAt),
    ...optionalEpoch('startedAt', record.startedAt),
    ...optionalEpoch('finishedAt', record.finishedAt),
    ...optionalEpoch('stoppedAt', record.stoppedAt),
    updatedAt: epoch(record.updatedAt),
    sourceServiceRevisions: record.sources.map((r) => revision(r, 100 - production, 100 - test)),
    targetServiceRevision: revision(record.target, production, test),
    status: record.status,
    ...(record.statusReason ? { statusReason: record.statusReason } : {}),
    lifecycleStage: record.lifecycleStage,
    ...hookDetails(record),
    deploymentConfiguration: record.configuration,
    ...rollbackOf(record),
    deploymentCircuitBreaker: record.circuitBreaker,
    alarms: record.alarms,
  };
}

function hookDetails(record: ServiceDeploymentRecord) {
  if (record.hooks.length === 0) return {};
  return {
    lifecycleHookDetails: record.hooks.map((run) => ({
      hookId: run.hookId,
      targetType: run.hook.targetType ?? 'AWS_LAMBDA',
      ...(run.hook.targetType === 'PAUSE' || !run.hook.hookTargetArn
        ? {}
        : { targetArn: run.hook.hookTargetArn }),
      status: run.status,
      expiresAt: epoch(run.expiresAt),
      timeoutAction: run.timeoutAction,
    })),
  };
}

function rollbackOf(record: ServiceDeploymentRecord) {
  if (!record.rollback) return {};
  const { reason, startedAt, serviceRevisionArn } = record.rollback;
  return { rollback: { reason, startedAt: epoch(startedAt), serviceRevisionArn } };
}

export function continueServiceDeployment(context: DeploymentsApiContext, input: Record<string, unknown>) {
  requireApi(context);
  const arn = String(input.serviceDeploymentArn);
  const found = findDeployment(context, arn);
  if (!found)
    throw new AwsServiceError('ServiceDeploymentNotFoundException', `Service deployment ${arn} not found.`);
  const run = found.record.hooks.find((h) => h.hookId === input.hookId);
  if (!run)
    throw new AwsServiceError(
      'InvalidParameterException',
      `No lifecycle hook ${String(input.hookId)} in ${arn}.`,
    );
  if (run.status !== 'AWAITING_ACTION' || run.decided || TERMINAL.has(found.record.status)) {
    throw new AwsServiceError(
      'InvalidParameterException',
      `The lifecycle hook ${run.hookId} is not awaiting an action (status ${run.status}).`,
    );
  }
  run.decided = input.action === 'ROLLBACK' ? 'ROLLBACK' : 'CONTINUE';
  run.status = run.decided === 'CONTINUE' ? 'SUCCEEDED' : 'FAILED';
  found.record.updatedAt = new Date();
  return { serviceDeploymentArn: arn };
}

export function stopServiceDeployment(context: DeploymentsApiContext, input: Record<string, unknown>) {
  requireApi(context);
  const arn = String(input.serviceDeploymentArn);
  const found = findDeployment(context, arn);
  if (!found)
    throw new AwsServiceError('ServiceDeploymentNotFoundException', `Service deployment ${arn} not found.`);
  const { record } = found;
  if (record.status !== 'PENDING' && record.status !== 'IN_PROGRESS') {
    throw new AwsServiceError(
      'ConflictException',
      `The service deployment ${arn} is ${record.status}; only a PENDING or IN_PROGRESS one can be stopped.`,
    );
  }
  const rollback = (input.stopType ?? 'ROLLBACK') === 'ROLLBACK';
  record.status = rollback ? 'ROLLBACK_REQUESTED' : 'STOP_REQUESTED';
  record.statusReason = rollback
    ? 'Rollback requested through StopServiceDeployment.'
    : 'Stopped through StopServiceDeployment.';
  record.updatedAt = new Date();
  return { serviceDeploymentArn: arn };
}

export function describeServiceRevisions(context: DeploymentsApiContext, input: Record<string, unknown>) {
  requireApi(context);
  const serviceRevisions = [];
  const failures = [];
  for (const arn of input.serviceRevisionArns as string[]) {
    const service = [...context.services()].find((s) => s.revisions.some((r) => r.arn === arn));
    const revision = service?.revisions.find((r) => r.arn === arn);
    if (!service || !revision) {
      failures.push({ arn, reason: 'MISSING' });
      continue;
    }
    serviceRevisions.push({
      serviceRevisionArn: revision.arn,
      serviceArn: service.arn,
      clusterArn: service.clusterArn,
      taskDefinition: revision.taskDefinition,
      ...(service.capacityProviderStrategy
        ? { capacityProviderStrategy: service.capacityProviderStrategy }
        : { launchType: service.launchType }),
      ...(service.networkConfiguration ? { networkConfiguration: service.networkConfiguration } : {}),
      createdAt: epoch(revision.createdAt),
    });
  }
  return { serviceRevisions, failures };
}
