import { describe, expect, it } from 'vitest';
import type { RolloutInputs } from '../inputs/inputs.js';
import { RecordingReporter } from '../ports/events.js';
import type { TaskDefinitionDocument } from '../ports/ports.js';
import { createFakes, fakeDigest } from '../testing/fakes.js';
import { PARAM } from '../testing/release.js';
import { helloAppRollout, stagingRolloutPlan, v2AfterV1 } from '../testing/rollout.js';
import { firstService, rollout, rolloutOutputs } from './rollout.js';

const DOCUMENT: TaskDefinitionDocument = {
  family: 'hello-app',
  taskRoleArn: 'arn:aws:iam::123456789012:role/hello-app-task',
  executionRoleArn: 'arn:aws:iam::123456789012:role/ecs-execution',
  networkMode: 'awsvpc',
  cpu: '256',
  memory: '512',
  requiresCompatibilities: ['FARGATE'],
  containerDefinitions: [
    {
      name: 'web',
      image: 'registry.example.test/hello-app:v1',
      essential: true,
      environment: [{ name: 'GREETING', value: 'hello' }],
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': '/ecs/hello-app' } },
    },
    { name: 'sidecar', image: 'public.ecr.aws/envoy:v1.30', essential: false, memoryReservation: 64 },
  ],
};

function setup(inputs: RolloutInputs = {}) {
  return helloAppRollout(DOCUMENT, { images: ['v1', 'v2'], tags: [{ key: 'team', value: 'web' }], inputs });
}

const ecsCalls = (calls: { port: string; method: string }[]) =>
  calls.filter((c) => c.port === 'containers').map((c) => c.method);

describe('rollout', () => {
  it('pins the digest, keeps every other setting and tag, follows the deployment and moves the label', async () => {
    const t = setup();
    await t.parameters.put(PARAM, 'v1', 'first');
    await t.parameters.put(PARAM, 'v2', 'second');
    const result = await rollout(t.plan, t.ports);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('succeeded');

    const digest = fakeDigest('hello-app:v2');
    const registered = t.containers.registered[0];
    expect(t.containers.registered).toHaveLength(1);
    expect(registered?.tags).toEqual([{ key: 'team', value: 'web' }]);
    const expected = structuredClone(DOCUMENT);
    (expected.containerDefinitions[0] as { image: string }).image =
      `registry.example.test/hello-app@${digest}`;
    expect(registered?.document).toEqual(expected);

    expect(rolloutOutputs(result)).toEqual({
      version: 'v2',
      'parameter-version': '2',
      image: `registry.example.test/hello-app@${digest}`,
      digest,
      'task-definition': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/hello-app:2',
      'previous-task-definition': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/hello-app:1',
      'deployment-id': 'ecs-svc/0000000000000000002',
      'rollout-state': 'COMPLETED',
      strategy: 'ROLLING',
      stage: 'complete',
      'bake-until': '',
      'service-deployment': '',
      services: JSON.stringify([
        {
          name: 'hello-app',
          service: 'hello-app',
          container: 'web',
          'task-definition': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/hello-app:2',
          'previous-task-definition': 'arn:aws:ecs:eu-west-1:123456789012:task-definition/hello-app:1',
          'deployment-id': 'ecs-svc/0000000000000000002',
          'rollout-state': 'COMPLETED',
          strategy: 'ROLLING',
          'already-running': false,
          restored: null,
          'restore-detail': null,
        },
      ]),
      release: '',
    });
    expect(result.diff).toEqual([
      `~ containerDefinitions[web].image: "registry.example.test/hello-app:v1" → "registry.example.test/hello-app@${digest}"`,
    ]);
    const history = await t.parameters.history(PARAM);
    expect(history.find((h) => h.labels?.includes('deployed'))?.version).toBe(2);
    expect(result.steps.map((s) => `${s.step}:${s.status}`)).toEqual([
      'read:done',
      'resolve:done',
      'render:done',
      'update-service:done',
      'ecs-wait:done',
      'record:done',
    ]);

    // Progress: running/pending/desired, each new service event exactly once, and no old event.
    const progress = t.reporter
      .ofType('step-progress')
      .filter((e) => e.step === 'ecs-wait')
      .map((e) => e.message);
    expect(progress).toContain(
      'ecs-svc/0000000000000000002: 1/2 running, 1 pending, 0 failed tasks; 1 older deployment still active (IN_PROGRESS)',
    );
    const events = progress.filter((m) => m.startsWith('event: '));
    expect(events).toEqual([
      'event: (service hello-app) has started 1 tasks: (task 1).',
      'event: (service hello-app) has started 1 tasks: (task 2).',
      'event: (service hello-app) has stopped 1 running tasks.',
      'event: (service hello-app) has reached a steady state.',
    ]);
    expect(result.events).toHaveLength(4);
  });

  it('polls every 2 s at most: completion is noticed within one poll', async () => {
    const t = setup();
    await t.parameters.put(PARAM, 'v2', 'x');
    const before = t.clock.now();
    await rollout(t.plan, t.ports);
    const polls = ecsCalls(t.calls).filter((m) => m === 'describeService').length;
    // One describe in render, then one per poll; the clock moved 2 s between polls.
    expect(t.clock.now() - before).toBe((polls - 2) * 2000);
  });

  it('changes nothing when the service already runs exactly that image (a second rollout)', async () => {
    const t = setup();
    await t.parameters.put(PARAM, 'v2', 'x');
    expect((await rollout(t.plan, t.ports)).status).toBe('succeeded');
    const callsAfterFirst = t.calls.length;
    const second = await rollout(t.plan, t.ports);
    expect(second.status).toBe('succeeded');
    expect(second.alreadyRunning).toBe(true);
    const later = t.calls.slice(callsAfterFirst).map((c) => `${c.port}.${c.method}`);
    expect(later).not.toContain('containers.registerTaskDefinition');
    expect(later).not.toContain('containers.updateService');
    expect(later).not.toContain('parameters.label');
    expect(second.steps.map((s) => `${s.step}:${s.status}`)).toEqual([
      'read:done',
      'resolve:done',
      'render:skipped',
      'update-service:skipped',
      'ecs-wait:skipped',
      'record:skipped',
    ]);
    expect(rolloutOutputs(second)['task-definition']).toMatch(/hello-app:2$/);
    expect(firstService(second).rolloutState).toBe('COMPLETED');
  });

  it('a crashing image fails with the stopped reason and the revision the circuit breaker went back to; label unmoved', async () => {
    const t = setup();
    await t.parameters.put(PARAM, 'v1', 'x');
    await t.parameters.label(PARAM, 1, ['deployed']);
    await t.parameters.put(PARAM, 'v2', 'y');
    t.containers.script('shared-staging', 'hello-app', {
      kind: 'crash',
      reason: 'Essential container in task exited',
    });
    const before = t.calls.length;
    const result = await rollout(t.plan, t.ports);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('ROLLOUT_FAILED');
    expect(result.error?.kind).toBe('deployment');
    expect(result.error?.message).toContain('ECS deployment circuit breaker: tasks failed to start.');
    expect(result.error?.message).toContain('3 tasks stopped: Essential container in task exited');
    expect(result.error?.message).toContain('The service went back to hello-app:1.');
    expect(result.stoppedReasons).toEqual(['Essential container in task exited']);
    expect(result.rolledBackTo).toMatch(/hello-app:1$/);
    expect(firstService(result).rolloutState).toBe('FAILED');
    const history = await t.parameters.history(PARAM);
    expect(history.find((h) => h.labels?.includes('deployed'))?.version).toBe(1);
    expect(t.calls.slice(before).map((c) => c.method)).not.toContain('label');
  });

  it('a failed deployment without rollback says the service stays on the new revision', async () => {
    const t = setup();
    await t.parameters.put(PARAM, 'v2', 'y');
    t.containers.script('shared-staging', 'hello-app', {
      kind: 'crash',
      reason: 'CannotPullContainerError: not found',
      rollback: false,
    });
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.code).toBe('ROLLOUT_FAILED');
    expect(result.error?.message).toContain('CannotPullContainerError: not found');
    expect(result.error?.message).toContain('did not go back');
    expect(result.rolledBackTo).toBeUndefined();
  });

  it('a version whose image is missing fails with a precondition before any ECS call', async () => {
    const t = setup();
    await t.parameters.put(PARAM, 'v9', 'x');
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.code).toBe('IMAGE_NOT_FOUND');
    expect(result.error?.kind).toBe('precondition');
    expect(result.error?.message).toContain('Version v9');
    expect(result.error?.message).toContain('hello-app');
    expect(ecsCalls(t.calls)).toEqual([]);
  });

  it('a parameter that does not exist is a precondition naming it', async () => {
    const t = setup();
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.code).toBe('VERSION_NOT_SET');
    expect(result.error?.message).toContain(PARAM);
    expect(ecsCalls(t.calls)).toEqual([]);
  });

  it('a container missing from the task definition is a precondition listing the names', async () => {
    const t = setup({ container: 'api' });
    await t.parameters.put(PARAM, 'v2', 'x');
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.code).toBe('ECS_CONTAINER_NOT_FOUND');
    expect(result.error?.fix).toContain('web, sidecar');
    expect(t.containers.registered).toEqual([]);
  });

  it('times out (exit 6 kind) when the deployment never completes; the label is not moved', async () => {
    const t = setup({ timeout: '10s' });
    await t.parameters.put(PARAM, 'v2', 'x');
    t.containers.script('shared-staging', 'hello-app', { kind: 'stuck' });
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.kind).toBe('timeout');
    expect(result.error?.message).toContain('did not complete within 10s');
    expect(t.calls.map((c) => c.method)).not.toContain('label');
  });

  it('an abort during the wait is an interruption', async () => {
    const t = setup();
    await t.parameters.put(PARAM, 'v2', 'x');
    t.containers.script('shared-staging', 'hello-app', { kind: 'stuck' });
    const controller = new AbortController();
    t.clock.sleep = async () => {
      controller.abort(new Error('SIGINT'));
      throw new Error('SIGINT');
    };
    const result = await rollout(t.plan, t.ports, { signal: controller.signal });
    expect(result.error?.kind).toBe('interrupted');
  });

  it('a dry run renders the diff and registers nothing', async () => {
    const t = setup({ dryRun: true });
    await t.parameters.put(PARAM, 'v2', 'x');
    const result = await rollout(t.plan, t.ports);
    expect(result.status).toBe('succeeded');
    expect(t.plan.steps).toEqual(['read', 'resolve', 'render']);
    expect(result.diff).toHaveLength(1);
    expect(ecsCalls(t.calls)).toEqual(['describeService', 'describeTaskDefinition']);
  });
});

describe('rollout of several services (in-memory ECS)', () => {
  const SPEC = `environments:
  staging:
    cluster: shared-staging
    services:
      web: { service: hello-app-web, container: web }
      worker: { service: hello-app-worker, container: web }
    release: { service: web, command: [bin/migrate] }
`;

  async function multi(inputs: RolloutInputs = {}) {
    const fakes = createFakes();
    const reporter = new RecordingReporter();
    fakes.registry.repositories.add('hello-app');
    fakes.registry.addImage('hello-app', 'v2');
    for (const name of ['web', 'worker'])
      fakes.containers.addService('shared-staging', `hello-app-${name}`, {
        ...DOCUMENT,
        family: `hello-app-${name}`,
      });
    await v2AfterV1(fakes.parameters);
    const { parseAppSpec } = await import('../spec/app-spec.js');
    const plan = stagingRolloutPlan(inputs, parseAppSpec(SPEC, 'apps/hello-app.yaml'));
    return { ...fakes, reporter, plan, ports: { ...fakes, reporter } };
  }
  const deployedOn = async (t: Awaited<ReturnType<typeof multi>>) =>
    (await t.parameters.history(PARAM)).find((h) => h.labels?.includes('deployed'))?.version;

  it('runs the release task, then updates and follows both; each service line prefixed; the label moves', async () => {
    const t = await multi();
    const result = await rollout(t.plan, t.ports);
    expect(result.error).toBeUndefined();
    const methods = ecsCalls(t.calls);
    expect(methods.indexOf('runTask')).toBeLessThan(methods.indexOf('updateService'));
    expect(methods.filter((m) => m === 'updateService')).toHaveLength(2);
    expect(result.services.map((s) => [s.name, s.rolloutState])).toEqual([
      ['web', 'COMPLETED'],
      ['worker', 'COMPLETED'],
    ]);
    expect(result.release).toMatchObject({ exitCode: 0 });
    const progress = t.reporter.ofType('step-progress').filter((e) => e.step === 'ecs-wait');
    expect(progress.some((e) => e.message.startsWith('web: '))).toBe(true);
    expect(progress.some((e) => e.message.startsWith('worker: '))).toBe(true);
    expect(await deployedOn(t)).toBe(2);
  });

  it('a failing release task: no UpdateService, label unmoved', async () => {
    const t = await multi();
    t.containers.releaseScript = { exitCode: 2 };
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.code).toBe('RELEASE_FAILED');
    expect(result.error?.message).toContain('exited with code 2');
    expect(ecsCalls(t.calls)).not.toContain('updateService');
    expect(await deployedOn(t)).toBe(1);
  });

  it('the worker crashes: the web is updated back, both end on revision 1; the error names the worker', async () => {
    const t = await multi();
    t.containers.script('shared-staging', 'hello-app-worker', { kind: 'crash', reason: 'OutOfMemoryError' });
    const result = await rollout(t.plan, t.ports);
    expect(result.error?.message).toMatch(/^worker: The rollout of hello-app-worker/);
    expect(result.error?.message).toContain('OutOfMemoryError');
    expect(result.error?.message).toContain('Restored web (hello-app-web): updated back to hello-app-web:1');
    for (const name of ['web', 'worker'])
      expect(t.containers.service('shared-staging', `hello-app-${name}`).taskDefinition).toMatch(/:1$/);
    expect(result.services.map((s) => s.restored)).toEqual([true, true]);
    expect(await deployedOn(t)).toBe(1);
  });

  it('a dry run renders both, registers nothing, runs nothing', async () => {
    const t = await multi({ dryRun: true });
    const result = await rollout(t.plan, t.ports);
    expect(result.status).toBe('succeeded');
    expect(result.diff.map((d) => d.split(':')[0])).toEqual(['web', 'worker']);
    expect(ecsCalls(t.calls).filter((m) => !m.startsWith('describe'))).toEqual([]);
  });
});
