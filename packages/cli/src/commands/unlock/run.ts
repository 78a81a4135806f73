import { planUnlock, resultJson, type UnlockResult, unlock } from '@shared-hosting/core';
import { formatDate } from '../../output/tables.js';
import { OPERATION_NAMES } from '../../runtime/inputs.js';
import { createCliPorts, type PortsFactory } from '../../runtime/ports.js';
import { runQueryCommand } from '../../runtime/query.js';
import type { CliIO } from '../../types.js';
import type { UnlockFlags } from './command.js';

/** `hosting unlock`: remove the deployment lock of one application and environment by hand. */
export function runUnlock(
  flags: UnlockFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  return runQueryCommand(
    {
      name: 'unlock',
      plan: () =>
        planUnlock(
          { application: flags.app, environment: flags.env, parameter: flags.parameter, force: flags.force },
          { ...OPERATION_NAMES, force: '--force' },
          io.cwd,
        ),
      run: (plan, ports) => unlock(plan, ports),
      text: (result) => [unlockText(result)],
      json: (result) => resultJson({ command: 'unlock', result }),
    },
    { flags, io, factory },
  );
}

export function unlockText(result: UnlockResult): string {
  const what = `${result.application}/${result.environment}`;
  const lock = result.lock;
  if (!lock) return `No lock held for ${what} (${result.lockName} does not exist): nothing to remove.`;
  const whose = lock.holder
    ? `${lock.holder} (${lock.operation} ${lock.version}) since ${formatDate(lock.since)}, ${lock.expired ? 'expired' : 'expiring'} ${formatDate(lock.expires)}${lock.run ? `, run ${lock.run}` : ''}`
    : `an unknown holder (not written by hosting, set ${formatDate(lock.since)})`;
  return `Removed the lock of ${what} (${result.lockName}), held by ${whose}.`;
}
