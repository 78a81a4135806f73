import { randomUUID } from 'node:crypto';
import type { ParameterStore, ParameterValue } from '../ports/ports.js';

/**
 * The deployment lock of one application and environment: an SSM parameter created atomically
 * (PutParameter without Overwrite), holding a JSON record of who holds it. Shared by the lock step,
 * `status` and `unlock`.
 */
export interface LockRecord {
  /** A random token: tells the holder's own lock from a lock someone took over meanwhile. */
  id: string;
  /** Who holds it (the actor of the operation). */
  holder: string;
  operation: 'deploy' | 'rollback' | 'promote';
  /** The version the holder is releasing. */
  version: string;
  /** ISO date: when it was taken. */
  since: string;
  /**
   * ISO date, by the holder's clock: its lease's end as the holder saw it at its last renewal. Shown to
   * people; never judged (clocks disagree). A lock without `lease` (written before leases) expires then.
   */
  expires: string;
  /**
   * The lease in ms (LEASE_MS): the holder renews the lock (a new parameter version) every HEARTBEAT_MS
   * while it lives; one left unchanged for a whole lease, as measured by the one who waits, has lapsed.
   */
  lease?: number | undefined;
  /** The holder's CI run, when known. */
  run?: string | undefined;
}

/** A lock as read back: its record (undefined when not written by hosting) and the parameter. */
export interface HeldLock {
  name: string;
  record: LockRecord | undefined;
  parameter: ParameterValue;
}

/** A lock's lease, and how often its holder renews it (design.md: 60 s, every 20 s). */
export const LEASE_MS = 60_000;
export const HEARTBEAT_MS = 20_000;

const SUFFIX = '/version';

/**
 * The lock's parameter name, derived from the version parameter: `/shared-hosting/<app>/<env>/lock`
 * when it ends in `/version`, else `<parameter>-lock`.
 */
export function lockParameterName(parameter: string): string {
  return parameter.endsWith(SUFFIX) ? `${parameter.slice(0, -SUFFIX.length)}/lock` : `${parameter}-lock`;
}

/**
 * Whether a name is (or could be) a lock's: `…/lock` or `…-lock`, as lockParameterName makes them. A
 * version parameter may never be one, or a deploy would write a version into a lock.
 */
export function isLockName(name: string): boolean {
  return name.endsWith('/lock') || name.endsWith('-lock');
}

/** A lock record for this holder (`since`/`expires` are stamped when it is taken). */
export function newLockRecord(input: {
  holder: string;
  operation: LockRecord['operation'];
  version: string;
  run: string | undefined;
}): LockRecord {
  return {
    id: randomUUID(),
    holder: input.holder,
    operation: input.operation,
    version: input.version,
    since: '',
    expires: '',
    lease: LEASE_MS,
    ...(input.run ? { run: input.run } : {}),
  };
}

/** The record in a lock parameter's value; undefined when it is not one of ours. */
export function parseLock(value: string): LockRecord | undefined {
  try {
    const r = JSON.parse(value) as Partial<LockRecord>;
    const strings = [r.id, r.holder, r.operation, r.version, r.since, r.expires];
    if (!strings.every((s) => typeof s === 'string') || Number.isNaN(Date.parse(r.expires ?? ''))) {
      return undefined;
    }
    return r as LockRecord;
  } catch {
    return undefined;
  }
}

/**
 * Whether a lock counts as expired at `now` (this machine's clock), for `status` and `unlock`: a leased
 * lock when SSM's LastModifiedDate (the server's clock) is a lease and CLOCK_MARGIN_MS old, an older lock
 * at its `expires`. Deployments never take a lock over by it (clocks disagree): they watch it for a
 * lease (`Lapse`). A lock not written by hosting never expires: only `hosting unlock --force` removes it.
 */
function lockExpired(lock: HeldLock, now: number): boolean {
  const end = leaseEnd(lock);
  return lock.record !== undefined && end !== undefined && end.getTime() <= now;
}

/**
 * What `status` and `unlock` (without --force) allow for clocks that disagree when they compare SSM's
 * LastModifiedDate with this machine's clock: a lease counts as over only this long after it lapsed.
 */
const CLOCK_MARGIN_MS = 5 * 60_000;

/**
 * Watching a held lock for its lease to lapse, on the watcher's own clock only: its holder renews it (a
 * new parameter version) every HEARTBEAT_MS; a lock seen unchanged (same record, same version) for a whole
 * lease has lapsed, whatever any clock says. Clocks that disagree cannot take a live lock this way.
 */
export class Lapse {
  private seen: { key: string; since: number } | undefined;

  /** Record a sighting; true once the same lock was seen unchanged for its whole lease. */
  lapsed(lock: HeldLock, now: number): boolean {
    const r = lock.record;
    if (!r) return false;
    if (r.lease === undefined) return lockExpired(lock, now);
    const key = `${r.id}@${lock.parameter.version}`;
    if (this.seen?.key !== key) this.seen = { key, since: now };
    return now - this.seen.since >= r.lease;
  }

  /** How long until the lock seen last would lapse if it stays unchanged (0 when unknown). */
  remaining(lock: HeldLock, now: number): number {
    const lease = lock.record?.lease;
    return lease !== undefined && this.seen ? Math.max(0, this.seen.since + lease - now) : 0;
  }
}

/**
 * The heartbeat: renew this holder's lock (PutParameter Overwrite: a new parameter version, SSM's
 * LastModifiedDate moves) if it is still ours. `gone` (removed by hand) and `changed` (someone else's
 * now) are not renewed.
 */
export async function renewLock(
  parameters: ParameterStore,
  name: string,
  record: LockRecord,
  now: number,
): Promise<{ outcome: 'renewed' | 'gone' | 'changed'; now: HeldLock | undefined }> {
  const held = await readLock(parameters, name);
  if (!held) return { outcome: 'gone', now: undefined };
  if (held.record?.id !== record.id) return { outcome: 'changed', now: held };
  const renewed: LockRecord = {
    ...record,
    expires: new Date(now + (record.lease ?? LEASE_MS)).toISOString(),
  };
  await parameters.put(name, JSON.stringify(renewed), lockDescription(renewed));
  return { outcome: 'renewed', now: held };
}

function lockDescription(record: LockRecord): string {
  return `hosting lock: ${record.operation} ${record.version} by ${record.holder}`.slice(0, 1024);
}

/** "alice (deploy v2) since 2026-12-01T21:50:00.000Z, expires …, run …". */
export function describeLock(lock: HeldLock): string {
  const r = lock.record;
  if (!r) {
    const since = lock.parameter.lastModified?.toISOString();
    return `an unknown holder (${lock.name} was not written by hosting${since ? `, set ${since}` : ''})`;
  }
  const renewed = lock.parameter.lastModified?.toISOString();
  const lease =
    r.lease !== undefined
      ? `, lease ${Math.round(r.lease / 1000)} s${renewed ? ` last renewed ${renewed} (SSM's clock)` : ''}`
      : `, expires ${r.expires}`;
  return `${r.holder} (${r.operation} ${r.version}) since ${r.since}${lease}${r.run ? `, run ${r.run}` : ''}`;
}

export async function readLock(parameters: ParameterStore, name: string): Promise<HeldLock | undefined> {
  const parameter = await parameters.get(name);
  return parameter && { name, record: parseLock(parameter.value), parameter };
}

/** Create the lock; `'exists'` when someone holds it. */
export async function createLock(
  parameters: ParameterStore,
  name: string,
  record: LockRecord,
): Promise<'taken' | 'exists'> {
  const created = await parameters.create(name, JSON.stringify(record), lockDescription(record));
  return created === 'exists' ? 'exists' : 'taken';
}

/**
 * Delete the lock if it is still the one read: the same record (`expected.id`) and, when given, the same
 * parameter version (a takeover must not delete a lock renewed meanwhile); for a lock not written by
 * hosting, the same parameter version. Returns what it found.
 */
export async function deleteLock(
  parameters: ParameterStore,
  name: string,
  expected: { id: string | undefined; version: number | undefined },
): Promise<'deleted' | 'gone' | 'changed'> {
  const now = await readLock(parameters, name);
  if (!now) return 'gone';
  const sameVersion = expected.version === undefined || now.parameter.version === expected.version;
  const same =
    expected.id !== undefined
      ? now.record?.id === expected.id && sameVersion
      : now.parameter.version === expected.version;
  if (!same) return 'changed';
  await parameters.delete(name);
  return 'deleted';
}

/** A held lock as `status` and `unlock` show it. */
export interface LockInfo {
  name: string;
  /** undefined when the lock was not written by hosting. */
  holder: string | undefined;
  operation: string | undefined;
  version: string | undefined;
  since: Date | undefined;
  expires: Date | undefined;
  run: string | undefined;
  expired: boolean;
}

/**
 * When a lock counts as expired for `status` and `unlock`: SSM's last renewal plus the lease plus the
 * clock margin; a lock written before leases, its `expires`.
 */
function leaseEnd(lock: HeldLock): Date | undefined {
  const r = lock.record;
  const renewed = lock.parameter.lastModified?.getTime();
  if (r?.lease !== undefined && renewed !== undefined) return new Date(renewed + r.lease + CLOCK_MARGIN_MS);
  return r ? new Date(r.expires) : undefined;
}

export function lockInfo(lock: HeldLock, now: number): LockInfo {
  const r = lock.record;
  return {
    name: lock.name,
    holder: r?.holder,
    operation: r?.operation,
    version: r?.version,
    since: r ? new Date(r.since) : lock.parameter.lastModified,
    expires: r ? leaseEnd(lock) : undefined,
    run: r?.run,
    expired: lockExpired(lock, now),
  };
}
