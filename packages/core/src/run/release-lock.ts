import { deleteLock, type LockRecord, lockParameterName, newLockRecord } from '../domain/lock.js';
import { DEFAULTS } from '../inputs/inputs.js';
import { lock } from '../steps/lock.js';
import type { ReleaseContext, ReleaseSpec } from './release-spec.js';
import { unwrap } from './runner.js';

/** The lock outlives the waits it covers (runs in flight, the infra run, a redeploy) by this much. */
const LOCK_MARGIN_MS = 10 * 60_000;

/** The lock of one release: taken by step `lock`, released once (after the trigger with no wait, else at the end). */
export interface OperationLock {
  /** Delete the lock if this operation still holds it. Never throws: a failure is a warning with the fix. */
  release(): Promise<void>;
}

/**
 * Step `lock`: take the lock of the application and environment, waiting for its holder and for runs in
 * flight (or refusing). A failure after the lock was taken releases it before it is thrown.
 */
export async function takeLock(ctx: ReleaseContext, spec: ReleaseSpec): Promise<OperationLock> {
  const { ports, options, live } = ctx;
  const name = lockParameterName(spec.parameter);
  const args = unlockArgs(spec);
  let held: LockRecord | undefined;
  const handle: OperationLock = {
    release: async () => {
      const record = held;
      held = undefined;
      if (record) await releaseLock(ctx, name, record);
    },
  };
  const waits = 2 + (options.redeployOnRollback ? 1 : 0);
  const input = {
    name,
    record: newLockRecord({
      holder: spec.actor,
      operation: spec.operation,
      version: spec.version,
      run: spec.runUrl,
    }),
    expiresInMs: waits * spec.wait.timeoutMs + LOCK_MARGIN_MS,
    what: `${spec.application}/${spec.environment}`,
    unlockArgs: args,
    workflow: ports.workflows ? spec.workflow : undefined,
    timeoutMs: spec.wait.timeoutMs,
    waitForLock: options.waitForLock ?? true,
    taken: (record: LockRecord) => {
      held = record;
      live.lock = { name, id: record.id, unlock: `hosting unlock ${args}` };
    },
  };
  try {
    await ctx.steps.runOptional('lock', (c) => lock(input, ports, c));
  } catch (thrown) {
    await handle.release();
    throw thrown;
  }
  return handle;
}

/** `--app A --env E [--parameter P]`: the flags naming this lock, for fix lines. */
function unlockArgs(spec: ReleaseSpec): string {
  const custom = spec.parameter !== DEFAULTS.parameter(spec.application, spec.environment);
  return `--app ${spec.application} --env ${spec.environment}${custom ? ` --parameter ${spec.parameter}` : ''}`;
}

async function releaseLock(ctx: ReleaseContext, name: string, record: LockRecord): Promise<void> {
  const { parameters, reporter, clock } = ctx.ports;
  const unlock = ctx.live.lock?.unlock ?? 'hosting unlock';
  try {
    const outcome = await deleteLock(parameters, name, { id: record.id, version: undefined });
    ctx.live.lock = undefined;
    const message =
      outcome === 'changed'
        ? `The lock ${name} was taken over by someone else meanwhile (this operation ran past its expiry, ${record.expires}); it was left to them.`
        : `lock ${name} released`;
    reporter.emit(
      outcome === 'changed'
        ? { type: 'warning', title: 'Lock taken over', message, at: clock.now() }
        : { type: 'debug', message, at: clock.now() },
    );
  } catch (thrown) {
    reporter.emit({
      type: 'warning',
      title: 'Lock not released',
      message: `Could not remove the lock ${name}: ${unwrap(thrown).message} Remove it with ${unlock}; otherwise it expires at ${record.expires}.`,
      at: clock.now(),
    });
  }
}
