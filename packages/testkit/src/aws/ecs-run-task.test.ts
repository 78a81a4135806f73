import {
  DescribeServicesCommand,
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
  type Task,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODE_LABEL } from './image-pull.js';
import { type AwsPeers, startAwsPeers } from './peers.js';
import { pushTestImage } from './registry-api.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let peers: AwsPeers;
let ecs: ECSClient;
let good: string;
let exits3: string;
const cluster = 'release';
const network = { awsvpcConfiguration: { subnets: ['subnet-0abc'], securityGroups: ['sg-0abc'] } };

beforeAll(async () => {
  peers = await startAwsPeers({ ecsTickMs: 20, ecs: { clockFactor: 3600 } });
  ecs = new ECSClient(peers.clientConfig);
  const host = peers.registry.host;
  good = `${host}/app@${await pushTestImage(peers.registry, 'app', 'v1')}`;
  exits3 = `${host}/app@${await pushTestImage(peers.registry, 'app', 'v2', { labels: { [EXIT_CODE_LABEL]: '3' } })}`;
  for (const [family, image] of [
    ['web', good],
    ['web-exit3', exits3],
    ['web-missing', `${host}/app:no-such-tag`],
  ] as const) {
    peers.aws.ecs.addService({
      cluster,
      service: family,
      taskDefinition: {
        family,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          { name: 'app', image, command: ['serve'] },
          {
            name: 'log-router',
            image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
            essential: false,
          },
        ],
      },
      desiredCount: 0,
    });
  }
});
afterAll(async () => {
  ecs?.destroy();
  await peers?.stop();
});

async function run(input: Partial<RunTaskCommandInput>): Promise<string> {
  const out = await ecs.send(
    new RunTaskCommand({ cluster, taskDefinition: 'web', networkConfiguration: network, ...input }),
  );
  expect(out.failures).toEqual([]);
  return out.tasks?.[0]?.taskArn ?? '';
}

async function stopped(arn: string, timeoutMs = 10_000): Promise<Task> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const [task] = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks ?? [];
    if (task?.lastStatus === 'STOPPED') return task;
    if (Date.now() > until) throw new Error(`task ${arn} still ${task?.lastStatus}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const app = (task: Task) => task.containers?.find((c) => c.name === 'app');
const migrate = (command: string[]) => ({ overrides: { containerOverrides: [{ name: 'app', command }] } });

describe('RunTask, DescribeTasks, StopTask', () => {
  it('runs a release task that pulls its image and exits 0', async () => {
    const arn = await run({
      startedBy: 'hosting-release',
      launchType: 'FARGATE',
      ...migrate(['./migrate', 'up']),
    });
    const task = await stopped(arn);
    expect(task).toMatchObject({
      group: 'family:web',
      startedBy: 'hosting-release',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      overrides: { containerOverrides: [{ name: 'app', command: ['./migrate', 'up'] }] },
      launchType: 'FARGATE',
    });
    expect(app(task)).toMatchObject({ exitCode: 0, imageDigest: good.slice(good.indexOf('@') + 1) });
    expect(peers.aws.ecs.pulls.some((p) => p.image === good && p.ok)).toBe(true);
    const listed = await ecs.send(
      new ListTasksCommand({ cluster, startedBy: 'hosting-release', desiredStatus: 'STOPPED' }),
    );
    expect(listed.taskArns).toEqual([arn]);
  });

  it('exits with the code the command or the image decides', async () => {
    expect(app(await stopped(await run(migrate(['sh', '-c', 'migrate && fail'])))))?.toMatchObject({
      exitCode: 1,
    });
    expect(app(await stopped(await run(migrate(['migrate', 'exit=42'])))))?.toMatchObject({ exitCode: 42 });
    expect(app(await stopped(await run({ taskDefinition: 'web-exit3' }))))?.toMatchObject({ exitCode: 3 });
  });

  it('names why a task could not start, and refuses what ECS refuses', async () => {
    const missing = await stopped(await run({ taskDefinition: 'web-missing' }));
    expect(missing).toMatchObject({ stopCode: 'TaskFailedToStart' });
    expect(missing.stoppedReason).toMatch(/^CannotPullContainerError: /);
    peers.aws.ecs.failRunTask({ reason: 'RESOURCE:MEMORY' });
    const capacity = await ecs.send(
      new RunTaskCommand({ cluster, taskDefinition: 'web', networkConfiguration: network }),
    );
    expect(capacity.tasks).toEqual([]);
    expect(capacity.failures).toEqual([
      { arn: `arn:aws:ecs:eu-west-1:123456789012:cluster/${cluster}`, reason: 'RESOURCE:MEMORY' },
    ]);
    const secrets = 'ResourceInitializationError: unable to pull secrets or registry auth';
    peers.aws.ecs.failRunTask({ stoppedReason: secrets });
    expect(await stopped(await run({}))).toMatchObject({
      stopCode: 'TaskFailedToStart',
      stoppedReason: secrets,
    });
    await expect(ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'web' }))).rejects.toMatchObject({
      name: 'InvalidParameterException',
      message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    });
    await expect(
      ecs.send(new RunTaskCommand({ cluster, taskDefinition: 'nope:1', networkConfiguration: network })),
    ).rejects.toMatchObject({ name: 'ClientException' });
  });

  it('runs on the capacity providers of a service that has them', async () => {
    const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }];
    peers.aws.ecs.addService({
      cluster,
      service: 'spot-worker',
      taskDefinition: { family: 'spot-worker', containerDefinitions: [{ name: 'app', image: good }] },
      capacityProviderStrategy: strategy,
      networkConfiguration: network,
    });
    const [service] =
      (await ecs.send(new DescribeServicesCommand({ cluster, services: ['spot-worker'] }))).services ?? [];
    expect(service).toMatchObject({ capacityProviderStrategy: strategy, networkConfiguration: network });
    expect(service?.launchType).toBeUndefined();
    const arn = await run({
      taskDefinition: 'spot-worker',
      capacityProviderStrategy: service?.capacityProviderStrategy,
      networkConfiguration: service?.networkConfiguration,
    });
    const task = await stopped(arn);
    expect(task).toMatchObject({ capacityProviderName: 'FARGATE_SPOT' });
    expect(task.launchType).toBeUndefined();
    await expect(
      ecs.send(
        new RunTaskCommand({
          cluster,
          taskDefinition: 'spot-worker',
          launchType: 'FARGATE',
          capacityProviderStrategy: strategy,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidParameterException' });
  });

  it('stops a task that outlives its timeout', async () => {
    const arn = await run(migrate(['sleep 86400']));
    const until = Date.now() + 5_000;
    for (;;) {
      const [task] = (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [arn] }))).tasks ?? [];
      if (task?.lastStatus === 'RUNNING') break;
      if (Date.now() > until) throw new Error('never RUNNING');
      await new Promise((r) => setTimeout(r, 20));
    }
    const { task } = await ecs.send(
      new StopTaskCommand({ cluster, task: arn, reason: 'Release task timed out after 600 s' }),
    );
    expect(task).toMatchObject({ desiredStatus: 'STOPPED', stopCode: 'UserInitiated' });
    const done = await stopped(arn);
    expect(done).toMatchObject({ stoppedReason: 'Release task timed out after 600 s' });
    expect(app(done)?.exitCode).toBe(143);
  });
});
