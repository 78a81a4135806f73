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
  /** ISO date: after this, anyone may take it over. */
  expires: string;
  /** The holder's CI run, when known. */
  run?: string | undefined;
}

/** A lock as read back: its record (undefined when not written by hosting) and the parameter. */
export interface HeldLock {
  name: string;
  record: LockRecord | undefined;
  parameter: ParameterValue;
}

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

/** A lock not written by hosting never expires: only `hosting unlock` removes it. */
export function lockExpired(lock: HeldLock, now: number): boolean {
  return lock.record !== undefined && Date.parse(lock.record.expires) <= now;
}

/** "alice (deploy v2) since 2026-12-01T21:50:00.000Z, expires …, run …". */
export function describeLock(lock: HeldLock): string {
  const r = lock.record;
  if (!r) {
    const since = lock.parameter.lastModified?.toISOString();
    return `an unknown holder (${lock.name} was not written by hosting${since ? `, set ${since}` : ''})`;
  }
  return `${r.holder} (${r.operation} ${r.version}) since ${r.since}, expires ${r.expires}${r.run ? `, run ${r.run}` : ''}`;
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
  const description = `hosting lock: ${record.operation} ${record.version} by ${record.holder}`;
  const created = await parameters.create(name, JSON.stringify(record), description.slice(0, 1024));
  return created === 'exists' ? 'exists' : 'taken';
}

/**
 * Delete the lock if it is still the one read (`expected` id, or the same parameter version for a
 * lock not written by hosting). Returns what it found.
 */
export async function deleteLock(
  parameters: ParameterStore,
  name: string,
  expected: { id: string | undefined; version: number | undefined },
): Promise<'deleted' | 'gone' | 'changed'> {
  const now = await readLock(parameters, name);
  if (!now) return 'gone';
  const same =
    expected.id !== undefined ? now.record?.id === expected.id : now.parameter.version === expected.version;
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

export function lockInfo(lock: HeldLock, now: number): LockInfo {
  const r = lock.record;
  return {
    name: lock.name,
    holder: r?.holder,
    operation: r?.operation,
    version: r?.version,
    since: r ? new Date(r.since) : lock.parameter.lastModified,
    expires: r ? new Date(r.expires) : undefined,
    run: r?.run,
    expired: lockExpired(lock, now),
  };
}
