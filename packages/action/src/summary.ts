/**
 * The job summary of every command, over core's result type (`CommandResult`): a heading, a table of
 * facts, the command's own sections (pauses, task definition changes, service events), the steps with
 * their times and, on failure, what failed and why. The heading, the facts, the sections and what a failure
 * adds are the command's own (its descriptor, commands/<name>.ts); this file only lays them out.
 */
import { BuildError, formatDuration, readsOf, STEP_TITLES } from '@shared-hosting/core';
import type { ActionResult } from './commands/types.js';
import { commandOf } from './commands.js';
import { details, escapeHtml, pre } from './html.js';

export { cleanLogLine, escapeHtml } from './html.js';

const row = (cells: string[], tag: 'td' | 'th' = 'td') =>
  `<tr>${cells.map((cell) => `<${tag}>${cell}</${tag}>`).join('')}</tr>`;
const STATUS_MARK = { done: '✅ done', skipped: '⏭️ skipped', failed: '❌ failed' } as const;

/** What was done, and how it went. */
export function summaryHeading(r: ActionResult): string {
  return commandOf(r).heading(r.result, r.command);
}

function stepsTable(r: ActionResult): string[] {
  const steps = r.result.steps;
  const out = ['### Steps', '', '<table>', row(['Step', 'Status', 'Time', 'Details'], 'th')];
  for (const step of steps) {
    out.push(
      row([
        escapeHtml(STEP_TITLES[step.step] ?? step.step),
        STATUS_MARK[step.status],
        step.status === 'skipped' ? '' : formatDuration(step.durationMs),
        escapeHtml(step.summary),
      ]),
    );
  }
  const total = steps.reduce((sum, s) => sum + s.durationMs, 0);
  out.push(row(['Total', '', formatDuration(total), '']), '</table>', '');
  return out;
}

/** What failed: the step, the error and its fix, the build's logs, then what the command adds. */
function failureSection(r: ActionResult): string[] {
  const out: string[] = ['### What failed', ''];
  const failedStep = r.result.steps.find((s) => s.status === 'failed');
  const error = r.result.error;
  if (failedStep) out.push(`Step <b>${escapeHtml(STEP_TITLES[failedStep.step] ?? failedStep.step)}</b>.`, '');
  if (error) {
    out.push(pre([error.message]));
    if (error.fix) out.push('', `<b>Fix:</b> ${escapeHtml(error.fix)}`);
    out.push('');
    if (error instanceof BuildError && error.logTail.length > 0)
      out.push(...details('Last lines of the build output', pre(error.logTail), true));
  }
  out.push(...(commandOf(r).failure?.(r.result) ?? []));
  return out;
}

/** The job summary of a command's result. */
export function renderSummary(r: ActionResult): string {
  const command = commandOf(r);
  const out: string[] = [`## ${escapeHtml(summaryHeading(r))}`, ''];
  const facts = command.facts(r.result, readsOf(r));
  out.push('<table>', ...facts.map(([k, v]) => row([k, v])), '</table>', '');
  out.push(...(command.sections?.(r.result) ?? []));
  out.push(...stepsTable(r));
  if (r.result.status === 'failed') out.push(...failureSection(r));
  return `${out.join('\n')}\n`;
}
