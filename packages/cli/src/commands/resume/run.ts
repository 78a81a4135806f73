import {
  planResume,
  prepareRollout,
  type ResumeAction,
  type ResumeResult,
  resultJson,
  resume,
} from '@shared-hosting/core';
import { CLI_ROLLOUT_NAMES } from '@shared-hosting/core/adapter';
import type { CommonFlags } from '../../options.js';
import type { Redactor } from '../../output/redact.js';
import { withInterrupts } from '../../runtime/signals.js';
import { failEarly, reportFailure, terminalFor } from '../../runtime/terminal.js';
import type { CliIO } from '../../types.js';
import type { RolloutPortsFactory } from '../rollout/run.js';
import { createCliRolloutPorts } from '../rollout/run.js';
import type { ResumeFlags } from './command.js';

/**
 * hosting continue / hosting abort: find the service deployment in flight for the application and
 * environment (the App spec names cluster and service) and resume it at its pause hook, or roll it back.
 */
export async function runResume(
  action: ResumeAction,
  flags: ResumeFlags,
  io: CliIO,
  factory: RolloutPortsFactory = createCliRolloutPorts,
): Promise<number> {
  const { redactor, reporter } = terminalFor(flags, io, [action]);
  try {
    const rolloutPlan = await prepareRollout(
      {
        application: flags.app,
        environment: flags.env,
        spec: flags.spec,
        cluster: flags.cluster,
        service: flags.service,
      },
      CLI_ROLLOUT_NAMES,
      io.cwd,
    );
    const ports = await factory({ flags, io, reporter });
    const result = await withInterrupts((signal) =>
      resume(planResume(rolloutPlan, action), ports, { signal }),
    );
    reporter.close();
    printResume(result, flags, io, redactor);
    return result.error ? reportFailure(result.error, flags, io, redactor) : 0;
  } catch (error) {
    reporter.close();
    return failEarly(error, action, flags, io, redactor);
  }
}

function printResume(result: ResumeResult, flags: CommonFlags, io: CliIO, redactor: Redactor): void {
  if (flags.json) {
    const json = resultJson({ command: result.action, result } as Parameters<typeof resultJson>[0]);
    io.stdout.write(`${redactor.redact(JSON.stringify(json, null, 2))}\n`);
    return;
  }
  if (result.status !== 'succeeded') return;
  const where = `${result.application} in ${result.environment} (${result.cluster}/${result.service})`;
  const at = result.stage ? ` at ${result.stage}` : '';
  const lines =
    result.action === 'continue'
      ? [`Resumed the deployment of ${where}, paused${at}: ${result.call}.`]
      : [`Asked ECS to roll back the deployment of ${where}${at}: ${result.call}.`];
  lines.push(`  service deployment  ${result.serviceDeployment ?? '?'}`);
  lines.push('  The rollout that started it reports how it ends.');
  io.stdout.write(`${redactor.redact(lines.join('\n'))}\n`);
}
