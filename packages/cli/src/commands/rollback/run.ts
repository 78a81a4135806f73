import { prepareRollback, rollback } from '@shared-hosting/core';
import { printRelease } from '../../output/release.js';
import { OPERATION_NAMES, releaseInputs } from '../../runtime/inputs.js';
import { runReleaseCommand } from '../../runtime/operation.js';
import { createCliPorts, type PortsFactory } from '../../runtime/ports.js';
import { terminalFor } from '../../runtime/terminal.js';
import type { CliIO } from '../../types.js';
import type { RollbackFlags } from './command.js';

export async function runRollback(
  flags: RollbackFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  const { redactor, reporter } = terminalFor(flags, io);
  return runReleaseCommand(
    {
      name: 'rollback',
      steps: (plan) => plan.steps,
      prepare: () =>
        prepareRollback({ ...releaseInputs(flags), environment: flags.env, to: flags.to }, OPERATION_NAMES, {
          cwd: io.cwd,
          env: io.env,
        }),
      run: (plan, ports, signal, live) =>
        rollback(plan, ports, { dryRun: flags.dryRun, signal, live, tokenInput: 'GITHUB_TOKEN' }),
      print: (result) => printRelease(result, flags, io, redactor),
    },
    { flags, io, factory, reporter, redactor },
  );
}
