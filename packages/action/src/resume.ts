/**
 * `command: continue` and `command: abort`: answer the ECS deployment in flight for the application and
 * environment (the App spec names cluster and service): resume its pause hook, or roll it back.
 */
import * as core from '@actions/core';
import {
  blankToUndefined,
  createRolloutPorts,
  planResume,
  prepareRollout,
  type ResumeAction,
  type ResumeResult,
  resume,
} from '@shared-hosting/core';
import { ACTION_ROLLOUT_NAMES } from '@shared-hosting/core/adapter';
import { redact } from './failure.js';
import { escapeHtml } from './html.js';
import type { ActionInputs } from './inputs.js';
import { ActionReporter } from './reporter.js';

export function renderResumeSummary(result: ResumeResult): string {
  const where = `${result.application} in ${result.environment}`;
  const heading =
    result.status === 'failed'
      ? `❌ Could not ${result.action} the deployment of ${where}`
      : result.action === 'continue'
        ? `▶️ Resumed the deployment of ${where}`
        : `⏪ Rolling back the deployment of ${where}`;
  const lines = [`## ${escapeHtml(heading)}`, ''];
  if (result.call)
    lines.push(
      `ECS: <code>${escapeHtml(result.call)}</code>${result.stage ? ` at ${escapeHtml(result.stage)}` : ''}`,
      '',
    );
  if (result.serviceDeployment)
    lines.push(`Service deployment: <code>${escapeHtml(result.serviceDeployment)}</code>`, '');
  if (result.error) lines.push(`<pre>${escapeHtml(result.error.message)}</pre>`, '');
  return `${lines.join('\n')}\n`;
}

/** Run continue or abort, set the outputs, write the summary; returns the error for the one failure handler. */
export async function runResume(
  action: ResumeAction,
  given: ActionInputs,
  env: NodeJS.ProcessEnv,
  masked: Set<string>,
): Promise<unknown> {
  const cwd = env.GITHUB_WORKSPACE || process.cwd();
  const own = (name: string) => blankToUndefined(core.getInput(name));
  const plan = await prepareRollout(
    {
      application: given.inputs.application,
      environment: given.inputs.environment,
      spec: own(ACTION_ROLLOUT_NAMES.spec),
      cluster: own(ACTION_ROLLOUT_NAMES.cluster),
      service: own(ACTION_ROLLOUT_NAMES.service),
    },
    ACTION_ROLLOUT_NAMES,
    cwd,
  );
  const reporter = new ActionReporter(core, undefined, masked);
  const ports = await createRolloutPorts({ env, reporter });
  let result: ResumeResult;
  try {
    result = await resume(planResume(plan, action), ports);
  } finally {
    reporter.finish();
  }
  core.setOutput('service-deployment', result.serviceDeployment ?? '');
  if (env.GITHUB_STEP_SUMMARY) {
    await core.summary
      .addRaw(redact(renderResumeSummary(result), masked))
      .write()
      .catch((error: unknown) => core.warning(`Could not write the job summary: ${String(error)}`));
  }
  return result.error;
}
