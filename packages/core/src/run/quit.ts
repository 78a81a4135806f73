import type { RunRef } from '../ports/ports.js';

/** Where a release is, for the message of a quit that does not wait for it to finish. */
export interface ReleaseLive {
  /** The lock held now (its record's id), and the command that removes it. */
  lock: { name: string; id: string; unlock: string } | undefined;
  parameter: string | undefined;
  /** The value being released, and the one it replaces (as read under the lock). */
  version: string | undefined;
  previous: string | undefined;
  phase: 'before-write' | 'writing' | 'written' | 'triggered' | 'restoring' | 'restored' | 'done';
  run: RunRef | undefined;
}

/** A release that has not begun: nothing written, no lock. */
export function newReleaseLive(): ReleaseLive {
  return {
    lock: undefined,
    parameter: undefined,
    version: undefined,
    previous: undefined,
    phase: 'before-write',
    run: undefined,
  };
}

/** What quitting at once (a second Ctrl-C) leaves behind, with the fix: one line each. */
export function describeQuit(live: ReleaseLive): string[] {
  const p = live.parameter;
  const lines: string[] = [];
  const check = `Fix: check hosting status; deploy again, or go back with hosting rollback.`;
  switch (live.phase) {
    case 'before-write':
      lines.push('Quit before the version was written: the parameter was not changed.');
      break;
    case 'writing':
      lines.push(
        `Quit while ${p} was being set to ${live.version}: it may hold it with nothing deploying it.`,
        check,
      );
      break;
    case 'written':
      lines.push(
        `Quit after ${p} was set to ${live.version}, before the infra deployment was triggered: nothing deploys it.`,
        check,
      );
      break;
    case 'triggered':
      lines.push(
        `Quit after run ${live.run?.url} was triggered to deploy ${live.version}; it was neither waited for nor cancelled.`,
        `Fix: follow the run; hosting status shows what runs.`,
      );
      break;
    case 'restoring':
      lines.push(
        `Quit while ${p} was being restored to ${live.previous}: it may still hold ${live.version}.`,
        check,
      );
      break;
    case 'restored':
      lines.push(`Quit after ${p} was restored to ${live.previous}.`);
      break;
    case 'done':
      break;
  }
  if (live.lock)
    lines.push(
      `The lock ${live.lock.name} is still held; its lease lapses within 60 s and the next deployment takes it over. To remove it now: ${live.lock.unlock}.`,
    );
  return lines;
}
