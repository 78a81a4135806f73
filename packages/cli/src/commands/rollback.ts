import {
  type DeployResult,
  formatDuration,
  type OperationInputs,
  prepareRollback,
  type RollbackResult,
  rollback,
  type StepId,
  toOutputs,
} from '@shared-hosting/core';
import type { Redactor } from '../output/redact.js';
import type { CliIO, CommonFlags, ReleaseFlags } from '../program.js';
import { runReleaseCommand } from '../runtime/operation.js';
import { createCliPorts, type PortsFactory } from '../runtime/ports.js';
import { errorJson, sharedInputs, terminalFor } from './deploy.js';
import { OPERATION_NAMES } from './status.js';

export interface RollbackFlags extends ReleaseFlags {
  env?: string;
  to?: string;
}

export function releaseInputs(flags: ReleaseFlags): OperationInputs {
  return {
    ...sharedInputs(flags),
    waitForLock: flags.waitForLock,
    rollbackOnFailure: flags.rollbackOnFailure,
    redeployOnRollback: flags.redeployOnRollback,
  };
}

/** The steps a rollback or promote shows; `lock` and `rollback` appear when they happen. */
export const RELEASE_STEPS: readonly StepId[] = ['preflight', 'set-version', 'trigger', 'wait', 'report'];

export async function runRollback(
  flags: RollbackFlags,
  io: CliIO,
  factory: PortsFactory = createCliPorts,
): Promise<number> {
  const { redactor, reporter } = terminalFor(flags, io, RELEASE_STEPS);
  return runReleaseCommand(
    {
      prepare: () =>
        prepareRollback({ ...releaseInputs(flags), environment: flags.env, to: flags.to }, OPERATION_NAMES, {
          cwd: io.cwd,
          env: io.env,
        }),
      run: (plan, ports, signal) =>
        rollback(plan, ports, { dryRun: flags.dryRun, signal, tokenInput: 'GITHUB_TOKEN' }),
      print: (result) => printRelease(result, flags, io, redactor),
    },
    { flags, io, factory, reporter, redactor },
  );
}

/** deploy's JSON fields, plus the operation's and the recovery's. */
export function releaseJson(result: DeployResult & { operation: string }, extra: Record<string, unknown>) {
  const recovery = result.recovery;
  return {
    operation: result.operation,
    ...toOutputs(result),
    status: result.status,
    'dry-run': result.dryRun,
    'previous-value': result.previousValue ?? null,
    ...extra,
    ...(recovery
      ? {
          recovery: {
            restored: recovery.restored,
            value: recovery.value ?? null,
            'parameter-version': recovery.parameterVersion ?? null,
            'run-id': recovery.run?.id ?? null,
            'run-url': recovery.run?.url ?? null,
            conclusion: recovery.conclusion ?? null,
            summary: recovery.summary,
          },
        }
      : {}),
    steps: result.steps,
    ...(result.error ? { error: errorJson(result.error) } : {}),
  };
}

/** What a rollback or promote did, for humans; or the JSON. */
export function printRelease(
  result:
    | RollbackResult
    | (DeployResult & {
        operation: 'promote';
        sourceEnvironment: string;
        sourceVersion: string | undefined;
        retagged: boolean;
      }),
  flags: CommonFlags,
  io: CliIO,
  redactor: Redactor,
): void {
  const rb = result.operation === 'rollback' ? result : undefined;
  const pr = result.operation === 'promote' ? result : undefined;
  if (flags.json) {
    const extra = rb
      ? { from: rb.from ?? null }
      : {
          'source-environment': pr?.sourceEnvironment,
          'source-version': pr?.sourceVersion ?? null,
          retagged: pr?.retagged,
        };
    io.stdout.write(`${redactor.redact(JSON.stringify(releaseJson(result, extra), null, 2))}\n`);
    return;
  }
  const total = formatDuration(result.steps.reduce((t, s) => t + s.durationMs, 0));
  const what = rb
    ? `Rollback of ${result.application} in ${result.environment}${rb.from ? ` from ${rb.from}` : ''} to ${result.version}`
    : `Promotion of ${result.application} ${pr?.sourceVersion ?? ''} from ${pr?.sourceEnvironment} to ${result.environment}`;
  const lines: string[] = [''];
  if (result.dryRun) {
    lines.push(
      `Dry run: nothing was changed. ${what} would:`,
      `  image      ${result.image ?? '?'}${result.digest ? `@${result.digest}` : ''} (in the registry)`,
      `  parameter  ${result.parameterName}: ${result.previousValue ?? '(not set)'} → ${result.version}`,
    );
  } else {
    lines.push(result.status === 'succeeded' ? `${what}: done in ${total}` : `${what} failed after ${total}`);
    if (result.image)
      lines.push(
        `  image      ${result.image}${result.digest ? `@${result.digest}` : ''}${pr?.retagged ? ' (new tag)' : ''}`,
      );
    if (result.parameterVersion !== undefined)
      lines.push(
        `  parameter  ${result.parameterName} = ${result.version} (version ${result.parameterVersion}, was ${result.previousValue ?? 'not set'})`,
      );
    if (result.run)
      lines.push(
        `  infra run  ${result.run.url}${result.conclusion ? ` (${result.conclusion})` : ' (not waited for)'}`,
      );
    if (result.recovery) {
      lines.push(`  recovery   ${result.recovery.summary}`);
      if (result.recovery.run)
        lines.push(
          `  2nd run    ${result.recovery.run.url}${result.recovery.conclusion ? ` (${result.recovery.conclusion})` : ''}`,
        );
    }
  }
  io.stdout.write(`${redactor.redact(lines.join('\n'))}\n`);
}
