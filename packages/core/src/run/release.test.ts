// The release tail shared by deploy, rollback and promote, exercised through deploy's execute():
// the lock (no overlapping deployments) and <rollbackOnFailure>.
import { describe, expect, it } from 'vitest';
import { parseProvenance } from '../domain/provenance.js';
import type { RunSummary } from '../ports/ports.js';
import { deployedApp, PARAM } from '../testing/release.js';

const setup = () => deployedApp();

const other: RunSummary = {
  run: { id: 77, url: 'https://github.test/acme/infra/actions/runs/77' },
  status: 'in_progress',
};

describe('lock: no overlapping deployments', () => {
  it('waits for a run in progress before writing the parameter, without cancelling it', async () => {
    const t = await setup();
    let active = [other];
    t.workflows.activeRuns = async () => active;
    const wait = t.workflows.wait.bind(t.workflows);
    const waits: {
      id: number;
      cancelOnInterrupt: boolean | undefined;
      cancelOnTimeout: boolean | undefined;
    }[] = [];
    t.workflows.wait = async (run, options) => {
      waits.push({
        id: run.id,
        cancelOnInterrupt: options.cancelOnInterrupt,
        cancelOnTimeout: options.cancelOnTimeout,
      });
      if (run.id === 77) {
        active = [];
        t.calls.push({ port: 'workflows', method: 'wait-other', args: [] });
      }
      return wait(run, options);
    };
    const result = await t.run();
    expect(result.status).toBe('succeeded');
    expect(waits[0]).toEqual({ id: 77, cancelOnInterrupt: false, cancelOnTimeout: false });
    const order = t.calls.map((c) => c.method);
    expect(order.indexOf('wait-other')).toBeLessThan(order.lastIndexOf('put'));
    const lock = t.reporter.ofType('step-end').find((e) => e.step === 'lock');
    expect(lock?.summary).toContain('https://github.test/acme/infra/actions/runs/77');
    expect(
      t.reporter.ofType('step-progress').some((e) => e.step === 'lock' && e.message.includes('/runs/77')),
    ).toBe(true);
  });

  it('refuses with DEPLOYMENT_IN_PROGRESS and its link when not waiting, changing nothing', async () => {
    const t = await setup();
    t.workflows.activeRuns = async () => [other];
    const result = await t.run({ waitForLock: false });
    expect(result.error?.code).toBe('DEPLOYMENT_IN_PROGRESS');
    expect(result.error?.message).toContain('https://github.test/acme/infra/actions/runs/77');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
    expect(t.workflows.dispatched).toHaveLength(0);
    expect(t.reporter.ofType('step-fail').map((e) => e.step)).toEqual(['lock']);
  });

  it('times out waiting for the lock after <timeout>, changing nothing', async () => {
    const t = await setup();
    t.workflows.activeRuns = async () => [other];
    t.workflows.next = { conclusion: 'success', durationMs: 10 * 60_000 };
    const wait = t.workflows.wait.bind(t.workflows);
    t.workflows.wait = async (run, options) => {
      const { TimeoutError } = await import('../errors/errors.js');
      if (run.id === 77 && options.timeoutMs < 10 * 60_000) throw new TimeoutError('gave up');
      return wait(run, options);
    };
    const result = await t.run({}, { timeout: '5m' });
    expect(result.error?.code).toBe('WAIT_TIMEOUT');
    expect(result.error?.message).toContain('/runs/77');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
  });

  it('emits no lock step when nothing is running', async () => {
    const t = await setup();
    await t.run();
    expect(t.calls.filter((c) => c.method === 'activeRuns')).toHaveLength(1);
    expect(t.reporter.events.some((e) => 'step' in e && e.step === 'lock')).toBe(false);
  });
});

describe('<rollbackOnFailure>', () => {
  it('restores the previous value when the infra run fails, with rollback provenance', async () => {
    const t = await setup();
    t.workflows.next = { conclusion: 'failure' };
    const result = await t.run({ rollbackOnFailure: true });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('DEPLOYMENT_FAILED');
    expect(result.error?.message).toContain('restored to v1');
    expect(result.recovery).toMatchObject({
      restored: true,
      value: 'v1',
      parameterVersion: 3,
      run: undefined,
    });
    const stored = await t.parameters.get(PARAM);
    expect(stored?.value).toBe('v1');
    expect(parseProvenance(stored?.description)).toMatchObject({
      action: 'rollback',
      version: 'v1',
      from: 'v2',
      commit: 'c1',
      digest: t.v1.digest,
    });
    expect(t.workflows.dispatched).toHaveLength(1);
  });

  it('re-triggers the infra deployment behind a second flag, reporting both runs', async () => {
    const t = await setup();
    t.workflows.next = { conclusion: 'failure' };
    const dispatch = t.workflows.dispatch.bind(t.workflows);
    t.workflows.dispatch = async (target) => {
      const run = await dispatch(target);
      t.workflows.next = { conclusion: run.id === 1000 ? 'failure' : 'success' };
      return run;
    };
    const result = await t.run({ rollbackOnFailure: true, redeployOnRollback: true });
    expect(result.status).toBe('failed');
    expect(result.run?.id).toBe(1000);
    expect(result.conclusion).toBe('failure');
    expect(result.recovery).toMatchObject({ restored: true, run: { id: 1001 }, conclusion: 'success' });
    expect(result.error?.message).toContain('/runs/1001');
    expect(t.reporter.ofType('run-dispatched').map((e) => e.run.id)).toEqual([1000, 1001]);
  });

  it('never points the parameter at an image that is gone: no restore when the previous image expired', async () => {
    const t = await setup();
    t.registry.images.delete('hello-app:v1');
    t.workflows.next = { conclusion: 'failure' };
    const result = await t.run({ rollbackOnFailure: true });
    expect(result.recovery).toMatchObject({ restored: false, value: 'v1' });
    expect(result.recovery?.summary).toContain('no longer in ECR');
    expect((await t.parameters.get(PARAM))?.value).toBe('v2');
    expect(t.reporter.ofType('step-fail').map((e) => e.step)).toEqual(['restore', 'report']);
  });

  it('does not restore when someone else changed the parameter meanwhile', async () => {
    const t = await setup();
    t.workflows.next = { conclusion: 'failure' };
    const wait = t.workflows.wait.bind(t.workflows);
    t.workflows.wait = async (run, options) => {
      await t.parameters.put(PARAM, 'v9', 'someone else');
      return wait(run, options);
    };
    const result = await t.run({ rollbackOnFailure: true });
    expect(result.recovery?.restored).toBe(false);
    expect((await t.parameters.get(PARAM))?.value).toBe('v9');
  });

  it('has nothing to restore when the deployment did not change the parameter', async () => {
    const t = await setup();
    t.workflows.next = { conclusion: 'failure' };
    const result = await t.run({ rollbackOnFailure: true }, { version: 'v1' });
    expect(result.recovery).toMatchObject({ restored: false });
    expect(t.reporter.ofType('step-end').find((e) => e.step === 'restore')?.status).toBe('skipped');
  });

  it('leaves a failed deployment alone without the flag', async () => {
    const t = await setup();
    t.workflows.next = { conclusion: 'failure' };
    const result = await t.run();
    expect(result.recovery).toBeUndefined();
    expect((await t.parameters.get(PARAM))?.value).toBe('v2');
  });
});

describe('<rollbackOnFailure> with <cancelOnTimeout>', () => {
  it('restores the previous value when the wait times out and the run is cancelled', async () => {
    const t = await setup();
    const { TimeoutError } = await import('../errors/errors.js');
    t.workflows.wait = async () => {
      throw new TimeoutError('The infra deployment did not complete within 1m; it was cancelled.');
    };
    const result = await t.run({ rollbackOnFailure: true }, { cancelOnTimeout: true });
    expect(result.error?.code).toBe('WAIT_TIMEOUT');
    expect(result.recovery).toMatchObject({ restored: true, value: 'v1' });
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
  });

  it('leaves the parameter when the run was not cancelled (it may still deploy)', async () => {
    const t = await setup();
    const { TimeoutError } = await import('../errors/errors.js');
    t.workflows.wait = async () => {
      throw new TimeoutError('The infra deployment did not complete within 1m.');
    };
    const result = await t.run({ rollbackOnFailure: true });
    expect(result.recovery).toBeUndefined();
    expect((await t.parameters.get(PARAM))?.value).toBe('v2');
  });
});
