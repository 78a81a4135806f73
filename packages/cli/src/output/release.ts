import { formatDuration, type PromoteResult, type RollbackResult, resultJson } from '@shared-hosting/core';
import type { CommonFlags } from '../options.js';
import type { CliIO } from '../types.js';
import type { Redactor } from './redact.js';

/** What a rollback or promote did, for humans; or the JSON. */
export function printRelease(
  result: RollbackResult | PromoteResult,
  flags: CommonFlags,
  io: CliIO,
  redactor: Redactor,
): void {
  const rb = result.operation === 'rollback' ? result : undefined;
  const pr = result.operation === 'promote' ? result : undefined;
  if (flags.json) {
    const json = rb
      ? resultJson({ command: 'rollback', result: rb })
      : resultJson({ command: 'promote', result: result as PromoteResult });
    io.stdout.write(`${redactor.redact(JSON.stringify(json, null, 2))}\n`);
    return;
  }
  const total = formatDuration(result.steps.reduce((t, s) => t + s.durationMs, 0));
  const what = rb
    ? `Rollback of ${result.application} in ${result.environment}${rb.from ? ` from ${rb.from}` : ''} to ${result.version}`
    : `Promotion of ${[result.application, pr?.sourceVersion].filter(Boolean).join(' ')} from ${pr?.sourceEnvironment} to ${result.environment}`;
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
