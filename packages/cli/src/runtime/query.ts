import type { CommandName, HostingError, OperationPorts } from '@shared-hosting/core';
import type { AwsFlags, CommonFlags } from '../options.js';
import type { CliIO } from '../types.js';
import type { PortsFactory } from './ports.js';
import { failEarly, queryTerminal, reportFailure } from './terminal.js';

/** One read-only command (status, history, unlock): plan, read, print a table or the JSON. */
export interface QueryCommand<P, R extends { status: string; error: HostingError | undefined }> {
  /** The command's name, for the JSON of a failure before it ran. */
  name: CommandName;
  /** Validate every input; no side effect. */
  plan(): P;
  /** What GitHub App tokens may do: `read` when the command reads runs. */
  githubAccess?: 'read';
  run(plan: P, ports: OperationPorts): Promise<R>;
  /** The result for humans (printed when it succeeded) and for machines (`--json`). */
  text(result: R): string[];
  json(result: R): unknown;
  /** After a result without an error: the exit code (status fails when one environment could not be read). */
  exitCode?(result: R, say: (line: string) => void): number;
}

/**
 * The common body of the read-only commands, as runReleaseCommand is of the releases: plan, create the
 * ports, read, print; progress only on a TTY's stderr, so that stdout carries only the table or the JSON.
 */
export async function runQueryCommand<P, R extends { status: string; error: HostingError | undefined }>(
  command: QueryCommand<P, R>,
  context: { flags: CommonFlags & AwsFlags; io: CliIO; factory: PortsFactory },
): Promise<number> {
  const { flags, io, factory } = context;
  const { redactor, reporter, close } = queryTerminal(flags, io);
  const write = (text: string) => io.stdout.write(`${redactor.redact(text)}\n`);
  try {
    const plan = command.plan();
    const ports: OperationPorts = await factory({
      flags,
      io,
      reporter,
      builder: 'auto',
      redactor,
      ...(command.githubAccess ? { githubAccess: command.githubAccess } : {}),
    });
    const result = await command.run(plan, ports).finally(() => ports.close?.());
    close();
    if (flags.json) write(JSON.stringify(command.json(result), null, 2));
    else if (result.status === 'succeeded') write(command.text(result).join('\n'));
    if (result.error) return reportFailure(result.error, flags, io, redactor);
    return command.exitCode?.(result, (line) => io.stderr.write(`${redactor.redact(line)}\n`)) ?? 0;
  } catch (error) {
    close();
    return failEarly(error, command.name, flags, io, redactor);
  }
}
