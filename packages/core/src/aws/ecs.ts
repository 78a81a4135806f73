/**
 * The SDK side of the ContainerService port (ECS). Imported only by `createContainerService`
 * (dynamic import), never at load time. Same retry, timeout and error mapping as the SSM/ECR clients.
 */
import {
  ContinueServiceDeploymentCommand,
  type Deployment,
  DescribeServiceDeploymentsCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  ListServiceDeploymentsCommand,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  RunTaskCommand,
  type RunTaskCommandInput,
  type ServiceDeployment as SdkServiceDeployment,
  type Service,
  type ServiceRevisionSummary,
  StopServiceDeploymentCommand,
  StopTaskCommand,
  type Task,
  type TaskDefinition,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { PreconditionError, RemoteError } from '../errors/errors.js';
import type {
  ContainerService,
  ResourceTag,
  ServiceDeployment,
  ServiceDeploymentDetail,
  ServiceInfo,
  ServiceRevisionCounts,
  StoppedTask,
  TaskDefinitionDocument,
  TaskDefinitionInfo,
  TaskInfo,
} from '../ports/ports.js';
import { AwsCaller } from './call.js';
import { awsSettings, clientConfig, quietly } from './config.js';
import { boundCredentials } from './credentials.js';
import { type AwsPortsOptions, missingRegionError } from './options.js';

/** The ECS client, its region resolved (InputError when none) and its credentials found (bounded). */
async function ecsClient(options: AwsPortsOptions): Promise<{ ecs: ECSClient; aws: AwsCaller }> {
  const settings = awsSettings(options);
  const ecs = quietly(() => new ECSClient(clientConfig(options, settings, 'ECS')));
  const region =
    settings.explicitRegion ??
    (await Promise.resolve()
      .then(() => ecs.config.region())
      .catch(() => undefined));
  if (!region) {
    ecs.destroy();
    throw missingRegionError(settings.profile, settings.names);
  }
  const aws = new AwsCaller(region, settings);
  await boundCredentials(ecs.config.credentials, {
    profile: settings.profile,
    names: settings.names,
    deadlineMs: settings.credentialsDeadlineMs,
    mapError: (error) => aws.mapError(error, { service: 'ecs', action: 'DescribeServices' }),
  }).catch((error: unknown) => {
    ecs.destroy();
    throw error;
  });
  return { ecs, aws };
}

export async function createEcsClient(options: AwsPortsOptions): Promise<ContainerService> {
  const { ecs, aws } = await ecsClient(options);
  const call = <T>(action: string, resource: string, fn: () => Promise<T>): Promise<T> =>
    aws.call({ service: 'ecs', action, resource }, fn);

  return {
    async describeService(cluster, service) {
      const out = await call('DescribeServices', cluster, () =>
        ecs.send(new DescribeServicesCommand({ cluster, services: [service] })),
      );
      const found = out.services?.find((s) => s.serviceName === service || s.serviceArn === service);
      if (!found) {
        throw new PreconditionError(
          'ECS_SERVICE_NOT_FOUND',
          `The ECS service "${service}" does not exist in cluster ${cluster} (region ${aws.region}${out.failures?.[0]?.reason ? `: ${out.failures[0].reason}` : ''}).`,
          { fix: `Fix "service:" for this environment in the App spec, or pass ${aws.names.service}.` },
        );
      }
      return toService(found, cluster);
    },

    async describeTaskDefinition(taskDefinition) {
      const out = await call('DescribeTaskDefinition', taskDefinition, () =>
        ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] })),
      );
      return toTaskDefinition(out.taskDefinition, out.tags, taskDefinition);
    },

    async registerTaskDefinition(document, tags) {
      const input = {
        ...document,
        ...(tags.length > 0 ? { tags: [...tags] } : {}),
      } as unknown as RegisterTaskDefinitionCommandInput;
      const out = await call('RegisterTaskDefinition', document.family, () =>
        ecs.send(new RegisterTaskDefinitionCommand(input)),
      );
      return toTaskDefinition(out.taskDefinition, out.tags, document.family);
    },

    async updateService(cluster, service, taskDefinition) {
      const out = await call('UpdateService', service, () =>
        ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition })),
      );
      if (!out.service) throw unexpected('UpdateService', service);
      return toService(out.service, cluster);
    },

    async stoppedTasks(cluster, service) {
      const listed = await call('ListTasks', service, () =>
        ecs.send(new ListTasksCommand({ cluster, serviceName: service, desiredStatus: 'STOPPED' })),
      );
      const arns = (listed.taskArns ?? []).slice(0, 100);
      if (arns.length === 0) return [];
      const out = await call('DescribeTasks', service, () =>
        ecs.send(new DescribeTasksCommand({ cluster, tasks: arns })),
      );
      return (out.tasks ?? [])
        .map(toStoppedTask)
        .sort((a, b) => (b.stoppedAt?.getTime() ?? 0) - (a.stoppedAt?.getTime() ?? 0));
    },

    ...serviceDeploymentCalls(ecs, call),
    ...taskCalls(ecs, call),
  };
}

/** Standalone tasks (the release task): run, describe, stop. */
function taskCalls(
  ecs: ECSClient,
  call: EcsCall,
): Pick<ContainerService, 'runTask' | 'describeTask' | 'stopTask'> {
  return {
    async runTask(request) {
      const input = {
        cluster: request.cluster,
        taskDefinition: request.taskDefinition,
        count: 1,
        startedBy: request.startedBy,
        overrides: { containerOverrides: [{ name: request.container, command: [...request.command] }] },
        ...(request.networkConfiguration ? { networkConfiguration: request.networkConfiguration } : {}),
        ...(request.capacityProviderStrategy?.length
          ? { capacityProviderStrategy: [...request.capacityProviderStrategy] }
          : request.launchType
            ? { launchType: request.launchType }
            : {}),
      } as unknown as RunTaskCommandInput;
      const out = await call('RunTask', request.taskDefinition, () => ecs.send(new RunTaskCommand(input)));
      const task = out.tasks?.[0];
      return {
        task: task ? toTaskInfo(task) : undefined,
        failures: (out.failures ?? []).map(
          (f) => [f.reason, f.detail].filter(Boolean).join(': ') || 'unknown',
        ),
      };
    },

    async describeTask(cluster, task) {
      const out = await call('DescribeTasks', task, () =>
        ecs.send(new DescribeTasksCommand({ cluster, tasks: [task] })),
      );
      const found = out.tasks?.[0];
      if (!found) throw unexpected('DescribeTasks', task);
      return toTaskInfo(found);
    },

    async stopTask(cluster, task, reason) {
      await call('StopTask', task, () => ecs.send(new StopTaskCommand({ cluster, task, reason })));
    },
  };
}

function toTaskInfo(t: Task): TaskInfo {
  return {
    arn: t.taskArn ?? '',
    lastStatus: t.lastStatus ?? '',
    desiredStatus: t.desiredStatus ?? '',
    stopCode: t.stopCode,
    stoppedReason: t.stoppedReason,
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '',
      reason: c.reason,
      exitCode: c.exitCode,
    })),
  };
}

type EcsCall = <T>(action: string, resource: string, fn: () => Promise<T>) => Promise<T>;

/** The service deployments API: list, describe, continue (pause hooks) and stop. */
function serviceDeploymentCalls(
  ecs: ECSClient,
  call: EcsCall,
): Pick<
  ContainerService,
  | 'listServiceDeployments'
  | 'describeServiceDeployment'
  | 'continueServiceDeployment'
  | 'stopServiceDeployment'
> {
  return {
    async listServiceDeployments(cluster, service, since) {
      const out = await call('ListServiceDeployments', service, () =>
        ecs
          .send(
            new ListServiceDeploymentsCommand({
              cluster,
              service,
              ...(since ? { createdAt: { after: since } } : {}),
            }),
          )
          .catch(unsupportedAsUndefined),
      );
      if (!out) return undefined;
      return (out.serviceDeployments ?? [])
        .map((d) => ({
          arn: d.serviceDeploymentArn ?? '',
          status: d.status ?? '',
          createdAt: d.createdAt,
          targetServiceRevision: d.targetServiceRevisionArn,
        }))
        .sort((a, b) => (b.createdAt?.getTime() ?? 0) - (a.createdAt?.getTime() ?? 0));
    },

    async describeServiceDeployment(arn) {
      const out = await call('DescribeServiceDeployments', arn, () =>
        ecs.send(new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [arn] })),
      );
      const found = out.serviceDeployments?.find((d) => d.serviceDeploymentArn === arn);
      if (!found) {
        throw new RemoteError(
          'ecs',
          'ECS_DEPLOYMENT_NOT_FOUND',
          `ECS does not describe the service deployment ${arn}${out.failures?.[0]?.reason ? ` (${out.failures[0].reason})` : ''}.`,
          {
            fix: 'Check the service in the ECS console; run the rollout again if its deployment did not start.',
          },
        );
      }
      return toServiceDeployment(found);
    },

    async continueServiceDeployment(arn, hookId, action) {
      await call('ContinueServiceDeployment', arn, () =>
        ecs.send(new ContinueServiceDeploymentCommand({ serviceDeploymentArn: arn, hookId, action })),
      );
    },

    async stopServiceDeployment(arn) {
      await call('StopServiceDeployment', arn, () =>
        ecs.send(new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' })),
      );
    },
  };
}

/**
 * Where the service deployments API is not available (UnsupportedFeatureException in partitions that
 * lack it; UnknownOperationException from endpoints that predate it), the caller falls back to `deployments[]`.
 */
function unsupportedAsUndefined(error: unknown): undefined {
  const name = (error as { name?: string } | undefined)?.name;
  if (name === 'UnsupportedFeatureException' || name === 'UnknownOperationException') return undefined;
  throw error;
}

function toRevision(r: ServiceRevisionSummary): ServiceRevisionCounts {
  return {
    arn: r.arn ?? '',
    requested: r.requestedTaskCount ?? 0,
    running: r.runningTaskCount ?? 0,
    pending: r.pendingTaskCount ?? 0,
    productionTrafficWeight: r.requestedProductionTrafficWeight,
    testTrafficWeight: r.requestedTestTrafficWeight,
  };
}

function toServiceDeployment(d: SdkServiceDeployment): ServiceDeploymentDetail {
  const alarms = d.alarms;
  return {
    arn: d.serviceDeploymentArn ?? '',
    status: d.status ?? '',
    statusReason: d.statusReason,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    finishedAt: d.finishedAt,
    lifecycleStage: d.lifecycleStage,
    strategy: d.deploymentConfiguration?.strategy,
    bakeTimeInMinutes: d.deploymentConfiguration?.bakeTimeInMinutes,
    target: d.targetServiceRevision ? toRevision(d.targetServiceRevision) : undefined,
    sources: (d.sourceServiceRevisions ?? []).map(toRevision),
    hooks: (d.lifecycleHookDetails ?? []).map((h) => ({
      id: h.hookId ?? '',
      targetType: h.targetType ?? '',
      targetArn: h.targetArn,
      status: h.status ?? '',
      expiresAt: h.expiresAt,
      timeoutAction: h.timeoutAction,
    })),
    alarms: alarms
      ? {
          status: alarms.status,
          names: alarms.alarmNames ?? [],
          triggered: alarms.triggeredAlarmNames ?? [],
        }
      : undefined,
    circuitBreaker: d.deploymentCircuitBreaker
      ? {
          status: d.deploymentCircuitBreaker.status,
          failureCount: d.deploymentCircuitBreaker.failureCount,
          threshold: d.deploymentCircuitBreaker.threshold,
        }
      : undefined,
    rollback: d.rollback
      ? {
          reason: d.rollback.reason,
          startedAt: d.rollback.startedAt,
          serviceRevision: d.rollback.serviceRevisionArn,
        }
      : undefined,
  };
}

function unexpected(action: string, resource: string): RemoteError {
  return new RemoteError('ecs', 'AWS_REQUEST_FAILED', `ECS ${action} of ${resource} returned nothing.`, {
    fix: 'Run again; if it persists, check the ECS endpoint in use (AWS_ENDPOINT_URL).',
  });
}

function toService(s: Service, cluster: string): ServiceInfo {
  return {
    cluster,
    name: s.serviceName ?? '',
    arn: s.serviceArn ?? '',
    status: s.status ?? '',
    taskDefinition: s.taskDefinition ?? '',
    desiredCount: s.desiredCount ?? 0,
    runningCount: s.runningCount ?? 0,
    pendingCount: s.pendingCount ?? 0,
    deployments: (s.deployments ?? []).map(toDeployment),
    events: (s.events ?? []).map((e) => ({
      id: e.id ?? '',
      createdAt: e.createdAt,
      message: e.message ?? '',
    })),
    circuitBreaker: s.deploymentConfiguration?.deploymentCircuitBreaker
      ? {
          enable: s.deploymentConfiguration.deploymentCircuitBreaker.enable ?? false,
          rollback: s.deploymentConfiguration.deploymentCircuitBreaker.rollback ?? false,
        }
      : undefined,
    deploymentController: s.deploymentController?.type,
    strategy: s.deploymentConfiguration?.strategy,
    currentServiceDeployment: s.currentServiceDeployment,
    networkConfiguration: s.networkConfiguration as Record<string, unknown> | undefined,
    launchType: s.launchType,
    capacityProviderStrategy: s.capacityProviderStrategy as Record<string, unknown>[] | undefined,
  };
}

function toDeployment(d: Deployment): ServiceDeployment {
  return {
    id: d.id ?? '',
    status: d.status ?? '',
    taskDefinition: d.taskDefinition ?? '',
    desiredCount: d.desiredCount ?? 0,
    runningCount: d.runningCount ?? 0,
    pendingCount: d.pendingCount ?? 0,
    failedTasks: d.failedTasks ?? 0,
    rolloutState: d.rolloutState,
    rolloutStateReason: d.rolloutStateReason,
    createdAt: d.createdAt,
  };
}

function toTaskDefinition(
  td: TaskDefinition | undefined,
  tags: { key?: string | undefined; value?: string | undefined }[] | undefined,
  asked: string,
): TaskDefinitionInfo {
  if (!td?.taskDefinitionArn || !td.family) throw unexpected('DescribeTaskDefinition', asked);
  const document = { ...td, containerDefinitions: td.containerDefinitions ?? [] } as TaskDefinitionDocument;
  return {
    arn: td.taskDefinitionArn,
    family: td.family,
    revision: td.revision ?? 0,
    document,
    tags: (tags ?? []).map((t): ResourceTag => ({ key: t.key ?? '', value: t.value ?? '' })),
  };
}

function toStoppedTask(t: Task): StoppedTask {
  return {
    arn: t.taskArn ?? '',
    taskDefinition: t.taskDefinitionArn ?? '',
    startedBy: t.startedBy,
    stoppedReason: t.stoppedReason,
    stopCode: t.stopCode,
    stoppedAt: t.stoppedAt,
    containers: (t.containers ?? []).map((c) => ({
      name: c.name ?? '',
      reason: c.reason,
      exitCode: c.exitCode,
    })),
  };
}
