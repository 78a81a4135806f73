/**
 * The rollout's wait on the service deployments API, against the in-memory ECS: every strategy to its
 * true end, failures named, bakes and <waitUntil>, pause hooks announced and answered.
 */
import { describe, expect, it } from 'vitest';
import type { RolloutInputs } from '../inputs/inputs.js';
import { RecordingReporter } from '../ports/events.js';
import type { TaskDefinitionDocument } from '../ports/ports.js';
import { type FakeStrategy, goodFrames } from '../testing/ecs-deployments.js';
import { PARAM } from '../testing/release.js';
import { CLUSTER, helloAppRollout, v2AfterV1 } from '../testing/rollout.js';
import { planResume, resume } from './resume.js';
import { firstService, rollout, rolloutOutputs } from './rollout.js';

const TD = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/hello-app:${n}`;
const DOCUMENT: TaskDefinitionDocument = {
  family: 'hello-app',
  containerDefinitions: [{ name: 'web', image: 'registry.example.test/hello-app:v1' }],
};
const STRATEGIES = ['ROLLING', 'BLUE_GREEN', 'LINEAR', 'CANARY'] as const;

async function setup(script: FakeStrategy, inputs: RolloutInputs = {}) {
  const t = helloAppRollout(DOCUMENT, { inputs });
  t.containers.strategy(CLUSTER, 'hello-app', script);
  await v2AfterV1(t.parameters);
  return t;
}

type Setup = Awaited<ReturnType<typeof setup>>;
const progress = (t: Setup) => t.reporter.ofType('step-progress').map((e) => e.message);
const describes = (t: Setup) => t.calls.filter((c) => c.method === 'describeServiceDeployment').length;
const labelsOf = async (t: Setup, version: number) =>
  (await t.parameters.history(PARAM)).find((h) => h.version === version)?.labels ?? [];

/** A crash: tasks fail until the circuit breaker trips and ECS rolls back. */
function crash(strategy: FakeStrategy['strategy']): FakeStrategy {
  return {
    strategy,
    frames: [
      { at: 0, status: 'IN_PROGRESS', stage: 'SCALE_UP', running: 0 },
      { at: 4000, circuitBreaker: { failureCount: 1, threshold: 3 } },
      { at: 8000, circuitBreaker: { failureCount: 3, threshold: 3, status: 'TRIGGERED' } },
      {
        at: 8000,
        status: 'ROLLBACK_IN_PROGRESS',
        reason: 'ECS deployment circuit breaker: tasks failed to start.',
      },
      { at: 12_000, status: 'ROLLBACK_SUCCESSFUL' },
    ],
  };
}

describe('rollout on the service deployments API', () => {
  for (const strategy of STRATEGIES) {
    it(`${strategy}: a good image succeeds, noticed within 3 s of SUCCESSFUL; labels deployed + complete`, async () => {
      const script = goodFrames(strategy);
      const t = await setup(script);
      const start = t.clock.now();
      const result = await rollout(t.plan, t.ports);
      expect(result.error).toBeUndefined();
      expect(firstService(result).strategy).toBe(strategy);
      expect(result.stage).toBe('complete');
      const successAt = script.frames.at(-1)?.at ?? 0;
      expect(t.clock.now() - start - successAt).toBeLessThanOrEqual(3000);
      expect(await labelsOf(t, 2)).toEqual(expect.arrayContaining(['deployed', 'complete']));
      expect(progress(t)).toContain(`strategy ${strategy}`);
      if (strategy !== 'ROLLING')
        expect(progress(t)).toContain('production traffic 100% on the new revision, 0% on the previous');
    });

    it(`${strategy}: a crashing image fails naming the circuit breaker and the stopped reason, noticed within 3 s`, async () => {
      const t = await setup(crash(strategy));
      t.containers.addStoppedTask('shared-staging', 'hello-app', {
        arn: 'arn:aws:ecs:eu-west-1:123456789012:task/shared-staging/1',
        taskDefinition: TD(2),
        stoppedReason: 'Essential container in task exited',
        containers: [{ name: 'web', reason: 'exit code 1', exitCode: 1 }],
      });
      const start = t.clock.now();
      const result = await rollout(t.plan, t.ports);
      expect(result.error?.code).toBe('ROLLOUT_FAILED');
      expect(result.error?.message).toContain(
        'the deployment circuit breaker tripped: 3 failed tasks (threshold 3)',
      );
      expect(result.error?.message).toContain('Essential container in task exited; web: exit code 1');
      expect(result.error?.message).toContain('ECS is rolling the service back to hello-app:1');
      expect(result.rolledBackTo).toBe(TD(1));
      expect(t.clock.now() - start - 8000).toBeLessThanOrEqual(3000);
      expect(await labelsOf(t, 2)).toEqual([]);
    });
  }

  it('an alarm in ALARM during the bake fails naming the alarm and the revision restored', async () => {
    const t = await setup({
      strategy: 'BLUE_GREEN',
      bakeTimeInMinutes: 60,
      alarms: ['hello-app-5xx', 'hello-app-latency'],
      frames: [
        { at: 0, status: 'IN_PROGRESS', stage: 'SCALE_UP', running: 2 },
        { at: 1000, stage: 'PRODUCTION_TRAFFIC_SHIFT', weight: 100 },
        { at: 2000, stage: 'BAKE_TIME' },
        {
          at: 30_000,
          triggered: ['hello-app-5xx'],
          status: 'ROLLBACK_SUCCESSFUL',
          reason: 'Alarm triggered',
        },
      ],
    });
    const start = t.clock.now();
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.message).toContain('CloudWatch alarm "hello-app-5xx" went into ALARM');
    expect(result.error?.message).toContain('The service went back to hello-app:1.');
    expect(result.rolledBackTo).toBe(TD(1));
    expect(t.clock.now() - start - 30_000).toBeLessThanOrEqual(3000);
  });

  it('a failed lifecycle hook is named with its stage', async () => {
    const t = await setup({
      strategy: 'BLUE_GREEN',
      frames: [
        { at: 0, status: 'IN_PROGRESS', stage: 'POST_TEST_TRAFFIC_SHIFT' },
        { at: 1000, failedHook: 'arn:aws:lambda:eu-west-1:123456789012:function:smoke-test' },
        { at: 1000, status: 'ROLLBACK_SUCCESSFUL' },
      ],
    });
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.message).toContain(
      'the lifecycle hook arn:aws:lambda:eu-west-1:123456789012:function:smoke-test hook-1 at POST_TEST_TRAFFIC_SHIFT failed',
    );
  });

  it('a 23-hour bake with <waitUntil> traffic-shifted returns at the shift with bake-until; labels deployed + traffic-shifted', async () => {
    const t = await setup(goodFrames('BLUE_GREEN', { bakeMinutes: 23 * 60 }), {
      waitUntil: 'traffic-shifted',
    });
    const start = t.clock.now();
    const result = await rollout(t.plan, t.ports);
    expect(result.error).toBeUndefined();
    expect(result.stage).toBe('traffic-shifted');
    expect(t.clock.now() - start).toBeLessThan(10_000);
    const bakeStart = start + 4000;
    expect(result.bakeUntil?.getTime()).toBe(bakeStart + 23 * 3600_000);
    expect(rolloutOutputs(result)['bake-until']).toBe(new Date(bakeStart + 23 * 3600_000).toISOString());
    expect(result.steps.find((s) => s.step === 'ecs-wait')?.summary).toContain(
      "A rollback after this point is not this run's to see",
    );
    expect(await labelsOf(t, 2)).toEqual(expect.arrayContaining(['deployed', 'traffic-shifted']));
    expect(await labelsOf(t, 2)).not.toContain('complete');
  });

  it('a pause is announced within 3 s with the resume command and waited through until continued', async () => {
    const t = await setup(goodFrames('BLUE_GREEN', { pauseAt: 'PRODUCTION_TRAFFIC_SHIFT' }));
    const start = t.clock.now();
    let announcedAt = 0;
    const emit = t.reporter.emit.bind(t.reporter);
    t.ports.reporter = {
      emit: (event) => {
        emit(event);
        if (event.type !== 'notice') return;
        announcedAt = t.clock.now();
        const arn = t.containers.service('shared-staging', 'hello-app').currentServiceDeployment ?? '';
        // Another person approves a minute later.
        t.clock.time += 60_000;
        void t.containers.continueServiceDeployment(arn, 'hook-2', 'CONTINUE');
      },
    } as RecordingReporter;
    const result = await rollout(t.plan, t.ports);
    expect(result.error).toBeUndefined();
    expect(announcedAt - start - 2000).toBeLessThanOrEqual(3000);
    const notice = t.reporter.ofType('notice')[0];
    expect(notice?.message).toContain(
      'paused at PRODUCTION_TRAFFIC_SHIFT (pause hook hook-2) awaiting approval',
    );
    expect(notice?.message).toContain('Resume it with: hosting continue --app hello-app --env staging');
    expect(notice?.message).toContain('hosting abort --app hello-app --env staging');
    expect(result.pauses).toHaveLength(1);
  });

  it('each linear step can pause again: every pause is announced and answered', async () => {
    const t = await setup(goodFrames('LINEAR', { pauseAt: 'PRODUCTION_TRAFFIC_SHIFT' }));
    const emit = t.reporter.emit.bind(t.reporter);
    t.ports.reporter = {
      emit: (event) => {
        emit(event);
        if (event.type !== 'notice') return;
        const arn = t.containers.service('shared-staging', 'hello-app').currentServiceDeployment ?? '';
        const hook = /pause hook (hook-\d+)/.exec(event.message)?.[1] ?? '';
        void t.containers.continueServiceDeployment(arn, hook, 'CONTINUE');
      },
    } as RecordingReporter;
    const result = await rollout(t.plan, t.ports);
    expect(result.error).toBeUndefined();
    expect(t.reporter.ofType('notice')).toHaveLength(4);
    expect(t.containers.serviceDeployments.actions.map((a) => a.action)).toEqual(
      Array(4).fill('continue:CONTINUE'),
    );
  });

  it('a pause that times out while the rollout waits: the timeout says how to resume', async () => {
    const t = await setup(goodFrames('CANARY', { pauseAt: 'PRODUCTION_TRAFFIC_SHIFT' }), { timeout: '1m' });
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.kind).toBe('timeout');
    expect(result.error?.message).toContain('paused awaiting approval');
    expect(result.error?.fix).toContain('hosting continue --app hello-app --env staging');
  });

  it('a CodeDeploy-controlled service is a precondition naming the controller; nothing registered', async () => {
    const t = await setup(goodFrames('ROLLING'));
    t.containers.controller('shared-staging', 'hello-app', 'CODE_DEPLOY');
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.code).toBe('ECS_DEPLOYMENT_CONTROLLER');
    expect(result.error?.kind).toBe('precondition');
    expect(result.error?.message).toContain('CODE_DEPLOY deployment controller');
    expect(t.containers.registered).toEqual([]);
  });

  it('adaptive polling: a 60 s linear deployment is followed with few requests, each change within 3 s', async () => {
    const frames = [0, 10, 20, 30, 40, 50].map((s, i) => ({
      at: s * 1000,
      status: 'IN_PROGRESS',
      stage: 'PRODUCTION_TRAFFIC_SHIFT',
      weight: i * 20,
      running: 2,
    }));
    const t = await setup({ strategy: 'LINEAR', frames: [...frames, { at: 60_000, status: 'SUCCESSFUL' }] });
    const start = t.clock.now();
    await rollout(t.plan, t.ports);
    expect(t.clock.now() - start - 60_000).toBeLessThanOrEqual(3000);
    // A fixed 250 ms poll would make 240 requests; the schedule stays near one every 2 s.
    expect(describes(t)).toBeLessThanOrEqual(45);
  });
});

describe('continue and abort', () => {
  it('continue with nothing in flight is a precondition (exit 3 kind) naming the service', async () => {
    const t = await setup(goodFrames('BLUE_GREEN'));
    await rollout(t.plan, t.ports);
    const result = await resume(planResume(t.plan, 'continue'), t.ports);
    expect(result.error?.code).toBe('ECS_NOTHING_IN_FLIGHT');
    expect(result.error?.kind).toBe('precondition');
    expect(result.error?.message).toContain(
      'No deployment of hello-app in staging (service hello-app in shared-staging) is in flight',
    );
    expect(result.error?.message).toContain('the last one ended SUCCESSFUL');
  });

  it('abort at a pause rolls back with ContinueServiceDeployment ROLLBACK; the waiting rollout fails naming it', async () => {
    const t = await setup(goodFrames('CANARY', { pauseAt: 'PRODUCTION_TRAFFIC_SHIFT' }));
    let aborted: Awaited<ReturnType<typeof resume>> | undefined;
    const emit = t.reporter.emit.bind(t.reporter);
    t.ports.reporter = {
      emit: (event) => {
        emit(event);
        if (event.type === 'notice')
          void resume(planResume(t.plan, 'abort'), { ...t.ports, reporter: new RecordingReporter() }).then(
            (r) => {
              aborted = r;
            },
          );
      },
    } as RecordingReporter;
    const result = await rollout(t.plan, t.ports);
    expect(aborted?.call).toBe('ContinueServiceDeployment ROLLBACK');
    expect(aborted?.hookId).toBe('hook-2');
    expect(result.error?.message).toContain('rolled back by ContinueServiceDeployment ROLLBACK');
    expect(result.error?.message).toContain('The service went back to hello-app:1.');
  });

  /** Run `act` once, when the rollout reports that traffic started to shift. */
  function atTrafficShift(t: Setup, act: () => Promise<unknown>) {
    const emit = t.reporter.emit.bind(t.reporter);
    let once = false;
    t.ports.reporter = {
      emit: (event) => {
        emit(event);
        if (
          once ||
          event.type !== 'step-progress' ||
          !event.message.startsWith('stage PRODUCTION_TRAFFIC_SHIFT')
        )
          return;
        once = true;
        void act();
      },
    } as RecordingReporter;
  }

  it('abort while not paused stops the deployment with StopServiceDeployment ROLLBACK', async () => {
    const t = await setup(goodFrames('LINEAR'));
    let aborted: Awaited<ReturnType<typeof resume>> | undefined;
    atTrafficShift(t, async () => {
      aborted = await resume(planResume(t.plan, 'abort'), { ...t.ports, reporter: new RecordingReporter() });
    });
    const result = await rollout(t.plan, t.ports);
    expect(aborted?.error).toBeUndefined();
    expect(aborted?.call).toBe('StopServiceDeployment ROLLBACK');
    expect(result.error?.message).toContain('rolled back by StopServiceDeployment');
  });

  it('continue while in flight but not paused says so (precondition)', async () => {
    const t = await setup(goodFrames('LINEAR'));
    let answer: Awaited<ReturnType<typeof resume>> | undefined;
    atTrafficShift(t, async () => {
      answer = await resume(planResume(t.plan, 'continue'), {
        ...t.ports,
        reporter: new RecordingReporter(),
      });
    });
    const result = await rollout(t.plan, t.ports);
    expect(answer?.error?.code).toBe('ECS_NOT_PAUSED');
    expect(result.error).toBeUndefined();
  });
});
