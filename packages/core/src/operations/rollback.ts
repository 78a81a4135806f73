import { PreconditionError } from '../errors.js';
import { type DeployResult, done, release } from '../execute.js';
import type { InfraWorkflows, ParameterValue } from '../ports.js';
import { formatProvenance, parseProvenance } from '../source.js';
import { checkWorkflow, newResult, type OperationOptions, type OperationPorts, runSteps } from './common.js';
import { HISTORY_MAX, type RollbackPlan } from './plan.js';

export interface RollbackResult extends DeployResult {
  operation: 'rollback';
  /** The version rolled back from (the parameter's value before). */
  from: string | undefined;
}

/**
 * Roll an environment back to an earlier version: resolve the target (`previous` = the latest history
 * entry whose value differs from the current one), confirm its image is still in ECR (refusing with
 * IMAGE_EXPIRED otherwise), then lock, write the parameter (provenance action `rollback`,
 * `from=<current>`), trigger and wait as deploy does. Never throws.
 */
export async function rollback(
  plan: RollbackPlan,
  ports: OperationPorts,
  options: OperationOptions = {},
): Promise<RollbackResult> {
  const { target } = plan;
  const result: RollbackResult = {
    ...newResult(target, plan.to, options.dryRun ?? false),
    operation: 'rollback',
    from: undefined,
  };
  return runSteps(result, ports, options, async (steps, workflows) => {
    const pre = await steps.run('preflight', async (progress) => {
      progress(`ECR repository ${target.repository}`);
      const repository = await ports.registry.describeRepository(target.repository);
      progress(`SSM parameter ${target.parameter}`);
      // Newest first; the first entry is the current value, with its provenance.
      const history = await ports.parameters.history(target.parameter, HISTORY_MAX);
      const current = history[0];
      if (!current) {
        throw new PreconditionError(
          'NOTHING_DEPLOYED',
          `${target.application} has never been deployed to ${target.environment} (${target.parameter} does not exist): there is nothing to roll back.`,
          { fix: 'Check --app, --env and --parameter; deploy a version first.' },
        );
      }
      const entry = resolveTarget(plan, current, history);
      const version = entry?.value ?? plan.to;
      progress(`image ${target.repository}:${version}`);
      const image = await ports.registry.findImage(target.repository, version);
      if (!image) {
        throw new PreconditionError(
          'IMAGE_EXPIRED',
          `Cannot roll back ${target.application} in ${target.environment} to ${version}: its image ${target.repository}:${version} is no longer in ECR (a lifecycle rule may have expired it). Nothing was changed.`,
          {
            fix: 'Roll back to a more recent version (hosting history lists them), or deploy that version again from its commit: it will be rebuilt.',
            details: { repository: target.repository, version },
          },
        );
      }
      const recorded = parseProvenance(entry?.description);
      if (recorded?.digest && recorded.digest !== image.digest) {
        ports.reporter.emit({
          type: 'warning',
          title: 'Tag moved',
          message: `${target.repository}:${version} now points at ${image.digest}, not at ${recorded.digest} as when it was deployed; rolling back to the image the tag points at now.`,
          at: ports.clock.now(),
        });
      }
      if (workflows) await checkWorkflow(workflows, target.workflow, progress);
      const reference = `${repository.uri}:${version}`;
      return done(
        `${reference}@${image.digest} is in the registry; ${target.parameter}: ${current.value} → ${version}`,
        { current, version, image, commit: recorded?.commit, reference },
      );
    });
    result.version = pre.version;
    result.from = pre.current.value;
    result.previousValue = pre.current.value;
    result.image = pre.reference;
    result.digest = pre.image.digest;
    if (options.dryRun) {
      result.status = 'succeeded';
      return;
    }
    await release(
      {
        steps,
        ports,
        infra: workflows as InfraWorkflows,
        result,
        options: { ...plan.release, signal: options.signal },
      },
      {
        success: `${target.application} in ${target.environment} rolled back from ${pre.current.value} to ${pre.version}`,
        repository: target.repository,
        parameter: target.parameter,
        version: pre.version,
        current: pre.current,
        description: formatProvenance({
          action: 'rollback',
          version: pre.version,
          commit: pre.commit,
          digest: pre.image.digest,
          from: pre.current.value,
          actor: plan.source.actor,
          run: plan.source.runUrl,
        }),
        workflow: target.workflow,
        wait: plan.wait,
        actor: plan.source.actor,
        runUrl: plan.source.runUrl,
      },
    );
  });
}

/** The history entry to roll back to; undefined for an explicit version that is not in the history. */
function resolveTarget(
  plan: RollbackPlan,
  current: ParameterValue,
  history: readonly ParameterValue[],
): ParameterValue | undefined {
  if (plan.to !== 'previous') return history.find((h) => h.value === plan.to);
  const previous = history.find((h) => h.value !== current.value);
  if (!previous) {
    throw new PreconditionError(
      'NO_PREVIOUS_VERSION',
      `${plan.target.parameter} has only ever held ${current.value}: there is no previous version to roll back to.`,
      { fix: 'Give the version to roll back to with --to VERSION, or deploy one.' },
    );
  }
  return previous;
}
