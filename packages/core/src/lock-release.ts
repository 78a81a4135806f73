/**
 * Releasing a lock a killed holder left: the Action's post step, after its main step was killed or
 * cancelled while it held the deployment lock. SSM alone, loaded on demand; a subpath of its own
 * (`@shared-hosting/core/lock-release`), so that what imports it bundles nothing else of the engine.
 */
import { deleteLock } from './domain/lock.js';
import type { AdapterNames } from './inputs/names.js';

export interface LeftLock {
  /** The lock parameter. */
  name: string;
  /** The id of the record the holder wrote: only that record is deleted, never a lock taken over since. */
  id: string;
}

/** Delete the lock if it still holds the record `id`; says what it found. */
export async function releaseLeftLock(
  lock: LeftLock,
  options: { env: Readonly<Record<string, string | undefined>>; names: AdapterNames },
): Promise<'deleted' | 'gone' | 'changed'> {
  const { createSsmParameterStore } = await import('./aws/parameters.js');
  const parameters = await createSsmParameterStore({ env: options.env, names: options.names });
  return deleteLock(parameters, lock.name, { id: lock.id, version: undefined });
}
