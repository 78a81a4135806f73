// The lock is a lease (design.md): renewed by its holder's heartbeat every 20 s, taken over once it was
// seen unchanged for 60 s, whatever anyone's clock says. On the fake clock (the heartbeat on vitest's
// fake timers): no test here waits a real minute; packages/cli/test/reliability.e2e.test.ts does once.
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  createLock,
  HEARTBEAT_MS,
  LEASE_MS,
  type LockRecord,
  lockParameterName,
  newLockRecord,
  parseLock,
  renewLock,
} from '../domain/lock.js';
import type { ExecuteOptions } from '../index.js';
import type { RunResult } from '../ports/ports.js';
import { deployedApp, PARAM } from '../testing/release.js';

const LOCK = lockParameterName(PARAM);

async function setup() {
  const fixture = await deployedApp({ actor: 'bob', images: ['v2'] });
  const run = (options: ExecuteOptions = {}, timeout = '30m') => fixture.run(options, { timeout });
  return { ...fixture, run };
}

type Fakes = Awaited<ReturnType<typeof setup>>;

/** bob's lock, taken at `at` by bob's clock. */
async function bobsLock(t: Fakes, at = t.clock.now()): Promise<LockRecord> {
  const record: LockRecord = {
    ...newLockRecord({ holder: 'bob', operation: 'deploy', version: 'v9', run: undefined }),
    since: new Date(at).toISOString(),
    expires: new Date(at + LEASE_MS).toISOString(),
  };
  expect(await createLock(t.parameters, LOCK, record)).toBe('taken');
  return record;
}

/** bob is alive: his heartbeat renews his lock every 20 s of (fake) time, stamped by his own clock. */
function bobBeats(t: Fakes, record: LockRecord, skewMs: number): () => number {
  let last = t.clock.now();
  let beats = 0;
  const get = t.parameters.get.bind(t.parameters);
  t.parameters.get = async (name) => {
    while (name === LOCK && t.clock.now() - last >= HEARTBEAT_MS) {
      last += HEARTBEAT_MS;
      const renewed = await renewLock(t.parameters, LOCK, record, last + skewMs);
      if (renewed.outcome === 'renewed') beats++;
    }
    return get(name);
  };
  return () => beats;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('the lock is a lease', () => {
  it('a holder that died is taken over within a lease of watching (plus one poll), saying whose it was', async () => {
    const t = await setup();
    await bobsLock(t, t.clock.now() - 3_600_000);
    const started = t.clock.now();
    const result = await t.run();
    expect(result.error).toBeUndefined();
    expect((await t.parameters.get(PARAM))?.value).toBe('v2');
    const warning = t.reporter.ofType('warning').find((w) => w.title === 'Lapsed lock taken over');
    expect(warning?.message).toContain('took over the lock of bob (deploy v9)');
    expect(warning?.message).toContain('its lease lapsed: not renewed for 60 s');
    // Judged by watching, not by the lock's dates: at least a lease, at most a lease and a poll.
    const waited = (warning?.at ?? 0) - started;
    expect(waited).toBeGreaterThanOrEqual(LEASE_MS);
    expect(waited).toBeLessThanOrEqual(LEASE_MS + 10_000);
    const lockStep = t.reporter.ofType('step-end').find((e) => e.step === 'lock');
    expect(lockStep?.summary).toContain('took over the lock of bob');
    expect(await t.parameters.get(LOCK)).toBeUndefined();
  });

  for (const [label, skewMs] of [
    ['an hour behind', -3_600_000],
    ['an hour ahead', 3_600_000],
    ['a day behind', -86_400_000],
  ] as const) {
    it(`a live holder whose clock is ${label} keeps its lock: the contender waits, and times out`, async () => {
      const t = await setup();
      const record = await bobsLock(t, t.clock.now() + skewMs);
      const beats = bobBeats(t, record, skewMs);
      const result = await t.run({}, '5m');
      expect(result.error?.code).toBe('WAIT_TIMEOUT');
      expect(result.error?.message).toContain('held by bob (deploy v9)');
      expect(t.reporter.ofType('warning').filter((w) => w.title === 'Lapsed lock taken over')).toEqual([]);
      expect(parseLock((await t.parameters.get(LOCK))?.value ?? '')?.id).toBe(record.id);
      expect((await t.parameters.get(PARAM))?.value).toBe('v1');
      expect(beats()).toBeGreaterThanOrEqual(10);
    });
  }

  it('a lock written before leases (no lease) is still judged by its expiry', async () => {
    const t = await setup();
    const { lease: _none, ...old } = {
      ...newLockRecord({ holder: 'carol', operation: 'deploy', version: 'v8', run: undefined }),
      since: new Date(t.clock.now() - 7_200_000).toISOString(),
      expires: new Date(t.clock.now() - 1_000).toISOString(),
    };
    await t.parameters.create(LOCK, JSON.stringify(old), 'old lock');
    const result = await t.run();
    expect(result.error).toBeUndefined();
    expect(t.reporter.ofType('warning')[0]?.message).toContain('it was past its expiry');
  });

  it('its holder renews it every 20 s until its infra run ends, and says so when it was removed by hand', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const t = await setup();
    let finish: ((r: RunResult) => void) | undefined;
    t.workflows.wait = (run) =>
      new Promise((resolve) => {
        finish = (r) => resolve({ ...r, run });
      });
    const pending = t.run();
    for (let i = 0; i < 50 && !finish; i++) await vi.advanceTimersByTimeAsync(0);
    expect(finish).toBeDefined();
    const first = await t.parameters.get(LOCK);
    const mine = parseLock(first?.value ?? '');
    expect(mine?.holder).toBe('alice');
    expect(mine?.lease).toBe(LEASE_MS);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    const renewed = await t.parameters.get(LOCK);
    expect(renewed?.version).toBe((first?.version ?? 0) + 1);
    expect(parseLock(renewed?.value ?? '')?.id).toBe(mine?.id);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS);
    expect((await t.parameters.get(LOCK))?.version).toBe((first?.version ?? 0) + 2);
    // Removed by hand (hosting unlock --force): not renewed again, and reported as removed, not expired.
    await t.parameters.delete(LOCK);
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 2);
    expect(await t.parameters.get(LOCK)).toBeUndefined();
    finish?.({ run: { id: 0, url: '' }, conclusion: 'success', failedJobs: [] });
    const result = await pending;
    expect(result.status).toBe('succeeded');
    const warning = t.reporter.ofType('warning').find((w) => w.title === 'Lock no longer held');
    expect(warning?.message).toContain('was removed while this operation held it');
    expect(warning?.message).toContain('by hand');
    expect(warning?.message).not.toContain('expiry');
    // The heartbeat stopped with the operation.
    const puts = t.calls.filter((c) => c.method === 'put' && c.args[0] === LOCK).length;
    await vi.advanceTimersByTimeAsync(HEARTBEAT_MS * 3);
    expect(t.calls.filter((c) => c.method === 'put' && c.args[0] === LOCK).length).toBe(puts);
  });
});
