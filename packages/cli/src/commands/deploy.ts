import {
  CLI_INPUT_NAMES,
  CLI_OPERATION_NAMES,
  type DeployInputs,
  type DeployResult,
  describePlan,
  execute,
  formatDuration,
  type HostingError,
  parseReleaseOptions,
  prepareDeploy,
  toOutputs,
} from '@shared-hosting/core';
import { exitCodeFor } from '../exit-codes.js';
import { type Redactor, redactorFromEnv } from '../output/redact.js';
import { formatError, TerminalReporter } from '../output/terminal.js';
import type { CliIO, CommonFlags, DeployFlags, ReleaseFlags } from '../program.js';
import { runReleaseCommand } from '../runtime/operation.js';
import { createCliPorts, type PortsFactory } from '../runtime/ports.js';

/** The inputs every command that deploys shares: application, repository, parameter, infra and wait. */
export function sharedInputs(flags: ReleaseFlags): DeployInputs {
  return {
    application: flags.app,
    repository: flags.repository,
    parameter: flags.parameter,
    infraRepository: flags.infraRepo,
    infraWorkflow: flags.infraWorkflow,
    infraRef: flags.infraRef,
    wait: flags.wait,
    timeout: flags.timeout,
    cancelOnTimeout: flags.cancelOnTimeout,
    cancelOnInterrupt: flags.cancelOnInterrupt,
  };
}

export function toDeployInputs(flags: DeployFlags): DeployInputs {
  return {
    ...sharedInputs(flags),
    environment: flags.env,
    version: flags.version,
    context: flags.context,
    dockerfile: flags.dockerfile,
    builder: flags.builder,
    buildArgs: flags.buildArg,
    target: flags.target,
    platform: flags.platform,
    cache: flags.cache,
  };
}

/** Set up the reporter and redactor the way every command shows progress. */
export function terminalFor(flags: CommonFlags, io: CliIO, stepIds?: Parameters<typeof makeReporter>[3]) {
  const redactor = redactorFromEnv(io.env);
  return { redactor, reporter: makeReporter(flags, io, redactor, stepIds) };
}

function makeReporter(
  flags: CommonFlags,
  io: CliIO,
  redactor: Redactor,
  stepIds?: ConstructorParameters<typeof TerminalReporter>[2],
): TerminalReporter {
  const noColor = flags.color === false || io.env.NO_COLOR !== undefined || io.env.TERM === 'dumb';
  // With --json, stdout is for the result only: progress goes to stderr.
  const out = flags.json ? io.stderr : io.stdout;
  const live = Boolean(out.isTTY) && !noColor && io.env.CI !== 'true';
  return new TerminalReporter(
    out,
    { live, color: !noColor && Boolean(out.isTTY), debug: Boolean(flags.debug), redactor },
    stepIds,
  );
}

/** Print a failure and return its exit code. */
export function reportFailure(
  error: HostingError,
  flags: CommonFlags,
  io: CliIO,
  redactor: Redactor,
): number {
  const text = formatError(error, Boolean(flags.debug)).join('\n');
  io.stderr.write(`${redactor.redact(text)}\n`);
  return exitCodeFor(error.kind);
}

export async function runDeploy(
  flags: DeployFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  const { redactor, reporter } = terminalFor(flags, io);
  return runReleaseCommand(
    {
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
      run: ({ plan, release }, ports, signal) =>
        execute(plan, ports, {
          ...release,
          dryRun: flags.dryRun,
          signal,
          tokenInput: 'GITHUB_TOKEN',
          allowMissingToken: true,
        }),
      print: (result) => printResult(result, flags, io, redactor),
    },
    { flags, io, factory, reporter, redactor },
  );
}

export function errorJson(e: HostingError) {
  return { code: e.code, kind: e.kind, message: e.message, fix: e.fix };
}

function printResult(result: DeployResult, flags: DeployFlags, io: CliIO, redactor: Redactor): void {
  if (flags.json) {
    const json = {
      ...toOutputs(result),
      status: result.status,
      'dry-run': result.dryRun,
      'previous-value': result.previousValue ?? null,
      'image-existed': result.imageExisted ?? null,
      steps: result.steps,
      ...(result.recovery ? { recovery: result.recovery } : {}),
      ...(result.error ? { error: errorJson(result.error) } : {}),
    };
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
