import {
  errorJson,
  type HostingError,
  type Reporter,
  resolveGitHubToken,
  silentReporter,
  toHostingError,
} from '@shared-hosting/core';
import { exitCodeFor } from '../exit-codes.js';
import type { CommonFlags } from '../options.js';
import { type Redactor, redactorFromEnv } from '../output/redact.js';
import { formatError, TerminalReporter } from '../output/terminal.js';
import type { CliIO } from '../types.js';

/** Set up the reporter and redactor the way every command shows progress. */
export function terminalFor(flags: CommonFlags, io: CliIO, stepIds?: Parameters<typeof makeReporter>[3]) {
  const redactor = redactorFromEnv(io.env);
  return { redactor, reporter: makeReporter(flags, io, redactor, stepIds) };
}

function makeReporter(
  flags: CommonFlags,
  io: CliIO,
  redactor: Redactor,
  stepIds?: ConstructorParameters<typeof TerminalReporter>[2],
): TerminalReporter {
  const noColor = flags.color === false || io.env.NO_COLOR !== undefined || io.env.TERM === 'dumb';
  // With --json, stdout is for the result only: progress goes to stderr.
  const out = flags.json ? io.stderr : io.stdout;
  const live = Boolean(out.isTTY) && !noColor && io.env.CI !== 'true';
  return new TerminalReporter(
    out,
    { live, color: !noColor && Boolean(out.isTTY), debug: Boolean(flags.debug), redactor },
    stepIds,
  );
}

/** Print a failure and return its exit code. */
export function reportFailure(
  error: HostingError,
  flags: CommonFlags,
  io: CliIO,
  redactor: Redactor,
): number {
  const text = formatError(error, Boolean(flags.debug)).join('\n');
  io.stderr.write(`${redactor.redact(text)}\n`);
  return exitCodeFor(error.kind);
}

/**
 * Progress for the read-only commands: a live line on a TTY's stderr (or every event with --debug),
 * nothing otherwise, so that stdout carries only the table or the JSON.
 */
export function queryTerminal(flags: CommonFlags, io: CliIO) {
  const { redactor, reporter } = terminalFor({ ...flags, json: true }, io, ['preflight']);
  const shown = Boolean(io.stderr.isTTY) || Boolean(flags.debug);
  const quiet: Reporter = { emit: silentReporter.emit, registerSecret: (s) => redactor.add(s) };
  return { redactor, reporter: shown ? (reporter as Reporter) : quiet, close: () => reporter.close() };
}

/**
 * A failure before the operation ran (bad input, ports): printed, and as JSON with --json; redacted like
 * everything else, including the gh CLI's token (asked for here when the ports did not run yet).
 */
export async function failEarly(
  error: unknown,
  command: string,
  flags: CommonFlags,
  io: CliIO,
  redactor: Redactor,
): Promise<number> {
  // Before the ports, the gh CLI's token is unknown: learn it, so that it is masked even given as an input.
  if (redactor.needsGitHubToken)
    redactor.addGitHubToken(
      await resolveGitHubToken({ env: io.env, allowGhCli: true }).catch(() => undefined),
    );
  const e = toHostingError(error);
  if (flags.json) {
    const json = { operation: command, status: 'failed', error: errorJson(e) };
    io.stdout.write(`${redactor.redact(JSON.stringify(json, null, 2))}\n`);
  }
  return reportFailure(e, flags, io, redactor);
}
