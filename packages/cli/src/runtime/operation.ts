import type { BuilderName, HostingError, Ports, StepId } from '@shared-hosting/core';
import { describeQuit, newReleaseLive, type ReleaseLive } from '@shared-hosting/core/adapter';
import type { CommonFlags } from '../options.js';
import type { Redactor } from '../output/redact.js';
import type { TerminalReporter } from '../output/terminal.js';
import type { CliIO } from '../types.js';
import type { PortsFactory } from './ports.js';
import { withInterrupts } from './signals.js';
import { failEarly, reportFailure } from './terminal.js';

/** One command that changes a deployment (deploy, rollback, promote). */
export interface ReleaseCommand<P, R extends { error: HostingError | undefined }> {
  /** The command's name, for the JSON of a failure before it ran. */
  name: 'deploy' | 'rollback' | 'promote';
  /** Validate every input and plan; no side effect. */
  prepare(): Promise<P>;
  /** The steps the plan will run: the live step list shows them. */
  steps(plan: P): readonly StepId[];
  /** Which builder the plan needs (only deploy builds). */
  builder?(plan: P): BuilderName | 'auto';
  /** `live`: pass it to the operation's options; a second Ctrl-C prints what state it left. */
  run(plan: P, ports: Ports, signal: AbortSignal, live: ReleaseLive): Promise<R>;
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
    reporter.setSteps(command.steps(plan));
    const ports = await factory({
      flags,
      io,
      reporter,
      builder: command.builder?.(plan) ?? 'auto',
      redactor,
    });
    const live = newReleaseLive();
    // Whatever the outcome (interrupted too), the ports are closed: GitHub App tokens revoked.
    const result = await withInterrupts((signal) => command.run(plan, ports, signal, live), {
      onQuit: () => describeQuit(live).map((line) => redactor.redact(line)),
      write: (text) => io.stderr.write(text),
    }).finally(() => ports.close?.());
    reporter.close();
    command.print(result);
    return result.error ? reportFailure(result.error, flags, io, redactor) : 0;
  } catch (error) {
    reporter.close();
    return failEarly(error, command.name, flags, io, redactor);
  }
}
