import type { RunRef } from '@shared-hosting/core';

/** The post step's state: the infra run to cancel if the job is cancelled while waiting for it. */
export const RUN_STATE = 'infra-run';

/**
 * Saved over the run when the wait ends. Not empty: that would rely on the runner storing an empty value
 * rather than keeping the earlier one.
 */
export const RUN_STATE_DONE = 'done';

/** Whether the post step has a run to look at (a saved run is a JSON object). Cheap: the fast path asks. */
export function hasSavedRun(text: string | undefined): boolean {
  return text?.trimStart().startsWith('{') ?? false;
}

/** What the main step saves when it dispatched a run, and clears when its wait ends. */
export interface SavedRun extends RunRef {
  owner: string;
  repo: string;
}

/** Parse the saved state; undefined when empty (nothing to cancel) or not ours. */
export function parseSavedRun(text: string | undefined): SavedRun | undefined {
  if (!text?.trim()) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SavedRun>;
    if (
      typeof value.id === 'number' &&
      typeof value.url === 'string' &&
      typeof value.owner === 'string' &&
      typeof value.repo === 'string'
    ) {
      return { id: value.id, url: value.url, owner: value.owner, repo: value.repo };
    }
  } catch {
    // Not JSON: not ours.
  }
  return undefined;
}

/** The post step's state: GitHub App tokens the main step minted and has not revoked yet (a JSON array). */
export const APP_TOKENS_STATE = 'github-app-tokens';

/** Saved over the tokens once the main step revoked them itself. */
export const APP_TOKENS_DONE = 'revoked';

/** The tokens to revoke; empty when none are left (or the state is not ours). */
export function parseSavedTokens(text: string | undefined): string[] {
  if (!text?.trimStart().startsWith('[')) return [];
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** The post step's state: the deployment lock the main step holds (a JSON object), released when done. */
export const LOCK_STATE = 'deployment-lock';

/** Saved over the lock once the main step released it itself. */
export const LOCK_STATE_DONE = 'released';

/** The lock the main step took: its parameter and the id of the record it wrote. */
export interface SavedLock {
  name: string;
  id: string;
}

/** The lock to release; undefined when none is left (or the state is not ours). */
export function parseSavedLock(text: string | undefined): SavedLock | undefined {
  if (!text?.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(text) as Partial<SavedLock>;
    return typeof value.name === 'string' && typeof value.id === 'string'
      ? { name: value.name, id: value.id }
      : undefined;
  } catch {
    return undefined;
  }
}
