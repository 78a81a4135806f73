import { describe, expect, it } from 'vitest';
import { RecordingReporter } from '../../ports/events.js';
import type { ContainerService, ServiceDeploymentDetail, ServiceInfo } from '../../ports/ports.js';
import { FakeClock } from '../../testing/fakes.js';
import type { StepContext } from '../step.js';
import { rollBackServices } from './roll-back.js';

const NEW = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-worker:2';
const OLD = 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-worker:1';
const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service-deployment/shop/shop-worker/abc';

/** shop-worker on `taskDefinition`, its one deployment complete. */
function service(taskDefinition: string): ServiceInfo {
  return {
    cluster: 'shop',
    name: 'shop-worker',
    arn: 'arn:aws:ecs:eu-west-1:123456789012:service/shop/shop-worker',
    status: 'ACTIVE',
    taskDefinition,
    desiredCount: 1,
    runningCount: 1,
    pendingCount: 0,
    deployments: [
      {
        id: 'ecs-svc/1',
        status: 'PRIMARY',
        taskDefinition,
        desiredCount: 1,
        runningCount: 1,
        pendingCount: 0,
        failedTasks: 0,
        rolloutState: 'COMPLETED',
      },
    ],
    events: [],
    currentServiceDeployment: ARN,
  };
}

/**
 * ECS where the worker's deployment is in flight at the first look and has ended by the stop: the stop
 * answers `stopError`, the deployment is then `after`; an UpdateService takes the service back.
 */
function ecsWhereTheDeploymentEnds(after: string, stopError: Error, endsOn = NEW) {
  const calls: string[] = [];
  let on = NEW;
  let looks = 0;
  const containers = {
    async describeService() {
      calls.push(`DescribeServices ${on.split('/').at(-1)}`);
      return service(on);
    },
    async describeServiceDeployment(): Promise<ServiceDeploymentDetail> {
      looks++;
      return { arn: ARN, status: looks === 1 ? 'IN_PROGRESS' : after } as ServiceDeploymentDetail;
    },
    async stopServiceDeployment() {
      calls.push('StopServiceDeployment');
      // The deployment ends as the stop arrives, on `endsOn` (the previous revision: ECS rolled it back).
      on = endsOn;
      throw stopError;
    },
    async updateService(_cluster: string, _service: string, taskDefinition: string) {
      calls.push(`UpdateService ${taskDefinition.split('/').at(-1)}`);
      on = taskDefinition;
      return { deploymentId: 'ecs-svc/2' };
    },
  } as unknown as ContainerService;
  return { containers, calls };
}

function context(): { ctx: StepContext; progress: string[] } {
  const progress: string[] = [];
  const ctx: StepContext = {
    progress: (m) => progress.push(m),
    log: () => {},
    signal: undefined,
    clock: new FakeClock(),
    reporter: new RecordingReporter(),
  };
  return { ctx, progress };
}

/** The step's value for the worker: restored or not, and what was done. */
const worker = (restored: boolean, detail: string) => [
  { name: 'worker', service: 'shop-worker', restored, detail },
];

const input = {
  cluster: 'shop',
  targets: [{ name: 'worker', service: 'shop-worker', taskDefinition: NEW, previousTaskDefinition: OLD }],
  pollIntervalMs: 1000,
  timeoutMs: 60_000,
};

describe('roll-back of a service whose deployment ends as it is stopped', () => {
  it('a stop refused because the deployment just ended (ConflictException): updated back instead, and restored', async () => {
    const ecs = ecsWhereTheDeploymentEnds('SUCCESSFUL', new Error('ConflictException: it is SUCCESSFUL'));
    const { ctx } = context();
    const outcome = await rollBackServices(input, { containers: ecs.containers }, ctx);
    expect(ecs.calls).toEqual([
      'DescribeServices shop-worker:2',
      'StopServiceDeployment',
      'DescribeServices shop-worker:2',
      'UpdateService shop-worker:1',
      'DescribeServices shop-worker:1',
    ]);
    expect(outcome.value).toEqual(
      worker(true, 'updated back to shop-worker:1 (UpdateService); back on shop-worker:1'),
    );
  });

  it('a stop that fails while the deployment is still in flight: not restored, the stop error said', async () => {
    const ecs = ecsWhereTheDeploymentEnds('IN_PROGRESS', new Error('ThrottlingException: slow down'));
    const { ctx } = context();
    const outcome = await rollBackServices(input, { containers: ecs.containers }, ctx);
    expect(ecs.calls).toEqual(['DescribeServices shop-worker:2', 'StopServiceDeployment']);
    expect(outcome.value?.[0]).toMatchObject({
      restored: false,
      detail: 'could not be put back on shop-worker:1: ThrottlingException: slow down',
    });
  });

  it('a stop refused because ECS itself rolled the deployment back as it ended: no update, it waits, restored', async () => {
    const ecs = ecsWhereTheDeploymentEnds(
      'ROLLBACK_SUCCESSFUL',
      new Error('ConflictException: it is ROLLBACK_SUCCESSFUL'),
      OLD,
    );
    const { ctx, progress } = context();
    const outcome = await rollBackServices(input, { containers: ecs.containers }, ctx);
    expect(ecs.calls).toEqual([
      'DescribeServices shop-worker:2',
      'StopServiceDeployment',
      'DescribeServices shop-worker:1',
      'DescribeServices shop-worker:1',
    ]);
    expect(progress).toContain('worker: ECS is taking shop-worker back to shop-worker:1; waiting');
    expect(outcome.value).toEqual(worker(true, 'ECS rolled it back; back on shop-worker:1'));
  });
});
