import { formatProvenance } from '../domain/provenance.js';
import type { PromotePlan } from '../plan/operations.js';
import type { OperationPorts } from '../ports/bundles.js';
import { type PromotePreflight, promotePreflight } from '../steps/preflight-promote.js';
import { retag } from '../steps/retag.js';
import { runOperation } from './operation.js';
import type { OperationOptions } from './ports.js';
import { newReleaseLive, type ReleaseSpec, type ReleaseState, releaseSteps } from './release.js';
import { type DeployResult, newResult } from './result.js';
import type { StepTable } from './runner.js';

export interface PromoteResult extends DeployResult {
  operation: 'promote';
  /** The environment the image came from, and the version it runs there. */
  sourceEnvironment: string;
  sourceVersion: string | undefined;
  /** Whether the image was given a new tag (only when another tag was asked for, or the tag was gone). */
  retagged: boolean;
}

/**
 * Ship the exact image deployed in the source environment to the target environment: no build, no
 * push; a re-tag only when another tag is asked for. The target's provenance records `source=<from>`
 * and the source's digest. Never throws.
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
  const state: ReleaseState & { result: PromoteResult; pre?: PromotePreflight } = {
    ports,
    options: plan.release,
    result,
    spec: undefined,
    live: options.live ?? newReleaseLive(),
  };
  const pre = () => state.pre as PromotePreflight;
  const why = () => `promote ships the image running in ${plan.from.environment} (${pre().image.digest})`;
  const table: StepTable = {
    ...releaseSteps(state),
    preflight: async (steps) => {
      const p = await steps.run('preflight', (ctx) => promotePreflight(plan, ports, ctx));
      state.pre = p;
      result.version = p.version;
      result.sourceVersion = p.source.value;
      result.previousValue = p.current?.value;
      result.image = p.reference;
      result.digest = p.image.digest;
      state.spec = promoteSpec(plan, p);
    },
    build: async (steps) => steps.skip('build', `${why()}: nothing to build`),
    tag: async (steps) => {
      const p = pre();
      if (!p.retag) return steps.skip('tag', `${p.reference} already points at ${p.image.digest}`);
      const input = {
        repository: plan.target.repository,
        digest: p.image.digest,
        version: p.version,
        reference: p.reference,
      };
      await steps.run('tag', (ctx) => retag(input, ports, ctx));
      result.retagged = true;
    },
    push: async (steps) => steps.skip('push', `${why()}: nothing to push`),
  };
  return runOperation(state, plan.steps, table, ports, options);
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
