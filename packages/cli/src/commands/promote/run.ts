import { preparePromote, promote } from '@shared-hosting/core';
import { printRelease } from '../../output/release.js';
import { OPERATION_NAMES, releaseInputs } from '../../runtime/inputs.js';
import { runReleaseCommand } from '../../runtime/operation.js';
import { createCliPorts, type PortsFactory } from '../../runtime/ports.js';
import { terminalFor } from '../../runtime/terminal.js';
import type { CliIO } from '../../types.js';
import type { PromoteFlags } from './command.js';

/** In promote, the target environment is `--to`. */
const PROMOTE_NAMES = { ...OPERATION_NAMES, environment: '--to' };

export async function runPromote(
  flags: PromoteFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  const { redactor, reporter } = terminalFor(flags, io);
  return runReleaseCommand(
    {
      name: 'promote',
      steps: (plan) => plan.steps,
      prepare: () =>
        preparePromote(
          { ...releaseInputs(flags), from: flags.from, environment: flags.to, version: flags.version },
          PROMOTE_NAMES,
          { cwd: io.cwd, env: io.env },
        ),
      run: (plan, ports, signal, live) =>
        promote(plan, ports, { dryRun: flags.dryRun, signal, live, tokenInput: 'GITHUB_TOKEN' }),
      print: (result) => printRelease(result, flags, io, redactor),
    },
    { flags, io, factory, reporter, redactor },
  );
}
