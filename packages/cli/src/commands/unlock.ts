import { type OperationPorts, planUnlock, resultJson, type UnlockResult, unlock } from '@shared-hosting/core';
import { formatDate } from '../output/tables.js';
import { OPERATION_NAMES } from '../runtime/inputs.js';
import { createCliPorts, type PortsFactory } from '../runtime/ports.js';
import { failEarly, queryTerminal, reportFailure } from '../runtime/terminal.js';
import type { CliIO, CommonFlags } from '../types.js';

export interface UnlockFlags extends CommonFlags {
  app?: string;
  env?: string;
  parameter?: string;
  force?: boolean;
  profile?: string;
  region?: string;
}

/** `hosting unlock`: remove the deployment lock of one application and environment by hand. */
export async function runUnlock(
  flags: UnlockFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  const { redactor, reporter, close } = queryTerminal(flags, io);
  try {
    const plan = planUnlock(
      { application: flags.app, environment: flags.env, parameter: flags.parameter, force: flags.force },
      { ...OPERATION_NAMES, force: '--force' },
      io.cwd,
    );
    const ports: OperationPorts = await factory({ flags, io, reporter, builder: 'auto', redactor });
    const result = await unlock(plan, ports);
    close();
    if (flags.json) {
      io.stdout.write(
        `${redactor.redact(JSON.stringify(resultJson({ command: 'unlock', result }), null, 2))}\n`,
      );
    } else if (result.status === 'succeeded') {
      io.stdout.write(`${redactor.redact(unlockText(result))}\n`);
    }
    return result.error ? reportFailure(result.error, flags, io, redactor) : 0;
  } catch (error) {
    close();
    return failEarly(error, 'unlock', flags, io, redactor);
  }
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
