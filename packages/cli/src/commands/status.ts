import {
  CLI_INPUT_NAMES,
  CLI_OPERATION_NAMES,
  type EnvironmentStatus,
  type OperationPorts,
  planStatus,
  type Reporter,
  type StatusResult,
  silentReporter,
  status,
} from '@shared-hosting/core';
import { exitCodeFor } from '../exit-codes.js';
import type { CliIO, CommonFlags } from '../program.js';
import { failEarly } from '../runtime/operation.js';
import { createCliPorts, type PortsFactory } from '../runtime/ports.js';
import { errorJson, reportFailure, terminalFor } from './deploy.js';

export interface StatusFlags extends CommonFlags {
  app?: string;
  env?: string[];
  repository?: string;
  parameter?: string;
  infraRepo?: string;
  infraWorkflow?: string;
  infraRef?: string;
  profile?: string;
  region?: string;
}

export const OPERATION_NAMES = { ...CLI_INPUT_NAMES, ...CLI_OPERATION_NAMES };

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

export async function runStatus(
  flags: StatusFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  const { redactor, reporter, close } = queryTerminal(flags, io);
  try {
    const plan = planStatus(
      {
        application: flags.app,
        environments: flags.env,
        repository: flags.repository,
        parameter: flags.parameter,
        infraRepository: flags.infraRepo,
        infraWorkflow: flags.infraWorkflow,
        infraRef: flags.infraRef,
      },
      OPERATION_NAMES,
      io.cwd,
    );
    const ports: OperationPorts = await factory({ flags, io, reporter, builder: 'auto', redactor });
    const result = await status(plan, ports);
    close();
    if (flags.json) io.stdout.write(`${redactor.redact(JSON.stringify(statusJson(result), null, 2))}\n`);
    else if (result.status === 'succeeded')
      io.stdout.write(`${redactor.redact(statusTable(result).join('\n'))}\n`);
    if (result.error) return reportFailure(result.error, flags, io, redactor);
    const failed = result.environments.find((e) => e.error);
    if (failed?.error) {
      io.stderr.write(
        `${redactor.redact(`Could not read everything for ${failed.environment}: ${failed.error.message}`)}\n`,
      );
      return exitCodeFor(failed.error.kind);
    }
    return 0;
  } catch (error) {
    close();
    return failEarly(error, flags, io, redactor);
  }
}

/** An error before the operation ran (bad input, no credentials): JSON on stdout with --json, then the message. */

export function statusJson(result: StatusResult) {
  return {
    status: result.status,
    application: result.application,
    environments: result.environments.map((e) => environmentJson(e)),
    ...(result.error ? { error: errorJson(result.error) } : {}),
  };
}

function environmentJson(e: EnvironmentStatus) {
  const p = e.deployed?.provenance;
  return {
    environment: e.environment,
    'parameter-name': e.parameterName,
    deployed: e.deployed !== undefined,
    version: e.deployed?.version ?? null,
    'parameter-version': e.deployed?.parameterVersion ?? null,
    date: e.deployed?.date?.toISOString() ?? null,
    author: e.deployed?.author ?? null,
    action: p?.action ?? null,
    actor: p?.actor ?? null,
    commit: p?.commit ?? null,
    digest: p?.digest ?? null,
    source: p?.source ?? null,
    from: p?.from ?? null,
    'deployed-by-run': p?.run ?? null,
    image: e.image ? { exists: e.image.exists, digest: e.image.digest ?? null, moved: e.image.moved } : null,
    'latest-run': e.latestRun
      ? {
          id: e.latestRun.run.id,
          url: e.latestRun.run.url,
          status: e.latestRun.status,
          conclusion: e.latestRun.conclusion ?? null,
          'created-at': e.latestRun.createdAt?.toISOString() ?? null,
        }
      : null,
    ...(e.error ? { error: errorJson(e.error) } : {}),
  };
}

/** `2026-11-26 06:12 UTC`. */
export function formatDate(date: Date | undefined): string {
  if (!date) return '-';
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export const short = {
  commit: (c: string | undefined) => (c && c !== 'unknown' ? c.slice(0, 12) : '-'),
  digest: (d: string | undefined) => (d ? `${d.slice(0, 19)}` : '-'),
};

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

function imageText(e: EnvironmentStatus): string {
  if (!e.image) return '-';
  if (!e.image.exists) return 'expired';
  return e.image.moved ? 'tag moved' : 'present';
}

function runText(e: EnvironmentStatus): string {
  if (!e.latestRun) return e.runChecked ? 'none' : '-';
  const r = e.latestRun;
  return `${r.conclusion ?? r.status.replace('_', ' ')} ${r.run.url}`;
}

export function statusTable(result: StatusResult): string[] {
  const rows = result.environments.map((e) => {
    const p = e.deployed?.provenance;
    return [
      e.environment,
      e.deployed?.version ?? (e.error ? '(unreadable)' : '(not deployed)'),
      e.deployed ? String(e.deployed.parameterVersion) : '-',
      formatDate(e.deployed?.date),
      p?.actor ?? e.deployed?.author ?? '-',
      short.commit(p?.commit),
      short.digest(p?.digest ?? e.image?.digest),
      imageText(e),
      runText(e),
    ];
  });
  const lines = table(
    ['ENVIRONMENT', 'VERSION', 'PARAM', 'DEPLOYED', 'BY', 'COMMIT', 'DIGEST', 'IMAGE', 'LATEST RUN'],
    rows,
  );
  const notes: string[] = [];
  for (const e of result.environments) {
    if (e.image && !e.image.exists)
      notes.push(
        `! ${e.environment}: image ${e.deployed?.version} is no longer in ECR (a lifecycle rule may have expired it); a rollback to it would be refused.`,
      );
    if (e.image?.moved)
      notes.push(
        `! ${e.environment}: tag ${e.deployed?.version} now points at ${e.image.digest}, not at the deployed ${e.deployed?.provenance?.digest}.`,
      );
  }
  if (result.environments.every((e) => !e.runChecked))
    notes.push('(latest runs not shown: pass --infra-repo or set HOSTING_INFRA_REPO, with a GitHub token)');
  return [`${result.application}`, ...lines, ...(notes.length ? ['', ...notes] : [])];
}
