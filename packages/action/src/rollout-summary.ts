import { formatDuration, type RolloutResult, STEP_TITLES, shortTaskDefinition } from '@shared-hosting/core';
import { describeRolloutServices } from '@shared-hosting/core/adapter';
import { escapeHtml } from './html.js';

const MAX_EVENTS = 30;
const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const row = (cells: string[], tag: 'td' | 'th' = 'td') =>
  `<tr>${cells.map((cell) => `<${tag}>${cell}</${tag}>`).join('')}</tr>`;
const STATUS_MARK = { done: '✅ done', skipped: '⏭️ skipped', failed: '❌ failed' } as const;

/** `✅ Rolled out …`, `✅ … already running`, `🔍 Dry run …` or `❌ Rollout of … failed`. */
export function rolloutHeading(result: RolloutResult): string {
  const what = `${result.application}${result.version ? ` ${result.version}` : ''} to ${result.environment}`;
  if (result.status === 'failed') return `❌ Rollout of ${what} failed`;
  if (result.dryRun) return `🔍 Dry run: rollout of ${what}`;
  if (result.alreadyRunning) return `✅ ${what} is already running: nothing changed`;
  return `✅ Rolled out ${what}`;
}

/** The strategy ECS used and the stage the rollout waited until (with the bake's end). */
function strategyFacts(result: RolloutResult): [string, string][] {
  const facts: [string, string][] = [];
  if (result.strategy) facts.push(['Strategy', escapeHtml(result.strategy)]);
  const bake = result.bakeUntil
    ? ` (the bake runs until ${escapeHtml(result.bakeUntil.toISOString())}; a rollback after this point is not this run's to see)`
    : '';
  if (result.stage) facts.push(['Waited until', `${escapeHtml(result.stage)}${bake}`]);
  return facts;
}

/** The pause hooks announced during the wait, with the commands that answered (or answer) them. */
function pausesSection(result: RolloutResult): string[] {
  if (result.pauses.length === 0) return [];
  const out = ['### Paused for approval', ''];
  for (const p of result.pauses) {
    const until = p.expiresAt
      ? ` until ${escapeHtml(p.expiresAt.toISOString())} (then ${escapeHtml(p.timeoutAction ?? '?')})`
      : '';
    out.push(
      `- at ${escapeHtml(p.stage ?? 'a lifecycle hook')}${until}: resume with ${code(p.resume)}, roll back with ${code(p.abort)}`,
    );
  }
  out.push('');
  return out;
}

/**
 * The job summary of `command: rollout`: the deployment, the revision, the image, the service events
 * seen during the wait and, on failure, the reasons (stopped tasks, where the service went back to).
 */
export function renderRolloutSummary(result: RolloutResult): string {
  const out: string[] = [`## ${escapeHtml(rolloutHeading(result))}`, ''];
  const td = (arn: string) => code(shortTaskDefinition(arn));
  const facts: [string, string][] = [
    ['Service', `${code(result.service)} in cluster ${code(result.cluster)}`],
    [
      'Version',
      result.version
        ? `${code(result.version)} (${code(result.parameterName)} version ${result.parameterVersion})`
        : code(result.parameterName),
    ],
  ];
  if (result.image) facts.push(['Image', code(result.image)]);
  if (result.taskDefinition)
    facts.push([
      'Revision',
      `${td(result.taskDefinition)}${result.previousTaskDefinition && result.previousTaskDefinition !== result.taskDefinition ? ` (was ${td(result.previousTaskDefinition)})` : ''}`,
    ]);
  if (result.deploymentId)
    facts.push([
      'Deployment',
      `${code(result.deploymentId)}${result.rolloutState ? ` ${escapeHtml(result.rolloutState)}` : ''}`,
    ]);
  facts.push(...strategyFacts(result));
  if (result.rolledBackTo) facts.push(['Went back to', td(result.rolledBackTo)]);
  // Several services (and the release task): one row each.
  for (const [label, text] of describeRolloutServices(result)) facts.push([code(label), escapeHtml(text)]);
  out.push('<table>', ...facts.map(([k, v]) => row([k, v])), '</table>', '');

  out.push(...pausesSection(result));
  if (result.status === 'failed' && result.error) {
    out.push('### Why it failed', '', `<pre>${escapeHtml(result.error.message)}</pre>`);
    if (result.error.fix) out.push('', `<b>Fix:</b> ${escapeHtml(result.error.fix)}`);
    out.push('');
    if (result.stoppedReasons.length > 0) {
      out.push('Stopped tasks:', '', ...result.stoppedReasons.map((r) => `- ${code(r)}`), '');
    }
  }
  if (result.diff.length > 0 && (result.dryRun || !result.alreadyRunning)) {
    out.push(
      '<details><summary>Task definition changes</summary>',
      '',
      `<pre>${escapeHtml(result.diff.join('\n'))}</pre>`,
      '</details>',
      '',
    );
  }
  if (result.events.length > 0) {
    const events = result.events.slice(-MAX_EVENTS).map((e) => e.message);
    out.push(
      '<details><summary>Service events</summary>',
      '',
      `<pre>${escapeHtml(events.join('\n'))}</pre>`,
      '</details>',
      '',
    );
  }

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
  out.push('</table>', '');
  return `${out.join('\n')}\n`;
}
