/** `command: rollout` (the infra repository's workflow): roll the version in SSM out on ECS and wait for it. */
import {
  blankToUndefined,
  createRolloutPorts,
  prepareRollout,
  type RolloutInputs,
  type RolloutResult,
  rolloutOutputs,
  rollout as runRollout,
  shortTaskDefinition,
} from '@shared-hosting/core';
import { describeRolloutServices, firstService } from '@shared-hosting/core/adapter';
import { code, details, escapeHtml, type Fact } from '../html.js';
import { ACTION_ADAPTER_NAMES, ACTION_ROLLOUT_NAMES, type ActionInputs, type GetInput } from '../inputs.js';
import type { ActionCommand } from './types.js';

const MAX_EVENTS = 30;

/** The rollout's inputs: application, environment and timeout as read for every command, and its own. */
export function rolloutInputs(given: ActionInputs, get: GetInput): RolloutInputs {
  const own = (name: string) => blankToUndefined(get(name));
  return {
    application: given.inputs.application,
    environment: given.inputs.environment,
    timeout: given.inputs.timeout,
    spec: own(ACTION_ROLLOUT_NAMES.spec),
    cluster: own(ACTION_ROLLOUT_NAMES.cluster),
    service: own(ACTION_ROLLOUT_NAMES.service),
    container: own(ACTION_ROLLOUT_NAMES.container),
    waitUntil: own(ACTION_ROLLOUT_NAMES.waitUntil),
    dryRun: given.dryRun,
  };
}

function heading(result: RolloutResult): string {
  const what = `${result.application}${result.version ? ` ${result.version}` : ''} to ${result.environment}`;
  if (result.status === 'failed') return `❌ Rollout of ${what} failed`;
  if (result.dryRun) return `🔍 Dry run: rollout of ${what}`;
  if (result.alreadyRunning) return `✅ ${what} is already running: nothing changed`;
  return `✅ Rolled out ${what}`;
}

/** The facts of a rollout: service, version, image, revision, deployment, strategy, where it went back. */
function facts(result: RolloutResult, read: { parameter: boolean; image: boolean }): Fact[] {
  const td = (arn: string) => code(shortTaskDefinition(arn));
  const first = firstService(result);
  const facts: Fact[] = [
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

/** A rollout's own sections: the pauses it waited through, the task definition changes, service events. */
function sections(result: RolloutResult): string[] {
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

export const rollout: ActionCommand<'rollout'> = {
  prepare: async (given, context, get) => {
    // App spec, inputs and plan: every problem is bad input, before any AWS call.
    const plan = await prepareRollout(rolloutInputs(given, get), ACTION_ROLLOUT_NAMES, context.cwd);
    return {
      cancels: undefined,
      run: async ({ env, reporter, signal }) => {
        const ports = await createRolloutPorts({ env, reporter, names: ACTION_ADAPTER_NAMES });
        return { command: 'rollout', result: await runRollout(plan, ports, { signal }) };
      },
    };
  },
  outputs: (result) => ({ ...rolloutOutputs(result) }),
  heading,
  facts,
  sections,
  failure: (result) =>
    result.stoppedReasons.length > 0
      ? ['Stopped tasks:', '', ...result.stoppedReasons.map((reason) => `- ${code(reason)}`), '']
      : [],
};
