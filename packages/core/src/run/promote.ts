import { formatProvenance } from '../domain/provenance.js';
import type { PromotePlan } from '../plan/operations.js';
import type { OperationPorts } from '../ports/bundles.js';
import { type PromotePreflight, promotePreflight } from '../steps/preflight-promote.js';
import { retag } from '../steps/retag.js';
import { runOperation } from './operation.js';
import type { OperationOptions } from './ports.js';
import { newReleaseLive } from './quit.js';
import { release } from './release.js';
import type { ReleaseSpec } from './release-spec.js';
import { newResult, type ReleaseResult } from './result.js';
import type { StepRunner } from './runner.js';

export interface PromoteResult extends ReleaseResult {
  operation: 'promote';
  /** The environment the image came from, and the version it runs there. */
  sourceEnvironment: string;
  sourceVersion: string | undefined;
  /** Whether the image was given a new tag (only when another tag was asked for, or the tag was gone). */
  retagged: boolean;
}

/**
 * Ship the exact image deployed in the source environment to the target environment, in the order of
 * its plan's steps: preflight; no build and no push (shown as skipped), a re-tag only when another tag
 * is asked for; then the release tail. The target's provenance records `source=<from>` and the source's
 * digest. Never throws.
 */
export async function promote(
  plan: PromotePlan,
  ports: OperationPorts,
  options: OperationOptions = {},
): Promise<PromoteResult> {
  const result: PromoteResult = {
    ...newResult(plan.target, plan.version ?? '', options.dryRun ?? false, true),
    operation: 'promote',
    sourceEnvironment: plan.from.environment,
    sourceVersion: undefined,
    retagged: false,
  };
  return runOperation(result, ports, options, async (steps) => {
    const pre = await steps.run('preflight', (ctx) => promotePreflight(plan, ports, ctx));
    result.version = pre.version;
    result.sourceVersion = pre.source.value;
    result.previousValue = pre.current?.value;
    result.image = pre.reference;
    result.digest = pre.image.digest;
    if (options.dryRun) return;
    const why = `promote ships the image running in ${plan.from.environment} (${pre.image.digest})`;
    steps.skip('build', `${why}: nothing to build`);
    result.retagged = await retagStep(steps, plan, pre, ports);
    steps.skip('push', `${why}: nothing to push`);
    const live = options.live ?? newReleaseLive();
    await release({ steps, ports, options: plan.release, result, live }, promoteSpec(plan, pre));
  });
}

/** Step `tag`: give the image the target's tag when it lacks it. Returns whether it did. */
async function retagStep(
  steps: StepRunner,
  plan: PromotePlan,
  pre: PromotePreflight,
  ports: OperationPorts,
): Promise<boolean> {
  if (!pre.retag) {
    steps.skip('tag', `${pre.reference} already points at ${pre.image.digest}`);
    return false;
  }
  const input = {
    repository: plan.target.repository,
    digest: pre.image.digest,
    version: pre.version,
    reference: pre.reference,
  };
  await steps.run('tag', (ctx) => retag(input, ports, ctx));
  return true;
}

function promoteSpec(plan: PromotePlan, pre: PromotePreflight): ReleaseSpec {
  const { target, from } = plan;
  return {
    operation: 'promote',
    application: target.application,
    environment: target.environment,
    success: () =>
      `${target.application} ${pre.version} promoted from ${from.environment} to ${target.environment}`,
    repository: target.repository,
    parameter: target.parameter,
    version: pre.version,
    description: () =>
      formatProvenance({
        action: 'promote',
        version: pre.version,
        commit: pre.provenance?.commit,
        digest: pre.image.digest,
        source: from.environment,
        actor: plan.source.actor,
        run: plan.source.runUrl,
      }),
    workflow: target.workflow,
    wait: plan.wait,
    actor: plan.source.actor,
    runUrl: plan.source.runUrl,
  };
}
