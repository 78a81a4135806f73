import {
  type EnvironmentStatus,
  planStatus,
  resultJson,
  type StatusResult,
  status,
} from '@shared-hosting/core';
import { exitCodeFor } from '../../exit-codes.js';
import { formatDate, short, table } from '../../output/tables.js';
import { OPERATION_NAMES } from '../../runtime/inputs.js';
import { createCliPorts, type PortsFactory } from '../../runtime/ports.js';
import { runQueryCommand } from '../../runtime/query.js';
import type { CliIO } from '../../types.js';
import type { StatusFlags } from './command.js';

export function runStatus(
  flags: StatusFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  return runQueryCommand(
    {
      name: 'status',
      plan: () =>
        planStatus(
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
        ),
      githubAccess: 'read',
      run: (plan, ports) => status(plan, ports),
      text: statusTable,
      json: (result) => resultJson({ command: 'status', result }),
      exitCode: (result, say) => {
        const failed = result.environments.find((e) => e.error);
        if (!failed?.error) return 0;
        say(`Could not read everything for ${failed.environment}: ${failed.error.message}`);
        return exitCodeFor(failed.error.kind);
      },
    },
    { flags, io, factory },
  );
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

/** A held lock (who, since, expiry) and a live version other than the parameter's, as notes. */
function lockNotes(e: EnvironmentStatus): string[] {
  const notes: string[] = [];
  const lock = e.lock;
  if (lock) {
    const who = lock.holder ? `${lock.holder} (${lock.operation} ${lock.version})` : 'an unknown holder';
    const until = lock.expires ? `, ${lock.expired ? 'expired' : 'expires'} ${formatDate(lock.expires)}` : '';
    notes.push(
      `! ${e.environment}: locked by ${who} since ${formatDate(lock.since)}${until}${lock.run ? `, run ${lock.run}` : ''}${lock.expired ? ' — the next deployment takes it over' : ''} (hosting unlock removes it).`,
    );
  }
  if (e.live && e.deployed && e.live.parameterVersion !== e.deployed.parameterVersion) {
    notes.push(
      `! ${e.environment}: the infra side last rolled out ${e.live.version} (parameter version ${e.live.parameterVersion}, label "deployed"), not the parameter's ${e.deployed.version} (${e.deployed.parameterVersion}).`,
    );
  }
  return notes;
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
      e.live
        ? `${e.live.version} (${e.live.parameterVersion})${e.live.stage === 'traffic-shifted' ? ' traffic-shifted' : ''}`
        : '-',
      e.lock ? `${e.lock.holder ?? 'unknown'}${e.lock.expired ? ' (expired)' : ''}` : '-',
      runText(e),
    ];
  });
  const lines = table(
    [
      'ENVIRONMENT',
      'VERSION',
      'PARAM',
      'DEPLOYED',
      'BY',
      'COMMIT',
      'DIGEST',
      'IMAGE',
      'LIVE',
      'LOCK',
      'LATEST RUN',
    ],
    rows,
  );
  const notes: string[] = [];
  for (const e of result.environments) {
    notes.push(...lockNotes(e));
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
