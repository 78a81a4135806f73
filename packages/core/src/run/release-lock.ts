import {
  deleteLock,
  HEARTBEAT_MS,
  LEASE_MS,
  type LockRecord,
  lockParameterName,
  newLockRecord,
  renewLock,
} from '../domain/lock.js';
import { DEFAULTS } from '../inputs/inputs.js';
import { lock } from '../steps/lock.js';
import type { ReleaseContext, ReleaseSpec } from './release-spec.js';
import { unwrap } from './runner.js';

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
  let heartbeat: Heartbeat | undefined;
  const handle: OperationLock = {
    release: async () => {
      const record = held;
      held = undefined;
      const lost = await heartbeat?.stop();
      if (record) await releaseLock(ctx, name, record, lost);
    },
  };
  const input = {
    name,
    record: newLockRecord({
      holder: spec.actor,
      operation: spec.operation,
      version: spec.version,
      run: spec.runUrl,
    }),
    what: `${spec.application}/${spec.environment}`,
    unlockArgs: args,
    workflow: ports.workflows ? spec.workflow : undefined,
    timeoutMs: spec.wait.timeoutMs,
    waitForLock: options.waitForLock ?? true,
    taken: (record: LockRecord) => {
      held = record;
      live.lock = { name, id: record.id, unlock: `hosting unlock ${args}` };
      heartbeat = startHeartbeat(ctx, name, record);
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

/** What the heartbeat found when the lock was no longer this operation's. */
interface Lost {
  outcome: 'gone' | 'changed';
  /** Who holds it now (changed). */
  holder: string | undefined;
  at: number;
}

interface Heartbeat {
  /** Stop beating; resolves with what was lost, if the lock stopped being ours meanwhile. */
  stop(): Promise<Lost | undefined>;
}

/**
 * Renew the lock every HEARTBEAT_MS while this operation holds it (on the process's timers, so that it
 * beats whatever the operation awaits). A lock found removed or someone else's is not renewed again: the
 * release says which. A failed renewal is a warning; the next beat tries again.
 */
function startHeartbeat(ctx: ReleaseContext, name: string, record: LockRecord): Heartbeat {
  const { parameters, reporter, clock } = ctx.ports;
  let lost: Lost | undefined;
  let timer: NodeJS.Timeout | undefined;
  let beating: Promise<void> = Promise.resolve();
  let stopped = false;
  const beat = async () => {
    try {
      const renewed = await renewLock(parameters, name, record, clock.now());
      if (renewed.outcome !== 'renewed') {
        lost = { outcome: renewed.outcome, holder: renewed.now?.record?.holder, at: clock.now() };
        return;
      }
    } catch (thrown) {
      const message = `Could not renew the lock ${name}: ${unwrap(thrown).message} Trying again in ${HEARTBEAT_MS / 1000} s.`;
      reporter.emit({ type: 'warning', title: 'Lock not renewed', message, at: clock.now() });
    }
    schedule();
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      beating = beat();
    }, HEARTBEAT_MS);
    timer.unref();
  };
  schedule();
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await beating;
      return lost;
    },
  };
}

async function releaseLock(
  ctx: ReleaseContext,
  name: string,
  record: LockRecord,
  lost: Lost | undefined,
): Promise<void> {
  const { parameters, reporter, clock } = ctx.ports;
  const unlock = ctx.live.lock?.unlock ?? 'hosting unlock';
  try {
    const outcome =
      lost?.outcome ?? (await deleteLock(parameters, name, { id: record.id, version: undefined }));
    ctx.live.lock = undefined;
    if (outcome === 'deleted') {
      reporter.emit({ type: 'debug', message: `lock ${name} released`, at: clock.now() });
      return;
    }
    const message = lockLostMessage(name, outcome, lost);
    reporter.emit({ type: 'warning', title: 'Lock no longer held', message, at: clock.now() });
  } catch (thrown) {
    reporter.emit({
      type: 'warning',
      title: 'Lock not released',
      message: `Could not remove the lock ${name}: ${unwrap(thrown).message} Remove it with ${unlock}; otherwise its lease lapses ${LEASE_MS / 1000} s after its last renewal and the next deployment takes it over.`,
      at: clock.now(),
    });
  }
}

/** What happened to the lock, as far as it is known: removed (by hand), or someone else's now. */
function lockLostMessage(name: string, outcome: 'gone' | 'changed', lost: Lost | undefined): string {
  const when = lost ? ` (found at ${new Date(lost.at).toISOString()})` : '';
  if (outcome === 'gone') {
    return `The lock ${name} was removed while this operation held it${when}: someone removed it by hand (hosting unlock --force, or a delete in SSM). Another deployment may have run meanwhile: check hosting status.`;
  }
  return `The lock ${name} was no longer this operation's${when}: it is held by ${lost?.holder ?? 'someone else'} now (it was removed by hand, or its lease lapsed while this operation could not renew it); it was left to them. Check hosting status.`;
}
