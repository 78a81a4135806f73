import type { AwsPeers } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { param } from './kit/app.js';
import { type Exit, requireBuiltBin } from './kit/bin.js';
import { type EcsPeers, seedVersion, startEcsPeers, writeAppSpec } from './kit/ecs.js';

const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const;
const ENVS = Array.from({ length: 16 }, (_, i) => `s${i + 1}`);

let ecs: EcsPeers;
let peers: AwsPeers;

/**
 * Run the built CLI; `onLine` sees each whole line of stdout and stderr once, as it comes (with the time).
 * `exitedAt` is when it ended.
 */
function hosting(args: string[], onLine?: (line: string, at: number) => void) {
  const seen = { stdout: 0, stderr: 0 };
  const done = ecs
    .run([...args, '--app', 'hello-app'], {
      onOutput: (output) => {
        for (const stream of ['stdout', 'stderr'] as const) {
          const end = output[stream].lastIndexOf('\n') + 1;
          if (end <= seen[stream]) continue;
          const lines = output[stream].slice(seen[stream], end).split('\n');
          seen[stream] = end;
          for (const line of lines) if (line) onLine?.(line, Date.now());
        }
      },
    })
    .then((r: Exit) => ({ ...r, exitedAt: r.endedAt }));
  return { done };
}

let next = 0;
/** A fresh environment whose service has `configuration`, running v1; the parameter holds `version`. */
async function seed(version: string, configuration: Record<string, unknown>, controller = 'ECS') {
  const env = ENVS[next++] ?? 'none';
  peers.aws.ecs.addService({
    cluster: `cluster-${env}`,
    service: 'hello-app',
    taskDefinition: {
      family: `hello-app-${env}`,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '256',
      memory: '512',
      containerDefinitions: [{ name: 'web', image: `${peers.registry.host}/hello-app@${ecs.digests.v1}` }],
    },
    desiredCount: 2,
    deploymentController: controller,
    deploymentConfiguration: { deploymentCircuitBreaker: { enable: true, rollback: true }, ...configuration },
  } as Parameters<AwsPeers['aws']['ecs']['addService']>[0]);
  const parameter = param('hello-app', env);
  await seedVersion(ecs.parameters, parameter, version);
  return { env, cluster: `cluster-${env}`, parameter };
}

/** The service deployment the rollout followed, as the server recorded it. */
const recordOf = (cluster: string, arn: string) =>
  peers.aws.ecs.serviceDeploymentsOf('hello-app', cluster).find((d) => d.arn === arn);

beforeAll(async () => {
  requireBuiltBin();
  ecs = await startEcsPeers('hello-app', { clockFactor: 3600 });
  peers = ecs.aws;
  writeAppSpec(ecs, 'hello-app', ENVS);
}, 60_000);
afterAll(async () => {
  await ecs?.stop();
});

const STRATEGY_CONFIG: Record<(typeof STRATEGIES)[number], Record<string, unknown>> = {
  ROLLING: { strategy: 'ROLLING' },
  BLUE_GREEN: { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 1 },
  LINEAR: { strategy: 'LINEAR', linearConfiguration: { stepPercent: 50, stepBakeTimeInMinutes: 1 } },
  CANARY: { strategy: 'CANARY', canaryConfiguration: { canaryPercent: 10, canaryBakeTimeInMinutes: 1 } },
};

describe('hosting rollout follows every strategy (built bin, real client-ecs)', () => {
  for (const strategy of STRATEGIES) {
    it(`${strategy}: a good image exits 0 within 3 s of SUCCESSFUL; a crashing one exits 1 naming its cause`, async () => {
      const good = await seed('v2', STRATEGY_CONFIG[strategy]);
      const ok = await hosting(['rollout', '--env', good.env, '--json']).done;
      expect(ok.code, ok.stderr).toBe(0);
      const json = JSON.parse(ok.stdout);
      expect(json).toMatchObject({ strategy, stage: 'complete', 'rollout-state': 'COMPLETED' });
      const record = recordOf(good.cluster, json['service-deployment']);
      expect(record?.status).toBe('SUCCESSFUL');
      expect(ok.exitedAt - (record?.finishedAt?.getTime() ?? 0)).toBeLessThanOrEqual(3000);
      expect(peers.aws.ssm.labels(good.parameter)).toMatchObject({ deployed: 2, complete: 2 });

      const bad = await seed('v3', STRATEGY_CONFIG[strategy]);
      const failed = await hosting(['rollout', '--env', bad.env]).done;
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(
        /the deployment circuit breaker tripped: \d+ failed tasks \(threshold \d+\)/,
      );
      expect(failed.stderr).toMatch(/back to hello-app-s\d+:1/);
      const crashed = peers.aws.ecs.serviceDeploymentsOf('hello-app', bad.cluster).find((d) => d.rollback);
      expect(failed.exitedAt - (crashed?.rollback?.startedAt.getTime() ?? 0)).toBeLessThanOrEqual(3000);
      expect(peers.aws.ssm.labels(bad.parameter)).toEqual({ deployed: 1 });
    }, 60_000);
  }

  it('an alarm in ALARM during the bake fails naming the alarm and the revision restored', async () => {
    const s = await seed('v2', {
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 600,
      alarms: { alarmNames: ['hello-5xx'], enable: true, rollback: true },
    });
    const run = hosting(['rollout', '--env', s.env], (line) => {
      if (line.includes('stage BAKE_TIME')) peers.aws.ecs.setAlarm('hello-5xx', 'ALARM');
    });
    const failed = await run.done;
    peers.aws.ecs.setAlarm('hello-5xx', 'OK');
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('CloudWatch alarm "hello-5xx" went into ALARM');
    expect(failed.stderr).toMatch(/back to hello-app-s\d+:1/);
  }, 60_000);

  it('a 23-hour bake with --wait-until traffic-shifted returns within seconds of the shift, with bake-until', async () => {
    const s = await seed('v2', { strategy: 'BLUE_GREEN', bakeTimeInMinutes: 23 * 60 });
    const started = Date.now();
    const ran = await hosting(['rollout', '--env', s.env, '--wait-until', 'traffic-shifted', '--json']).done;
    expect(ran.code, ran.stderr).toBe(0);
    expect(ran.exitedAt - started).toBeLessThan(15_000);
    const json = JSON.parse(ran.stdout);
    expect(json).toMatchObject({ stage: 'traffic-shifted', strategy: 'BLUE_GREEN' });
    const bakeUntil = Date.parse(json['bake-until']);
    expect(bakeUntil - Date.now()).toBeGreaterThan(22 * 3600_000);
    expect(recordOf(s.cluster, json['service-deployment'])?.lifecycleStage).toBe('BAKE_TIME');
    expect(peers.aws.ssm.labels(s.parameter)).toMatchObject({ deployed: 2, 'traffic-shifted': 2 });
  }, 60_000);
});

describe('pause hooks, hosting continue and hosting abort (separate processes)', () => {
  const PAUSE = {
    strategy: 'BLUE_GREEN',
    lifecycleHooks: [
      {
        targetType: 'PAUSE',
        lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'],
        timeoutConfiguration: { timeoutInMinutes: 1440, action: 'ROLLBACK' },
      },
    ],
  };

  /** Start a rollout; answer its pause announcement with `hosting <answer>` from another process. */
  async function pausedRollout(answer: 'continue' | 'abort') {
    const s = await seed('v2', PAUSE);
    let announced: { at: number; line: string } | undefined;
    let answered: Promise<Exit> | undefined;
    const run = hosting(['rollout', '--env', s.env], (line, at) => {
      if (announced || !line.includes('Rollout paused for approval')) return;
      announced = { at, line };
      answered = hosting([answer, '--env', s.env]).done;
    });
    const ran = await run.done;
    const hook = peers.aws.ecs.serviceDeploymentsOf('hello-app', s.cluster).flatMap((d) => d.hooks)[0];
    return { s, ran, announced, answer: await answered, hook };
  }

  it('a pause is announced within 3 s with the resume command; hosting continue resolves it', async () => {
    const { ran, announced, answer, hook } = await pausedRollout('continue');
    expect(announced?.line).toContain('Resume it with: hosting continue --app hello-app --env');
    expect(announced?.line).toMatch(/until \d{4}-\d\d-\d\dT.*; then ECS rolls the deployment back/);
    expect((announced?.at ?? 0) - (hook?.startedAt.getTime() ?? 0)).toBeLessThanOrEqual(3000);
    expect(answer?.code, answer?.stderr).toBe(0);
    expect(answer?.stdout).toContain('ContinueServiceDeployment CONTINUE');
    expect(ran.code, ran.stderr).toBe(0);
  }, 60_000);

  it('hosting abort from another process rolls the paused deployment back; the rollout fails naming it', async () => {
    const { ran, answer } = await pausedRollout('abort');
    expect(answer?.code, answer?.stderr).toBe(0);
    expect(answer?.stdout).toContain('ContinueServiceDeployment ROLLBACK');
    expect(ran.code).toBe(1);
    expect(ran.stderr).toMatch(/back to hello-app-s\d+:1/);
  }, 60_000);

  it('continue with nothing in flight exits 3', async () => {
    const s = await seed('v1', {});
    const ran = await hosting(['continue', '--env', s.env]).done;
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('is in flight: nothing to continue');
  }, 30_000);

  it('a CodeDeploy-controlled service exits 3 naming the controller, nothing registered', async () => {
    const s = await seed('v2', {}, 'CODE_DEPLOY');
    peers.aws.clearRequests();
    const ran = await hosting(['rollout', '--env', s.env]).done;
    expect(ran.code).toBe(3);
    expect(ran.stderr).toContain('uses the CODE_DEPLOY deployment controller');
    expect(peers.aws.requests.filter((r) => r.operation === 'RegisterTaskDefinition')).toEqual([]);
  }, 30_000);
});
