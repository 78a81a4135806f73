// The deployment lock, reads under it, the restore of only what this operation wrote, the `deployed`
// label check and interrupts during the release, through deploy's execute() with the fakes.
import { describe, expect, it } from 'vitest';
import { lockParameterName, parseLock } from '../domain/lock.js';
import { InterruptedError, RemoteError } from '../errors/errors.js';
import { planStatus, planUnlock } from '../plan/operations.js';
import type { RunSummary } from '../ports/ports.js';
import { resultJson } from '../present.js';
import { OPERATION_NAMES } from '../testing/names.js';
import { deployedApp, PARAM, sourceInfo } from '../testing/release.js';
import { describeQuit, newReleaseLive } from './quit.js';
import { status } from './status.js';
import { unlock } from './unlock.js';

const source = sourceInfo({
  runUrl: 'https://github.test/acme/hello-app/actions/runs/5',
  ci: 'github-actions',
});
const LOCK = '/shared-hosting/hello-app/staging/lock';

async function setup() {
  const fixture = await deployedApp({ actor: 'bob', source });
  const methods = () => t.calls.map((c) => `${c.port}.${c.method}${c.args[0] === LOCK ? ':lock' : ''}`);
  const t = { ...fixture, methods };
  return t;
}

/** Someone else's lock, as another hosting process would have written it. */
async function foreignLock(t: Awaited<ReturnType<typeof setup>>, expiresInMs: number) {
  const since = t.clock.now();
  const record = {
    id: 'other-id',
    holder: 'carol',
    operation: 'deploy',
    version: 'v9',
    since: new Date(since).toISOString(),
    expires: new Date(since + expiresInMs).toISOString(),
    run: 'https://github.test/acme/hello-app/actions/runs/9',
  };
  await t.parameters.create(LOCK, JSON.stringify(record), 'hosting lock');
  return record;
}

describe('the lock parameter', () => {
  it('is named after the version parameter', () => {
    expect(lockParameterName(PARAM)).toBe(LOCK);
    expect(lockParameterName('/custom/param')).toBe('/custom/param-lock');
  });

  it('is taken after the push, read under, and deleted after the run; it records who and what', async () => {
    const t = await setup();
    let held: unknown;
    const wait = t.workflows.wait.bind(t.workflows);
    t.workflows.wait = async (run, options) => {
      held = parseLock((await t.parameters.get(LOCK))?.value ?? '');
      return wait(run, options);
    };
    const result = await t.run();
    expect(result.status).toBe('succeeded');
    const order = t.methods();
    const at = (m: string) => order.indexOf(m);
    expect(at('builder.push')).toBeLessThan(at('parameters.create:lock'));
    expect(at('parameters.create:lock')).toBeLessThan(at('workflows.activeRuns'));
    // The value is read (history: with its Description) after the lock, right before the write.
    const read = order.indexOf('parameters.history', at('workflows.activeRuns'));
    expect(read).toBeGreaterThan(at('workflows.activeRuns'));
    expect(read).toBeLessThan(order.lastIndexOf('parameters.put'));
    expect(at('workflows.wait')).toBeLessThan(at('parameters.delete:lock'));
    expect(held).toMatchObject({
      holder: 'alice',
      operation: 'deploy',
      version: 'v2',
      since: new Date(1_700_000_000_000).toISOString(),
      run: source.runUrl,
    });
    expect(Date.parse((held as { expires: string }).expires)).toBeGreaterThan(t.clock.now());
    expect(await t.parameters.get(LOCK)).toBeUndefined();
  });

  it('is never held by a build: a failed build takes no lock', async () => {
    const t = await setup();
    t.builder.failBuild = 'no such file';
    const result = await t.run();
    expect(result.error?.code).toBe('BUILD_FAILED');
    expect(t.methods()).not.toContain('parameters.create:lock');
  });

  it('waits for its holder, polling with backoff and saying who holds it since when', async () => {
    const t = await setup();
    const other = await foreignLock(t, 60 * 60_000);
    const sleeps: number[] = [];
    const sleep = t.clock.sleep.bind(t.clock);
    t.clock.sleep = async (ms, signal) => {
      sleeps.push(ms);
      if (sleeps.length === 3) await t.parameters.delete(LOCK);
      return sleep(ms, signal);
    };
    const result = await t.run();
    expect(result.status, result.error?.message).toBe('succeeded');
    expect(sleeps.slice(0, 3)).toEqual([2000, 3000, 4500]);
    const progress = t.reporter.ofType('step-progress').filter((e) => e.step === 'lock');
    expect(progress).toHaveLength(1);
    expect(progress[0]?.message).toContain(`carol (deploy v9) since ${other.since}`);
    const end = t.reporter.ofType('step-end').find((e) => e.step === 'lock');
    expect(end?.summary).toContain('waited for the lock held by carol');
    expect(await t.parameters.get(LOCK)).toBeUndefined();
  });

  it('<waitForLock> refuses with DEPLOYMENT_IN_PROGRESS naming the holder, changing nothing', async () => {
    const t = await setup();
    await foreignLock(t, 60 * 60_000);
    const result = await t.run({ waitForLock: false });
    expect(result.error?.code).toBe('DEPLOYMENT_IN_PROGRESS');
    expect(result.error?.message).toContain('held by carol (deploy v9)');
    expect(result.error?.fix).toContain('hosting unlock --app hello-app --env staging');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
    expect(parseLock((await t.parameters.get(LOCK))?.value ?? '')?.id).toBe('other-id');
    expect(t.workflows.dispatched).toHaveLength(0);
  });

  it('times out waiting for the lock after <timeout>, naming the holder and hosting unlock', async () => {
    const t = await setup();
    await foreignLock(t, 60 * 60_000);
    const result = await t.run({}, { timeout: '1m' });
    expect(result.error?.code).toBe('WAIT_TIMEOUT');
    expect(result.error?.message).toContain('waiting for the lock of hello-app/staging, held by carol');
    expect(result.error?.fix).toContain('hosting unlock');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
  });

  it('takes over an expired lock, saying whose it was', async () => {
    const t = await setup();
    await foreignLock(t, -1);
    const result = await t.run();
    expect(result.status, result.error?.message).toBe('succeeded');
    const warning = t.reporter.ofType('warning').find((w) => w.title === 'Lapsed lock taken over');
    expect(warning?.message).toContain('took over the lock of carol (deploy v9)');
    expect(warning?.message).toContain('it was past its expiry');
    expect(await t.parameters.get(LOCK)).toBeUndefined();
  });

  it('is released after a failed run and after an interrupt', async () => {
    const t = await setup();
    t.workflows.next = { conclusion: 'failure' };
    expect((await t.run()).error?.code).toBe('DEPLOYMENT_FAILED');
    expect(await t.parameters.get(LOCK)).toBeUndefined();
    const controller = new AbortController();
    t.workflows.next = { conclusion: 'success' };
    t.workflows.wait = async (run) => {
      controller.abort(new Error('SIGINT'));
      throw new InterruptedError(`the remote run ${run.url} was cancelled.`, {
        details: { cancelled: true },
      });
    };
    expect((await t.run({ signal: controller.signal }, { version: 'v3' })).error?.code).toBe('INTERRUPTED');
    expect(await t.parameters.get(LOCK)).toBeUndefined();
  });

  it('with <wait>, is released right after the trigger', async () => {
    const t = await setup();
    const result = await t.run({}, { wait: false });
    expect(result.status).toBe('succeeded');
    const order = t.methods();
    expect(order.indexOf('workflows.dispatch')).toBeLessThan(order.indexOf('parameters.delete:lock'));
    expect(order).not.toContain('workflows.wait');
  });

  it('after taking it, still waits for runs in flight that no lock covers', async () => {
    const t = await setup();
    let active: RunSummary[] = [
      { run: { id: 77, url: 'https://github.test/acme/infra/actions/runs/77' }, status: 'in_progress' },
    ];
    t.workflows.activeRuns = async () => active;
    const wait = t.workflows.wait.bind(t.workflows);
    t.workflows.wait = async (run, options) => {
      if (run.id === 77) {
        expect(await t.parameters.get(LOCK)).toBeDefined();
        active = [];
      }
      return wait(run, options);
    };
    const result = await t.run();
    expect(result.status).toBe('succeeded');
    expect(t.reporter.ofType('step-end').find((e) => e.step === 'lock')?.summary).toContain('run 77');
  });
});

describe('read under the lock', () => {
  it('takes the "from" and the restore target from the read under the lock, not the preflight', async () => {
    const t = await setup();
    t.registry.addImage('hello-app', 'v3');
    const push = t.builder.push.bind(t.builder);
    t.builder.push = async (request, log) => {
      await t.parameters.put(PARAM, 'v3', 'someone else, during the build');
      return push(request, log);
    };
    t.workflows.next = { conclusion: 'failure' };
    const result = await t.run({ rollbackOnFailure: true });
    expect(result.previousValue).toBe('v3');
    expect(result.recovery).toMatchObject({ restored: true, value: 'v3' });
    expect((await t.parameters.get(PARAM))?.value).toBe('v3');
  });

  it('skips the write only when the value read under the lock is already the version', async () => {
    const t = await setup();
    const push = t.builder.push.bind(t.builder);
    t.builder.push = async (request, log) => {
      const pushed = await push(request, log);
      await t.parameters.put(PARAM, 'v2', 'someone else, during the push');
      return pushed;
    };
    const result = await t.run();
    expect(result.status).toBe('succeeded');
    expect(t.reporter.ofType('step-end').find((e) => e.step === 'set-version')?.status).toBe('skipped');
    expect(result.parameterVersion).toBe(2);
  });
});

describe('restore only what this operation wrote', () => {
  it('leaves the parameter when someone wrote it since, even with the same value', async () => {
    const t = await setup();
    t.workflows.next = { conclusion: 'failure' };
    const wait = t.workflows.wait.bind(t.workflows);
    t.workflows.wait = async (run, options) => {
      await t.parameters.put(PARAM, 'v2', 'someone else deployed v2 again');
      return wait(run, options);
    };
    const result = await t.run({ rollbackOnFailure: true });
    expect(result.recovery?.restored).toBe(false);
    expect(result.recovery?.summary).toContain('someone changed');
    expect(result.recovery?.summary).toContain('parameter version 3');
    expect((await t.parameters.get(PARAM))?.version).toBe(3);
  });
});

describe('verify with the deployed label', () => {
  const labelOnRun = (t: Awaited<ReturnType<typeof setup>>, version: () => number) => {
    const wait = t.workflows.wait.bind(t.workflows);
    t.workflows.wait = async (run, options) => {
      await t.parameters.label(PARAM, version(), ['deployed']);
      return wait(run, options);
    };
  };

  it('reports verified when the label is on the version this deploy wrote', async () => {
    const t = await setup();
    await t.parameters.label(PARAM, 1, ['deployed']);
    labelOnRun(t, () => 2);
    const result = await t.run();
    expect(result.status).toBe('succeeded');
    expect(result.verified).toBe(true);
    const end = t.reporter.ofType('step-end').find((e) => e.step === 'verify');
    expect(end?.summary).toMatch(/^verified: v2 went live \(parameter version 2/);
    expect(t.reporter.ofType('step-end').find((e) => e.step === 'report')?.summary).toContain('verified');
  });

  it('fails with DEPLOYED_OTHER_VERSION naming the version that went live instead', async () => {
    const t = await setup();
    labelOnRun(t, () => 1);
    const result = await t.run();
    expect(result.error?.code).toBe('DEPLOYED_OTHER_VERSION');
    expect(result.error?.kind).toBe('deployment');
    expect(result.error?.message).toContain('the version that went live is v1 (parameter version 1');
    expect(result.verified).toBe(false);
  });

  it('verifies the current version when the write was skipped', async () => {
    const t = await setup();
    await t.parameters.label(PARAM, 1, ['deployed']);
    const result = await t.run({}, { version: 'v1' });
    expect(result.verified).toBe(true);
  });

  it('has no verify step when no version carries the label', async () => {
    const t = await setup();
    const result = await t.run();
    expect(result.status).toBe('succeeded');
    expect(result.verified).toBeUndefined();
    expect(t.reporter.events.some((e) => 'step' in e && e.step === 'verify')).toBe(false);
  });
});

describe('interrupts once the version write has started', () => {
  const interruptDuringPut = (t: Awaited<ReturnType<typeof setup>>, controller: AbortController) => {
    const put = t.ports.parameters.put;
    t.ports.parameters.put = async (name, value, description) => {
      if (name === PARAM) controller.abort(new Error('Interrupted by SIGINT'));
      return put(name, value, description);
    };
  };

  it('finishes the write and the trigger, and says so: the run deploys it, not cancelled', async () => {
    const t = await setup();
    const controller = new AbortController();
    interruptDuringPut(t, controller);
    const live = newReleaseLive();
    const result = await t.run({ signal: controller.signal, live });
    expect(result.error?.code).toBe('INTERRUPTED');
    expect(result.error?.message).toContain('the write and the trigger were finished');
    expect(result.error?.message).toContain('/runs/1000');
    expect(result.error?.fix).toContain('Follow the run');
    expect(t.workflows.dispatched).toHaveLength(1);
    expect(t.workflows.cancelled).toHaveLength(0);
    expect(t.methods()).not.toContain('workflows.wait');
    expect((await t.parameters.get(PARAM))?.value).toBe('v2');
    expect(await t.parameters.get(LOCK)).toBeUndefined();
    expect(live).toMatchObject({ phase: 'triggered', lock: undefined });
  });

  it('restores the previous value when the trigger fails after the interrupt', async () => {
    const t = await setup();
    const controller = new AbortController();
    interruptDuringPut(t, controller);
    t.workflows.dispatch = async () => {
      throw new RemoteError('github', 'GITHUB_UNAVAILABLE', 'GitHub answered 503.');
    };
    const result = await t.run({ signal: controller.signal });
    expect(result.error?.code).toBe('INTERRUPTED');
    expect(result.error?.message).toContain('could not be triggered (GitHub answered 503.)');
    expect(result.error?.message).toContain('restored to v1');
    expect(result.error?.fix).toContain('back at v1');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
  });

  it('before the write, changes nothing', async () => {
    const t = await setup();
    const controller = new AbortController();
    const history = t.ports.parameters.history;
    t.ports.parameters.history = async (name, limit) => {
      if (name === PARAM && t.methods().includes('parameters.create:lock')) controller.abort();
      return history(name, limit);
    };
    const result = await t.run({ signal: controller.signal });
    expect(result.error?.code).toBe('INTERRUPTED');
    expect(result.error?.message).toContain('nothing was changed');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
    expect(t.workflows.dispatched).toHaveLength(0);
  });

  it('restores the previous value when the interrupt cancelled its own run (nothing deploys it)', async () => {
    const t = await setup();
    const controller = new AbortController();
    t.workflows.wait = async (run) => {
      controller.abort(new Error('SIGINT'));
      throw new InterruptedError(`the remote run ${run.url} was cancelled.`, {
        details: { cancelled: true },
      });
    };
    const result = await t.run({ signal: controller.signal });
    expect(result.error?.code).toBe('INTERRUPTED');
    expect(result.error?.message).toContain('was cancelled. The parameter');
    expect(result.error?.message).toContain('restored to v1');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
  });
});

describe('Ctrl-C while waiting for someone else’s run', () => {
  it('says the run is not ours and untouched, not that cancel-on-interrupt is off', async () => {
    const t = await setup();
    const controller = new AbortController();
    t.workflows.activeRuns = async () => [
      { run: { id: 77, url: 'https://github.test/acme/infra/actions/runs/77' }, status: 'in_progress' },
    ];
    t.workflows.wait = async (run) => {
      controller.abort(new Error('SIGINT'));
      throw new InterruptedError(
        `Interrupted while waiting for the infra deployment; the remote run ${run.url} was left running (cancel-on-interrupt is off).`,
      );
    };
    const result = await t.run({ signal: controller.signal });
    expect(result.error?.code).toBe('INTERRUPTED');
    expect(result.error?.message).toContain('another deployment started (not this command)');
    expect(result.error?.message).not.toContain('cancel-on-interrupt');
    expect(result.error?.message).toContain('Nothing was changed');
    expect(t.workflows.cancelled).toHaveLength(0);
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
    expect(await t.parameters.get(LOCK)).toBeUndefined();
  });
});

describe('describeQuit: what a second Ctrl-C leaves', () => {
  it('names the state and the lock left, with fix lines', () => {
    const live = {
      ...newReleaseLive(),
      parameter: PARAM,
      version: 'v2',
      previous: 'v1',
      lock: { name: LOCK, id: 'a-lock-id', unlock: 'hosting unlock --app hello-app --env staging' },
    };
    expect(describeQuit({ ...live, phase: 'written' })).toEqual([
      `Quit after ${PARAM} was set to v2, before the infra deployment was triggered: nothing deploys it.`,
      'Fix: check hosting status; deploy again, or go back with hosting rollback.',
      `The lock ${LOCK} is still held; its lease lapses within 60 s and the next deployment takes it over. To remove it now: hosting unlock --app hello-app --env staging.`,
    ]);
    expect(describeQuit({ ...live, lock: undefined })).toEqual([
      'Quit before the version was written: the parameter was not changed.',
    ]);
  });
});

describe('status and unlock', () => {
  const names = OPERATION_NAMES;
  const unlockPlan = (force = false) =>
    planUnlock({ application: 'hello-app', environment: 'staging', force }, names);

  it('status shows a held lock and the version carrying the deployed label', async () => {
    const t = await setup();
    await t.parameters.put(PARAM, 'v2', 'next');
    await t.parameters.label(PARAM, 1, ['deployed']);
    const other = await foreignLock(t, 60_000);
    const plan = planStatus({ application: 'hello-app', environments: 'staging' }, names);
    const result = await status(plan, t.ports);
    const [staging] = result.environments;
    expect(staging?.live).toEqual({ version: 'v1', parameterVersion: 1 });
    expect(staging?.lock).toMatchObject({ holder: 'carol', version: 'v9', expired: false, run: other.run });
    const json = resultJson({ command: 'status', result }).environments as Record<string, unknown>[];
    expect(json[0]).toMatchObject({
      'deployed-label': { version: 'v1', 'parameter-version': 1 },
      lock: { name: LOCK, holder: 'carol', since: other.since, expires: other.expires },
    });
  });

  it('unlock refuses a lock that has not expired without <force>, and says whose it is', async () => {
    const t = await setup();
    await foreignLock(t, 60_000);
    const refused = await unlock(unlockPlan(), t.ports);
    expect(refused.error?.code).toBe('LOCK_HELD');
    expect(refused.error?.message).toContain('held by carol (deploy v9)');
    expect(await t.parameters.get(LOCK)).toBeDefined();
    const forced = await unlock(unlockPlan(true), t.ports);
    expect(forced).toMatchObject({ status: 'succeeded', removed: true, lock: { holder: 'carol' } });
    expect(t.reporter.ofType('step-end').at(-1)?.summary).toContain('removed the lock');
    expect(await t.parameters.get(LOCK)).toBeUndefined();
  });

  it('unlock removes an expired lock without <force>; no lock is fine', async () => {
    const t = await setup();
    await foreignLock(t, -1);
    expect(await unlock(unlockPlan(), t.ports)).toMatchObject({ removed: true, lock: { expired: true } });
    expect(await unlock(unlockPlan(), t.ports)).toMatchObject({
      status: 'succeeded',
      removed: false,
      lock: undefined,
    });
  });
});
