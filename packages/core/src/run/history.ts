import { type Provenance, parseProvenance } from '../domain/provenance.js';
import type { HostingError } from '../errors/errors.js';
import type { HistoryPlan } from '../plan/operations.js';
import type { OperationPorts } from '../ports/bundles.js';
import { done } from '../steps/step.js';
import type { OperationOptions } from './ports.js';
import { type StepRecord, StepRunner, unwrap } from './runner.js';

export interface HistoryEntry {
  /** SSM parameter version. */
  parameterVersion: number;
  /** The image version (tag) the parameter held. */
  version: string;
  date: Date | undefined;
  /** SSM LastModifiedUser (the AWS identity). */
  author: string | undefined;
  /** deploy, rollback, promote; undefined when not written by hosting. */
  action: string | undefined;
  provenance: Provenance | undefined;
  /** The newest entry: what is deployed now. */
  current: boolean;
  /** The SSM labels on this version; `deployed` marks the one the infra side last rolled out. */
  labels: readonly string[];
}

export interface HistoryResult {
  status: 'succeeded' | 'failed';
  application: string;
  environment: string;
  parameterName: string;
  /** Newest first. */
  entries: HistoryEntry[];
  error: HostingError | undefined;
  steps: StepRecord[];
}

/** The parameter's history (GetParameterHistory, all pages), newest first, provenance parsed. Never throws. */
export async function history(
  plan: HistoryPlan,
  ports: OperationPorts,
  options: Pick<OperationOptions, 'signal'> = {},
): Promise<HistoryResult> {
  const { target } = plan;
  const result: HistoryResult = {
    status: 'failed',
    application: target.application,
    environment: target.environment,
    parameterName: target.parameter,
    entries: [],
    error: undefined,
    steps: [],
  };
  const steps = new StepRunner(ports.clock, ports.reporter, result.steps, options.signal);
  try {
    result.entries = await steps.run('read', async ({ progress }) => {
      progress(`reading the history of ${target.parameter}`);
      const values = await ports.parameters.history(target.parameter, plan.limit);
      // Newest first, whatever order the store returned.
      const sorted = [...values].sort((a, b) => b.version - a.version).slice(0, plan.limit);
      const entries = sorted.map((v, i): HistoryEntry => {
        const provenance = parseProvenance(v.description);
        return {
          parameterVersion: v.version,
          version: v.value,
          date: v.lastModified,
          author: v.lastModifiedUser,
          action: provenance?.action,
          provenance,
          current: i === 0,
          labels: v.labels ?? [],
        };
      });
      return done(
        `${target.parameter}: ${entries.length} version${entries.length === 1 ? '' : 's'}`,
        entries,
      );
    });
    result.status = 'succeeded';
  } catch (thrown) {
    result.error = unwrap(thrown);
  }
  return result;
}
