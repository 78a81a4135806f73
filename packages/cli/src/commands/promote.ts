import { type OperationPorts, preparePromote, promote } from '@shared-hosting/core';
import type { CliIO } from '../program.js';
import { createCliPorts, type PortsFactory } from '../runtime/ports.js';
import { withInterrupts } from '../runtime/signals.js';
import { reportFailure, terminalFor } from './deploy.js';
import { printRelease, RELEASE_STEPS, type ReleaseFlags, releaseInputs } from './rollback.js';
import { failEarly, OPERATION_NAMES } from './status.js';

export interface PromoteFlags extends ReleaseFlags {
  /** Source environment. */
  from?: string;
  /** Target environment. */
  to?: string;
  /** Tag to deploy in the target (default: the source's version; another tag re-tags the same image). */
  version?: string;
}

/** In promote, the target environment is `--to`. */
const PROMOTE_NAMES = { ...OPERATION_NAMES, environment: '--to' };

export async function runPromote(
  flags: PromoteFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  const { redactor, reporter } = terminalFor(flags, io, [
    'preflight',
    'build',
    'tag',
    'push',
    ...RELEASE_STEPS.slice(1),
  ]);
  try {
    const plan = await preparePromote(
      { ...releaseInputs(flags), from: flags.from, environment: flags.to, version: flags.version },
      PROMOTE_NAMES,
      { cwd: io.cwd, env: io.env },
    );
    const ports: OperationPorts = await factory({ flags, io, reporter, builder: 'auto', redactor });
    const result = await withInterrupts((signal) =>
      promote(plan, ports, { dryRun: flags.dryRun, signal, tokenInput: 'GITHUB_TOKEN' }),
    );
    reporter.close();
    printRelease(result, flags, io, redactor);
    if (result.error) return reportFailure(result.error, flags, io, redactor);
    return 0;
  } catch (error) {
    reporter.close();
    return failEarly(error, flags, io, redactor);
  }
}
