import {
  DEPLOYED_LABEL,
  deployedStage,
  type HistoryEntry,
  type HistoryResult,
  history,
  planHistory,
  resultJson,
} from '@shared-hosting/core';
import { formatDate, short, table } from '../../output/tables.js';
import { OPERATION_NAMES } from '../../runtime/inputs.js';
import { createCliPorts, type PortsFactory } from '../../runtime/ports.js';
import { runQueryCommand } from '../../runtime/query.js';
import type { CliIO } from '../../types.js';
import type { HistoryFlags } from './command.js';

export function runHistory(
  flags: HistoryFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  return runQueryCommand(
    {
      name: 'history',
      plan: () =>
        planHistory(
          { application: flags.app, environment: flags.env, parameter: flags.parameter, limit: flags.limit },
          OPERATION_NAMES,
          io.cwd,
        ),
      // SSM only: the parameter's history.
      run: (plan, ports) => history(plan, { ...ports, workflows: undefined }),
      text: historyTable,
      json: (result) => resultJson({ command: 'history', result }),
    },
    { flags, io, factory },
  );
}

function actionText(e: HistoryEntry): string {
  const p = e.provenance;
  if (!p) return '(not hosting)';
  if (p.action === 'rollback' && p.from) return `rollback from ${p.from}`;
  if (p.action === 'promote' && p.source) return `promote from ${p.source}`;
  return p.action;
}

export function historyTable(result: HistoryResult): string[] {
  if (result.entries.length === 0) {
    return [
      `${result.parameterName} does not exist: ${result.application} was never deployed to ${result.environment}.`,
    ];
  }
  const rows = result.entries.map((e) => [
    `${e.current ? '*' : ' '}${e.parameterVersion}`,
    `${e.version}${e.labels.includes(DEPLOYED_LABEL) ? ` [deployed${deployedStage(e.labels) === 'traffic-shifted' ? ', traffic-shifted' : ''}]` : ''}`,
    formatDate(e.date),
    actionText(e),
    e.provenance?.actor ?? e.author ?? '-',
    short.commit(e.provenance?.commit),
    short.digest(e.provenance?.digest),
    e.provenance?.run ?? '-',
  ]);
  return [
    `${result.application} in ${result.environment} (${result.parameterName}), newest first; * = current value, [deployed] = last rolled out by the infra side (traffic-shifted: it returned once traffic moved, during the bake)`,
    ...table([' #', 'VERSION', 'DATE', 'ACTION', 'BY', 'COMMIT', 'DIGEST', 'RUN'], rows),
  ];
}
