/** Listing runs for a target: those not completed yet (day-2 locking) and the latest one. */
import type { RunStatus, RunSummary, WorkflowTarget } from '../ports/ports.js';
import { type ApiRun, type GitHubContext, shortRef } from './context.js';
import { gitHubError } from './errors.js';
import type { WorkflowFacts } from './facts.js';
import { expectedRunTitle } from './workflow-file.js';

export class RunListing {
  constructor(
    private readonly gh: GitHubContext,
    private readonly facts: WorkflowFacts,
  ) {}

  /** Runs for these inputs that are not completed yet, oldest first. */
  async activeRuns(target: WorkflowTarget): Promise<RunSummary[]> {
    const all = await this.summaries(target);
    return all
      .filter((s) => s.status !== 'completed')
      .sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0) || a.run.id - b.run.id);
  }

  /** The latest run for these inputs, completed or not. */
  async latestRun(target: WorkflowTarget): Promise<RunSummary | undefined> {
    return (await this.summaries(target))[0];
  }

  /** The recent runs, newest first; only those with the expected title when the run-name predicts one. */
  private async summaries(target: WorkflowTarget): Promise<RunSummary[]> {
    const facts = await this.facts.read(target, undefined).catch(() => undefined);
    const title = expectedRunTitle(facts?.runName, target.inputs);
    let runs: ApiRun[];
    try {
      runs = await this.gh.listRuns(target, shortRef(target.ref));
    } catch (error) {
      throw gitHubError(error, this.gh.ctx(target, `list runs of ${target.workflow}`));
    }
    return runs.filter((r) => title === undefined || r.display_title === title).map(summary);
  }
}

function summary(r: ApiRun): RunSummary {
  return {
    run: { id: r.id, url: r.html_url, ...(r.run_number ? { runNumber: r.run_number } : {}) },
    status: (r.status ?? 'queued') as RunStatus,
    conclusion: r.conclusion ?? undefined,
    createdAt: new Date(r.created_at),
    title: r.display_title,
    actor: r.actor?.login,
  };
}
