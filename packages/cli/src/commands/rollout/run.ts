import {
  createRolloutPorts,
  formatDuration,
  prepareRollout,
  type Reporter,
  ROLLOUT_STEPS,
  type RolloutPorts,
  type RolloutResult,
  readsOf,
  resultJson,
  rollout,
  shortTaskDefinition,
} from '@shared-hosting/core';
import { describeRolloutPlan, describeRolloutServices, firstService } from '@shared-hosting/core/adapter';
import type { CommonFlags } from '../../options.js';
import type { Redactor } from '../../output/redact.js';
import { CLI_ADAPTER_NAMES, CLI_ROLLOUT_NAMES } from '../../runtime/names.js';
import { withInterrupts } from '../../runtime/signals.js';
import { failEarly, reportFailure, terminalFor } from '../../runtime/terminal.js';
import type { CliIO } from '../../types.js';
import type { RolloutFlags } from './command.js';

export type RolloutPortsFactory = (request: {
  flags: RolloutFlags;
  io: CliIO;
  reporter: Reporter;
}) => Promise<RolloutPorts>;

export const createCliRolloutPorts: RolloutPortsFactory = ({ flags, io, reporter }) =>
  createRolloutPorts({
    env: io.env,
    reporter,
    region: flags.region,
    profile: flags.profile,
    names: CLI_ADAPTER_NAMES,
  });

/**
 * hosting rollout: read the version from SSM, resolve its digest in ECR, register a task definition
 * pinned to it, update the ECS service and follow that deployment; then label the parameter version.
 */
export async function runRollout(
  flags: RolloutFlags,
  io: CliIO,
  factory: RolloutPortsFactory = createCliRolloutPorts,
): Promise<number> {
  const { redactor, reporter } = terminalFor(flags, io, ROLLOUT_STEPS);
  try {
    const plan = await prepareRollout(
      {
        application: flags.app,
        environment: flags.env,
        spec: flags.spec,
        cluster: flags.cluster,
        service: flags.service,
        container: flags.container,
        timeout: flags.timeout,
        waitUntil: flags.waitUntil,
        dryRun: flags.dryRun,
      },
      CLI_ROLLOUT_NAMES,
      io.cwd,
    );
    if (plan.dryRun && !flags.json) {
      const lines = describeRolloutPlan(plan).map((l) => `  ${l}`);
      io.stdout.write(
        `${redactor.redact(['Plan (dry run, nothing will be changed):', ...lines].join('\n'))}\n\n`,
      );
    }
    const ports = await factory({ flags, io, reporter });
    // A second signal quits at once: whatever this run changed is not rolled back; say where to look.
    const services = plan.services.map((s) => s.service).join(' ');
    const onQuit = () => [
      `The rollout of ${plan.application} in ${plan.environment} was quit at once: a service it updated may still run the new revision${plan.release ? ', and a release task it started may still run' : ''}.`,
      `Fix: look at them (aws ecs describe-services --cluster ${plan.cluster} --services ${services}), then roll out again (it starts clean) or put them back with UpdateService.`,
    ];
    const result = await withInterrupts((signal) => rollout(plan, ports, { signal }), { onQuit });
    reporter.close();
    printRollout(result, flags, io, redactor);
    return result.error ? reportFailure(result.error, flags, io, redactor) : 0;
  } catch (error) {
    reporter.close();
    return failEarly(error, 'rollout', flags, io, redactor);
  }
}

/** A dry run that stopped: what it read, and what it did not ("not read", never "not set"). */
function stoppedDryRun(result: RolloutResult, what: string, total: string): string[] {
  const read = readsOf({ command: 'rollout', result });
  return [
    `Dry run of the rollout of ${what} stopped after ${total}: nothing was changed.`,
    `  parameter        ${result.parameterName}: ${read.parameter ? `${result.version} (version ${result.parameterVersion ?? '?'})` : 'not read'}`,
    `  image            ${read.image ? (result.image ?? '?') : 'not looked up'}`,
  ];
}

function printRollout(result: RolloutResult, flags: CommonFlags, io: CliIO, redactor: Redactor): void {
  if (flags.json) {
    io.stdout.write(
      `${redactor.redact(JSON.stringify(resultJson({ command: 'rollout', result }), null, 2))}\n`,
    );
    return;
  }
  const total = formatDuration(result.steps.reduce((t, s) => t + s.durationMs, 0));
  const what = `${result.application} ${result.version ?? ''} in ${result.environment}`.replace('  ', ' ');
  const td = (arn: string | undefined) => (arn ? shortTaskDefinition(arn) : '?');
  const first = firstService(result);
  // Several services: one line each (and the release task's) instead of the first service's fields.
  const several = result.services.length > 1;
  const where = several
    ? `${result.cluster} (${result.services.map((s) => s.service).join(', ')})`
    : `${result.cluster}/${result.service}`;
  const perService = describeRolloutServices(result).map(([k, v]) => `  ${k.padEnd(16)} ${v}`);
  const lines: string[] = [''];
  if (result.dryRun && result.status === 'succeeded') {
    lines.push(
      result.alreadyRunning
        ? `Dry run: ${what} already runs ${result.image}; a rollout would change nothing.`
        : `Dry run: nothing was changed. The rollout of ${what} would register a new revision of ${several ? 'each service' : td(first.previousTaskDefinition)} with:`,
    );
    if (!result.alreadyRunning) lines.push(...result.diff.map((d) => `  ${d}`));
  } else if (result.status === 'succeeded') {
    lines.push(
      result.alreadyRunning
        ? `${what} is already running on ${where}: nothing changed (${total})`
        : `Rolled out ${what} on ${where} in ${total}`,
      `  image            ${result.image}`,
    );
    if (!several)
      lines.push(
        `  task definition  ${td(first.taskDefinition)}${result.alreadyRunning ? '' : ` (was ${td(first.previousTaskDefinition)})`}`,
        `  deployment       ${first.deploymentId ?? '?'} (${first.strategy ?? 'ROLLING'}, ${first.rolloutState ?? '?'})`,
      );
    lines.push(
      ...perService,
      `  parameter        ${result.parameterName} version ${result.parameterVersion ?? '?'}, labelled "deployed" at ${result.stage ?? 'complete'}`,
    );
    if (result.stage === 'traffic-shifted')
      lines.push(
        `  bake until       ${result.bakeUntil?.toISOString() ?? 'no bake'}: production traffic is on the new revision; a rollback after this point is not this run's to see`,
      );
  } else if (result.dryRun) {
    lines.push(...stoppedDryRun(result, what, total));
  } else {
    lines.push(`Rollout of ${what} on ${where} failed after ${total}`);
    if (result.image) lines.push(`  image            ${result.image}`);
    if (!several && first.taskDefinition) lines.push(`  task definition  ${td(first.taskDefinition)}`);
    if (!several && first.deploymentId)
      lines.push(`  deployment       ${first.deploymentId} (${first.rolloutState ?? '?'})`);
    if (!several && result.rolledBackTo) lines.push(`  back on          ${td(result.rolledBackTo)}`);
    lines.push(...perService);
  }
  io.stdout.write(`${redactor.redact(lines.join('\n'))}\n`);
}
