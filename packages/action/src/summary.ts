/**
 * The job summary of every command, over core's result type (`CommandResult`): a heading, a table of
 * facts, the command's own sections (pauses, task definition changes, service events), the steps with
 * their times and, on failure, what failed and why. A command adds its heading and its facts here.
 */
import {
  BuildError,
  type CommandResult,
  formatDuration,
  type Reads,
  type ReleaseResult,
  type RolloutResult,
  readsOf,
  STEP_TITLES,
  shortTaskDefinition,
} from '@shared-hosting/core';
import { describeRolloutServices, firstService } from '@shared-hosting/core/adapter';
import type { CommandName } from './command-input.js';
import { escapeHtml } from './html.js';

export { escapeHtml };

/** The result of a command of the Action. */
export type ActionResult = Extract<CommandResult, { command: CommandName }>;

const MAX_LOG_LINES = 50;
const MAX_EVENTS = 30;

const code = (text: string) => `<code>${escapeHtml(text)}</code>`;
const link = (url: string, text: string) => `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`;
const row = (cells: string[], tag: 'td' | 'th' = 'td') =>
  `<tr>${cells.map((cell) => `<${tag}>${cell}</${tag}>`).join('')}</tr>`;
const pre = (lines: readonly string[]) => `<pre>${escapeHtml(lines.slice(-MAX_LOG_LINES).join('\n'))}</pre>`;
const details = (summary: string, body: string, open = false) => [
  `<details${open ? ' open' : ''}><summary>${summary}</summary>`,
  '',
  body,
  '</details>',
  '',
];
const STATUS_MARK = { done: '✅ done', skipped: '⏭️ skipped', failed: '❌ failed' } as const;

/** A job log line as a reader wants it: no timestamp, no `##[group]` markers, `##[error]` as "Error: ". */
export function cleanLogLine(line: string): string | undefined {
  const text = line.replace(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/, '');
  if (/^##\[endgroup\]/.test(text)) return undefined;
  return text
    .replace(/^##\[error\]/, 'Error: ')
    .replace(/^##\[warning\]/, 'Warning: ')
    .replace(/^##\[(?:group|notice|debug|command|section)\]/, '');
}

/** `✅ Deployed …` / `🚀 … triggered` / `❌ … failed`, in the release's words. */
function releaseHeading(result: ReleaseResult, words: { done: string; noun: string; what: string }): string {
  if (result.status === 'failed') return `❌ ${words.noun} of ${words.what} failed`;
  if (result.dryRun) return `🔍 Dry run: ${words.noun.toLowerCase()} of ${words.what}`;
  // Only the version was set (trigger: false): nothing was triggered.
  if (result.run === undefined)
    return `📌 Version set, not deployed: ${words.what} (the infra deployment was not triggered)`;
  const triggered = !result.conclusion;
  return triggered ? `🚀 ${words.noun} of ${words.what} triggered` : `${words.done} ${words.what}`;
}

function rolloutHeading(result: RolloutResult): string {
  const what = `${result.application}${result.version ? ` ${result.version}` : ''} to ${result.environment}`;
  if (result.status === 'failed') return `❌ Rollout of ${what} failed`;
  if (result.dryRun) return `🔍 Dry run: rollout of ${what}`;
  if (result.alreadyRunning) return `✅ ${what} is already running: nothing changed`;
  return `✅ Rolled out ${what}`;
}

/** What was done, and how it went. */
export function summaryHeading(r: ActionResult): string {
  switch (r.command) {
    case 'deploy': {
      const { application, version, environment } = r.result;
      const what = `${application} ${version} to ${environment}`;
      return releaseHeading(r.result, { done: '✅ Deployed', noun: 'Deployment', what });
    }
    case 'rollback': {
      const { application, environment, from, version } = r.result;
      const what = `${application} in ${environment}${from ? ` from ${from}` : ''} to ${version}`;
      return releaseHeading(r.result, { done: '⏪ Rolled back', noun: 'Rollback', what });
    }
    case 'promote': {
      const { application, version, sourceEnvironment, environment } = r.result;
      const what = `${application} ${version} from ${sourceEnvironment} to ${environment}`;
      return releaseHeading(r.result, { done: '⏩ Promoted', noun: 'Promotion', what });
    }
    case 'rollout':
      return rolloutHeading(r.result);
    default: {
      const where = `${r.result.application} in ${r.result.environment}`;
      if (r.result.status === 'failed') return `❌ Could not ${r.command} the deployment of ${where}`;
      return r.command === 'continue'
        ? `▶️ Resumed the deployment of ${where}`
        : `⏪ Rolling back the deployment of ${where}`;
    }
  }
}

/** The parameter's change; in a dry run what it would be, or that the parameter was not read. */
function parameterFact(result: ReleaseResult, read: Reads): string {
  const name = code(result.parameterName);
  if (!read.parameter) return `${name}: not read`;
  const from = result.previousValue === undefined ? '(not set)' : code(result.previousValue);
  if (result.parameterVersion !== undefined)
    return `${name}: ${from} → ${code(result.version)} (version ${result.parameterVersion})`;
  return result.dryRun
    ? `${name}: ${from} → ${code(result.version)} (dry run: not changed)`
    : `${name} (not changed)`;
}

/** The image; in a dry run whether it is in the registry, or that it was not looked up. */
function imageFact(result: ReleaseResult, read: Reads): string | undefined {
  if (!read.image)
    return result.dryRun ? `${result.image ? `${code(result.image)} ` : ''}(not looked up)` : undefined;
  if (!result.image) return undefined;
  if (!result.dryRun) return code(result.image);
  return `${code(result.image)} (${result.imageExisted ? 'in the registry' : 'not in the registry: would be built and pushed'})`;
}

/** The facts of a release: what went where, the parameter change, the infra run and the recovery. */
function releaseFacts(result: ReleaseResult, read: Reads): [string, string][] {
  const facts: [string, string][] = [
    ['Application', code(result.application)],
    ['Environment', code(result.environment)],
    ['Version', code(result.version)],
  ];
  const image = imageFact(result, read);
  if (image) facts.push(['Image', image]);
  if (result.digest) facts.push(['Digest', code(result.digest)]);
  facts.push(['Parameter', parameterFact(result, read)]);
  if (result.run) facts.push(['Infra run', link(result.run.url, `run ${result.run.id}`)]);
  facts.push(['Conclusion', escapeHtml(result.conclusion ?? (result.run ? 'not waited for' : 'not run'))]);
  const recovery = result.recovery;
  if (recovery) {
    facts.push(['Rollback on failure', escapeHtml(recovery.summary)]);
    if (recovery.run)
      facts.push([
        'Redeployment run',
        `${link(recovery.run.url, `run ${recovery.run.id}`)}${recovery.conclusion ? `: ${escapeHtml(recovery.conclusion)}` : ''}`,
      ]);
  }
  return facts;
}

/** The facts of a rollout: service, version, image, revision, deployment, strategy, where it went back. */
function rolloutFacts(result: RolloutResult, read: Reads): [string, string][] {
  const td = (arn: string) => code(shortTaskDefinition(arn));
  const first = firstService(result);
  const facts: [string, string][] = [
    ['Service', `${code(result.service)} in cluster ${code(result.cluster)}`],
    [
      'Version',
      result.version
        ? `${code(result.version)} (${code(result.parameterName)} version ${result.parameterVersion})`
        : `${code(result.parameterName)}${read.parameter ? '' : ': not read'}`,
    ],
  ];
  if (result.image) facts.push(['Image', code(result.image)]);
  else if (!read.image) facts.push(['Image', 'not looked up']);
  const previous = first.previousTaskDefinition;
  if (first.taskDefinition)
    facts.push([
      'Revision',
      `${td(first.taskDefinition)}${previous && previous !== first.taskDefinition ? ` (was ${td(previous)})` : ''}`,
    ]);
  if (first.deploymentId)
    facts.push([
      'Deployment',
      `${code(first.deploymentId)}${first.rolloutState ? ` ${escapeHtml(first.rolloutState)}` : ''}`,
    ]);
  if (first.strategy) facts.push(['Strategy', escapeHtml(first.strategy)]);
  const bake = result.bakeUntil
    ? ` (the bake runs until ${escapeHtml(result.bakeUntil.toISOString())}; a rollback after this point is not this run's to see)`
    : '';
  if (result.stage) facts.push(['Waited until', `${escapeHtml(result.stage)}${bake}`]);
  if (result.rolledBackTo) facts.push(['Went back to', td(result.rolledBackTo)]);
  // Several services (and the release task): one row each.
  for (const [label, text] of describeRolloutServices(result)) facts.push([code(label), escapeHtml(text)]);
  return facts;
}

/** The rows of the facts table. */
function factsOf(r: ActionResult): [string, string][] {
  switch (r.command) {
    case 'deploy':
      return releaseFacts(r.result, readsOf(r));
    case 'rollback':
      return [
        ...releaseFacts(r.result, readsOf(r)),
        ...(r.result.from ? [['Rolled back from', code(r.result.from)] as [string, string]] : []),
      ];
    case 'promote': {
      const { sourceEnvironment, sourceVersion, retagged, version } = r.result;
      const from = `${code(sourceEnvironment)}${sourceVersion ? ` (${code(sourceVersion)})` : ''}${retagged ? `, tagged ${code(version)}` : ''}`;
      return [...releaseFacts(r.result, readsOf(r)), ['Promoted from', from]];
    }
    case 'rollout':
      return rolloutFacts(r.result, readsOf(r));
    default: {
      const { call, stage, serviceDeployment, service, cluster } = r.result;
      const facts: [string, string][] = [['Service', `${code(service)} in cluster ${code(cluster)}`]];
      if (call) facts.push(['ECS', `${code(call)}${stage ? ` at ${escapeHtml(stage)}` : ''}`]);
      if (serviceDeployment) facts.push(['Service deployment', code(serviceDeployment)]);
      return facts;
    }
  }
}

/** A rollout's own sections: the pauses it waited through, the task definition changes, service events. */
function rolloutSections(result: RolloutResult): string[] {
  const out: string[] = [];
  if (result.pauses.length > 0) {
    out.push('### Paused for approval', '');
    for (const p of result.pauses) {
      const until = p.expiresAt
        ? ` until ${escapeHtml(p.expiresAt.toISOString())} (then ${escapeHtml(p.timeoutAction ?? '?')})`
        : '';
      out.push(
        `- at ${escapeHtml(p.stage ?? 'a lifecycle hook')}${until}: resume with ${code(p.resume)}, roll back with ${code(p.abort)}`,
      );
    }
    out.push('');
  }
  if (result.diff.length > 0 && (result.dryRun || !result.alreadyRunning))
    out.push(...details('Task definition changes', `<pre>${escapeHtml(result.diff.join('\n'))}</pre>`));
  if (result.events.length > 0) {
    const events = result.events.slice(-MAX_EVENTS).map((e) => e.message);
    out.push(...details('Service events', `<pre>${escapeHtml(events.join('\n'))}</pre>`));
  }
  return out;
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

/** What failed: the step, the error and its fix, the build's or the infra jobs' logs, stopped tasks. */
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
  if (r.command === 'rollout' && r.result.stoppedReasons.length > 0)
    out.push('Stopped tasks:', '', ...r.result.stoppedReasons.map((reason) => `- ${code(reason)}`), '');
  if (r.command === 'deploy' || r.command === 'rollback' || r.command === 'promote') {
    for (const job of r.result.failedJobs) {
      const name = job.url ? link(job.url, job.name) : escapeHtml(job.name);
      out.push(
        `Job <b>${name}</b>: ${escapeHtml(job.conclusion)}${job.step ? ` at step <b>${escapeHtml(job.step)}</b>` : ''}.`,
        '',
      );
      const tail = (job.logTail ?? []).map(cleanLogLine).filter((l): l is string => l !== undefined);
      if (tail.length > 0) out.push(...details('Last lines of its log', pre(tail), true));
    }
    if (r.result.run) out.push(`See the ${link(r.result.run.url, 'infra run')} for details.`, '');
  }
  return out;
}

/** The job summary of a command's result. */
export function renderSummary(r: ActionResult): string {
  const out: string[] = [`## ${escapeHtml(summaryHeading(r))}`, ''];
  out.push('<table>', ...factsOf(r).map(([k, v]) => row([k, v])), '</table>', '');
  if (r.command === 'rollout') out.push(...rolloutSections(r.result));
  out.push(...stepsTable(r));
  if (r.result.status === 'failed') out.push(...failureSection(r));
  return `${out.join('\n')}\n`;
}
