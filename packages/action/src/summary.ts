import {
  BuildError,
  formatDuration,
  type HostingError,
  type ReleaseResult,
  STEP_TITLES,
} from '@shared-hosting/core';
import { escapeHtml } from './html.js';
import { summaryFacts, summaryHeading } from './operations.js';

export { escapeHtml };

const MAX_LOG_LINES = 50;

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const link = (url: string, text: string) => `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
const row = (cells: string[], tag: 'td' | 'th' = 'td') =>
  `<tr>${cells.map((cell) => `<${tag}>${cell}</${tag}>`).join('')}</tr>`;
const pre = (lines: readonly string[]) => `<pre>${escapeHtml(lines.slice(-MAX_LOG_LINES).join('\n'))}</pre>`;

/** A job log line as a reader wants it: no timestamp, no `##[group]` markers, `##[error]` as "Error: ". */
export function cleanLogLine(line: string): string | undefined {
  const text = line.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/, '');
  if (/^##\[endgroup\]/.test(text)) return undefined;
  return text
    .replace(/^##\[error\]/, 'Error: ')
    .replace(/^##\[warning\]/, 'Warning: ')
    .replace(/^##\[(?:group|notice|debug|command|section)\]/, '');
}

const logTail = (lines: readonly string[]) =>
  pre(lines.map(cleanLogLine).filter((l): l is string => l !== undefined));

const STATUS_MARK = { done: '✅ done', skipped: '⏭️ skipped', failed: '❌ failed' } as const;

/**
 * The job summary: what was deployed where, the parameter change, the infra run with its link, the
 * conclusion and the time per step; on failure, the failed step, job and the end of its log.
 */
export function renderSummary(result: ReleaseResult): string {
  // What was deployed, rolled back or promoted, and how it went.
  const heading = summaryHeading(result);
  const out: string[] = [`## ${escapeHtml(heading)}`, ''];

  const facts: [string, string][] = [
    ['Application', code(result.application)],
    ['Environment', code(result.environment)],
    ['Version', code(result.version)],
  ];
  if (result.image) facts.push(['Image', code(result.image)]);
  if (result.digest) facts.push(['Digest', code(result.digest)]);
  const parameterChange =
    result.parameterVersion !== undefined
      ? `${code(result.parameterName)}: ${result.previousValue === undefined ? '(not set)' : code(result.previousValue)} → ${code(result.version)} (version ${result.parameterVersion})`
      : `${code(result.parameterName)} (not changed)`;
  facts.push(['Parameter', parameterChange]);
  if (result.run) facts.push(['Infra run', link(result.run.url, `run ${result.run.id}`)]);
  facts.push(['Conclusion', escapeHtml(result.conclusion ?? (result.run ? 'not waited for' : 'not run'))]);
  facts.push(...summaryFacts(result, { code, link, escape: escapeHtml }));
  out.push('<table>', ...facts.map(([k, v]) => row([k, v])), '</table>', '');

  out.push('### Steps', '', '<table>', row(['Step', 'Status', 'Time', 'Details'], 'th'));
  for (const step of result.steps) {
    out.push(
      row([
        escapeHtml(STEP_TITLES[step.step] ?? step.step),
        STATUS_MARK[step.status],
        step.status === 'skipped' ? '' : formatDuration(step.durationMs),
        escapeHtml(step.summary),
      ]),
    );
  }
  const total = result.steps.reduce((sum, s) => sum + s.durationMs, 0);
  out.push(row(['Total', '', formatDuration(total), '']), '</table>', '');

  if (result.status === 'failed') out.push(...renderFailure(result));
  return `${out.join('\n')}\n`;
}

function renderFailure(result: ReleaseResult): string[] {
  const out: string[] = ['### What failed', ''];
  const failedStep = result.steps.find((s) => s.status === 'failed');
  const error: HostingError | undefined = result.error;
  if (failedStep) out.push(`Step <b>${escapeHtml(STEP_TITLES[failedStep.step] ?? failedStep.step)}</b>.`, '');
  if (error) {
    out.push(pre([error.message]));
    if (error.fix) out.push('', `<b>Fix:</b> ${escapeHtml(error.fix)}`);
    out.push('');
    if (error instanceof BuildError && error.logTail.length > 0) {
      out.push(
        '<details open><summary>Last lines of the build output</summary>',
        '',
        pre(error.logTail),
        '</details>',
        '',
      );
    }
  }
  for (const job of result.failedJobs) {
    const name = job.url ? link(job.url, job.name) : escapeHtml(job.name);
    out.push(
      `Job <b>${name}</b>: ${escapeHtml(job.conclusion)}${job.step ? ` at step <b>${escapeHtml(job.step)}</b>` : ''}.`,
      '',
    );
    if (job.logTail && job.logTail.length > 0) {
      out.push(
        '<details open><summary>Last lines of its log</summary>',
        '',
        logTail(job.logTail),
        '</details>',
        '',
      );
    }
  }
  if (result.run) out.push(`See the ${link(result.run.url, 'infra run')} for details.`, '');
  return out;
}
