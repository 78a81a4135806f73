/**
 * What deploy, rollback and promote share: their ports, their outputs (design.md's), and their summary's
 * heading, facts and failure section.
 */
import {
  createPorts,
  type OperationInputNames,
  type OperationInputs,
  type Ports,
  type PrepareContext,
  type Reads,
  type ReleaseResult,
  toOutputs,
} from '@shared-hosting/core';
import type { ReleaseLive } from '@shared-hosting/core/adapter';
import { ACTION_NAMES, operationInputs, parseDryRun } from '../command-input.js';
import { cleanLogLine, code, details, escapeHtml, type Fact, link, pre } from '../html.js';
import { ACTION_ADAPTER_NAMES, GITHUB_TOKEN_INPUT } from '../inputs.js';
import type { ActionResult, Prepare, Session } from './types.js';

/** The ports of a release (AWS, GitHub, the builder for deploy); closed after the run, whatever happened. */
export async function withReleasePorts(
  session: Session,
  builder: Parameters<typeof createPorts>[0]['builder'],
  work: (
    ports: Ports,
    options: { signal: AbortSignal; tokenInput: string; live: ReleaseLive },
  ) => Promise<ActionResult>,
): Promise<ActionResult> {
  const { given, env, reporter, signal, live } = session;
  const ports = await createPorts({
    builder,
    githubToken: given.githubToken,
    githubAppId: given.githubAppId,
    githubAppPrivateKey: given.githubAppPrivateKey,
    onGitHubToken: session.onGitHubToken,
    env,
    reporter,
    names: ACTION_ADAPTER_NAMES,
  });
  try {
    return await work(ports, { signal, tokenInput: GITHUB_TOKEN_INPUT, live });
  } finally {
    await ports.close();
  }
}

/** What rollback and promote plans share: the infra run to follow, and whether to cancel it on interrupt. */
interface OperationPlan {
  wait: { cancelOnInterrupt: boolean };
  target: { workflow: { owner: string; repo: string } };
}

/** rollback and promote: their inputs (no build inputs) planned, then the operation run with the release's ports. */
export function prepareOperation<P extends OperationPlan, C extends 'rollback' | 'promote'>(
  command: C,
  prepare: (inputs: OperationInputs, names: OperationInputNames, context: PrepareContext) => Promise<P>,
  operation: (
    plan: P,
    ports: Ports,
    options: { signal: AbortSignal; tokenInput: string; live: ReleaseLive; dryRun: boolean },
  ) => Promise<Extract<ActionResult, { command: C }>['result']>,
): Prepare {
  return async (given, context) => {
    const plan = await prepare(operationInputs(given), ACTION_NAMES, context);
    const dryRun = parseDryRun(given);
    return {
      cancels: plan.wait.cancelOnInterrupt ? plan.target.workflow : undefined,
      run: (session) =>
        withReleasePorts(
          session,
          'auto',
          async (ports, options) =>
            ({ command, result: await operation(plan, ports, { ...options, dryRun }) }) as ActionResult,
        ),
    };
  };
}

/** design.md's outputs of a release. */
export const releaseOutputs = (result: ReleaseResult): Record<string, string> => ({ ...toOutputs(result) });

/** `✅ Deployed …` / `🚀 … triggered` / `❌ … failed`, in the release's words. */
export function releaseHeading(
  result: ReleaseResult,
  words: { done: string; noun: string; what: string },
): string {
  if (result.status === 'failed') return `❌ ${words.noun} of ${words.what} failed`;
  if (result.dryRun) return `🔍 Dry run: ${words.noun.toLowerCase()} of ${words.what}`;
  // Only the version was set (trigger: false): nothing was triggered.
  if (result.run === undefined)
    return `📌 Version set, not deployed: ${words.what} (the infra deployment was not triggered)`;
  const triggered = !result.conclusion;
  return triggered ? `🚀 ${words.noun} of ${words.what} triggered` : `${words.done} ${words.what}`;
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
export function releaseFacts(result: ReleaseResult, read: Reads): Fact[] {
  const facts: Fact[] = [
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

/** A failed release: the infra jobs that failed, with their logs' last lines, and the infra run. */
export function releaseFailure(result: ReleaseResult): string[] {
  const out: string[] = [];
  for (const job of result.failedJobs) {
    const name = job.url ? link(job.url, job.name) : escapeHtml(job.name);
    out.push(
      `Job <b>${name}</b>: ${escapeHtml(job.conclusion)}${job.step ? ` at step <b>${escapeHtml(job.step)}</b>` : ''}.`,
      '',
    );
    const tail = (job.logTail ?? []).map(cleanLogLine).filter((l): l is string => l !== undefined);
    if (tail.length > 0) out.push(...details('Last lines of its log', pre(tail), true));
  }
  if (result.run) out.push(`See the ${link(result.run.url, 'infra run')} for details.`, '');
  return out;
}
