/**
 * The infra repository's side of a deployment, as its rollout does it (design.md, "The rollout"): each
 * run of the infra workflow reads the version parameter when it starts, and when its deploy step ends
 * with success, moves the SSM label `deployed` to the parameter version it read. It watches the GitHub
 * peer's runs and writes the label into the SSM peer's state, so that tests can compare every report
 * with what each run really rolled out.
 */
import type { AwsPeers, GitHubPeer } from '@shared-hosting/testkit';

export interface RolledOut {
  /** The parameter version and value the run read when it started. */
  version: number;
  value: string;
}

export interface InfraSide {
  /** What the run read at its start (undefined before it started). */
  readBy(runId: number): RolledOut | undefined;
  /** Whether the run has moved the label. */
  labelled(runId: number): boolean;
  stop(): void;
}

const DEPLOY_STEP = 'Deploy application';

export function simulateInfra(github: GitHubPeer, aws: AwsPeers, parameter: string): InfraSide {
  const read = new Map<number, RolledOut>();
  const labelled = new Set<number>();
  const versionsNow = () => aws.aws.ssm.parameters.get(parameter) ?? [];
  const tick = () => {
    const now = github.infra.now();
    const due: Array<{ id: number; at: number }> = [];
    for (const run of github.infra.runs()) {
      const state = github.infra.state(run.id);
      if (!state || state.startedAt > now || !['in_progress', 'completed'].includes(state.status)) continue;
      if (!read.has(run.id)) {
        // The version current when the run started (its first step reads the parameter).
        const at = [...versionsNow()].reverse().find((v) => v.LastModifiedDate.getTime() <= state.startedAt);
        if (at) read.set(run.id, { version: at.Version, value: at.Value });
      }
      const step = state.jobs.flatMap((j) => j.steps).find((s) => s.name === DEPLOY_STEP);
      const done = step?.completedAt ?? null;
      const ok = (run.plan.conclusion ?? 'success') === 'success' && run.cancelRequestedAt === undefined;
      if (ok && done !== null && done <= now && !labelled.has(run.id)) due.push({ id: run.id, at: done });
    }
    for (const { id } of due.sort((a, b) => a.at - b.at)) {
      const target = read.get(id);
      if (!target) continue;
      for (const v of versionsNow()) {
        v.Labels = v.Labels.filter((l) => l !== 'deployed');
        if (v.Version === target.version) v.Labels.push('deployed');
      }
      labelled.add(id);
    }
  };
  const timer = setInterval(tick, 10);
  return {
    readBy: (id) => read.get(id),
    labelled: (id) => labelled.has(id),
    stop: () => clearInterval(timer),
  };
}
