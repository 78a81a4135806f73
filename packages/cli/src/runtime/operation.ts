import { type BuilderName, type DeployPorts, type HostingError, toHostingError } from '@shared-hosting/core';
import { errorJson, reportFailure } from '../commands/deploy.js';
import type { Redactor } from '../output/redact.js';
import type { TerminalReporter } from '../output/terminal.js';
import type { CliIO, CommonFlags } from '../program.js';
import type { PortsFactory } from './ports.js';
import { withInterrupts } from './signals.js';

/** A failure before the operation ran (bad input, ports): printed, and as JSON with --json. */
export function failEarly(error: unknown, flags: CommonFlags, io: CliIO, redactor: Redactor): number {
  const e = toHostingError(error);
  if (flags.json) io.stdout.write(`${JSON.stringify({ status: 'failed', error: errorJson(e) }, null, 2)}\n`);
  return reportFailure(e, flags, io, redactor);
}

/** One command that changes a deployment (deploy, rollback, promote). */
export interface ReleaseCommand<P, R extends { error: HostingError | undefined }> {
  /** Validate every input and plan; no side effect. */
  prepare(): Promise<P>;
  /** Which builder the plan needs (only deploy builds). */
  builder?(plan: P): BuilderName | 'auto';
  run(plan: P, ports: DeployPorts, signal: AbortSignal): Promise<R>;
  print(result: R): void;
}

/**
 * The common body of deploy, rollback and promote: plan, create the ports, run under Ctrl-C/SIGTERM
 * handling, print, and turn the outcome into an exit code.
 */
export async function runReleaseCommand<P, R extends { error: HostingError | undefined }>(
  command: ReleaseCommand<P, R>,
  context: {
    flags: CommonFlags;
    io: CliIO;
    factory: PortsFactory;
    reporter: TerminalReporter;
    redactor: Redactor;
  },
): Promise<number> {
  const { flags, io, factory, reporter, redactor } = context;
  try {
    const plan = await command.prepare();
    const ports = await factory({
      flags,
      io,
      reporter,
      builder: command.builder?.(plan) ?? 'auto',
      redactor,
    });
    const result = await withInterrupts((signal) => command.run(plan, ports, signal));
    reporter.close();
    command.print(result);
    return result.error ? reportFailure(result.error, flags, io, redactor) : 0;
  } catch (error) {
    reporter.close();
    return failEarly(error, flags, io, redactor);
  }
}
