import { formatProvenance } from '../domain/provenance.js';
import type { RollbackPlan } from '../plan/operations.js';
import type { OperationPorts } from '../ports/bundles.js';
import { type RollbackPreflight, rollbackPreflight } from '../steps/preflight-rollback.js';
import { runOperation } from './operation.js';
import type { OperationOptions } from './ports.js';
import { newReleaseLive } from './quit.js';
import { release } from './release.js';
import type { ReleaseSpec } from './release-spec.js';
import { newResult, type ReleaseResult } from './result.js';

export interface RollbackResult extends ReleaseResult {
  operation: 'rollback';
  /** The version rolled back from (the parameter's value before). */
  from: string | undefined;
}

/**
 * Roll an environment back to an earlier version, in the order of its plan's steps: resolve and confirm
 * it in the preflight, then the release tail (provenance action `rollback`, `from=<current>`), as deploy
 * does. Never throws.
 */
export async function rollback(
  plan: RollbackPlan,
  ports: OperationPorts,
  options: OperationOptions = {},
): Promise<RollbackResult> {
  const result: RollbackResult = {
    ...newResult(plan.target, plan.to, options.dryRun ?? false, true),
    operation: 'rollback',
    from: undefined,
  };
  return runOperation(result, ports, options, async (steps) => {
    const pre = await steps.run('preflight', (ctx) => rollbackPreflight(plan, ports, ctx));
    result.version = pre.version;
    result.from = pre.current.value;
    result.previousValue = pre.current.value;
    result.image = pre.reference;
    result.digest = pre.image.digest;
    if (options.dryRun) return;
    const live = options.live ?? newReleaseLive();
    try {
      await release({ steps, ports, options: plan.release, result, live }, rollbackSpec(plan, pre));
    } finally {
      // The value rolled back from is the one read under the lock, not the preflight's.
      result.from = result.previousValue;
    }
  });
}

function rollbackSpec(plan: RollbackPlan, pre: RollbackPreflight): ReleaseSpec {
  const { target } = plan;
  return {
    operation: 'rollback',
    application: target.application,
    environment: target.environment,
    success: (from) =>
      `${target.application} in ${target.environment} rolled back from ${from ?? '(not set)'} to ${pre.version}`,
    repository: target.repository,
    parameter: target.parameter,
    version: pre.version,
    description: (current) =>
      formatProvenance({
        action: 'rollback',
        version: pre.version,
        commit: pre.commit,
        digest: pre.image.digest,
        from: current?.value,
        actor: plan.source.actor,
        run: plan.source.runUrl,
      }),
    workflow: target.workflow,
    wait: plan.wait,
    actor: plan.source.actor,
    runUrl: plan.source.runUrl,
  };
}
