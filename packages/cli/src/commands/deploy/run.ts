import {
  execute,
  formatDuration,
  parseReleaseOptions,
  prepareDeploy,
  type ReleaseResult,
  resultJson,
} from '@shared-hosting/core';
import { CLI_INPUT_NAMES, CLI_OPERATION_NAMES, describePlan } from '@shared-hosting/core/adapter';
import type { Redactor } from '../../output/redact.js';
import { toDeployInputs } from '../../runtime/inputs.js';
import { runReleaseCommand } from '../../runtime/operation.js';
import { createCliPorts, type PortsFactory } from '../../runtime/ports.js';
import { terminalFor } from '../../runtime/terminal.js';
import type { CliIO } from '../../types.js';
import type { DeployFlags } from './command.js';

export async function runDeploy(
  flags: DeployFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  const { redactor, reporter } = terminalFor(flags, io);
  return runReleaseCommand(
    {
      name: 'deploy',
      steps: ({ plan }) => plan.steps,
      prepare: async () => {
        const plan = await prepareDeploy(toDeployInputs(flags), CLI_INPUT_NAMES, {
          cwd: io.cwd,
          env: io.env,
        });
        const release = parseReleaseOptions(flags, { ...CLI_INPUT_NAMES, ...CLI_OPERATION_NAMES });
        if (flags.dryRun && !flags.json) {
          io.stdout.write(
            `${redactor.redact(['Plan (dry run, nothing will be changed):', ...describePlan(plan).map((l) => `  ${l}`)].join('\n'))}\n\n`,
          );
        }
        return { plan, release };
      },
      builder: ({ plan }) => plan.build.builder,
      run: ({ plan, release }, ports, signal, live) =>
        execute(plan, ports, {
          ...release,
          dryRun: flags.dryRun,
          signal,
          live,
          tokenInput: 'GITHUB_TOKEN',
          trigger: flags.trigger !== false,
        }),
      print: (result) => printResult(result, flags, io, redactor),
    },
    { flags, io, factory, reporter, redactor },
  );
}

function printResult(result: ReleaseResult, flags: DeployFlags, io: CliIO, redactor: Redactor): void {
  if (flags.json) {
    const json = resultJson({ command: 'deploy', result });
    io.stdout.write(`${redactor.redact(JSON.stringify(json, null, 2))}\n`);
    return;
  }
  const total = formatDuration(result.steps.reduce((t, s) => t + s.durationMs, 0));
  const lines: string[] = [''];
  if (result.dryRun) {
    lines.push(
      'Dry run: nothing was changed.',
      `  image      ${result.image ?? '?'} ${result.imageExisted ? `(already in the registry: build and push would be skipped)` : '(would be built and pushed)'}`,
      `  parameter  ${result.parameterName}: ${result.previousValue ?? '(not set)'} → ${result.version}`,
    );
  } else if (result.status === 'succeeded' && !result.run && flags.trigger === false) {
    lines.push(
      `Version set, not deployed: ${result.application} ${result.version} in ${result.environment} (${total}); the infra deployment was not triggered (--no-trigger)`,
      `  image      ${result.image}${result.digest ? `@${result.digest}` : ''}`,
      `  parameter  ${result.parameterName} = ${result.version} (version ${result.parameterVersion ?? '?'}, was ${result.previousValue ?? 'not set'})`,
    );
  } else if (result.status === 'succeeded') {
    lines.push(
      `Deployed ${result.application} ${result.version} to ${result.environment} in ${total}`,
      `  image      ${result.image}${result.digest ? `@${result.digest}` : ''}`,
      `  parameter  ${result.parameterName} = ${result.version} (version ${result.parameterVersion ?? '?'}, was ${result.previousValue ?? 'not set'})`,
    );
    if (result.run)
      lines.push(
        `  infra run  ${result.run.url}${result.conclusion ? ` (${result.conclusion})` : ' (not waited for)'}`,
      );
  } else {
    lines.push(
      `Deployment of ${result.application} ${result.version} to ${result.environment} failed after ${total}`,
    );
    if (result.run)
      lines.push(`  infra run  ${result.run.url}${result.conclusion ? ` (${result.conclusion})` : ''}`);
    if (result.recovery) lines.push(`  recovery   ${result.recovery.summary}`);
  }
  io.stdout.write(`${redactor.redact(lines.join('\n'))}\n`);
}
