/**
 * `command: rollout`, run by the infra repository's deployment workflow: read the App spec and the
 * inputs, roll the version in SSM out on ECS through the engine, set the outputs, write the job summary.
 */
import * as core from '@actions/core';
import {
  blankToUndefined,
  createRolloutPorts,
  InterruptedError,
  prepareRollout,
  type RolloutInputs,
  type RolloutResult,
  rollout,
  rolloutOutputs,
} from '@shared-hosting/core';
import { ACTION_ROLLOUT_NAMES } from '@shared-hosting/core/adapter';
import { redact } from './failure.js';
import { escapeHtml } from './html.js';
import type { ActionInputs } from './inputs.js';
import { ActionReporter } from './reporter.js';
import { renderRolloutSummary } from './rollout-summary.js';

/** The rollout's inputs: application, environment and timeout as read for every command, and its own. */
export function rolloutInputs(given: ActionInputs, get: (name: string) => string): RolloutInputs {
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
    dryRun: own(ACTION_ROLLOUT_NAMES.dryRun),
  };
}

/** A pause, added to the job summary as it happens (the app team's waiting run shows the infra run). */
function summarizeNotice(title: string, message: string, secrets: Iterable<string>): void {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const html = `### ⏸️ ${escapeHtml(title)}\n\n${escapeHtml(message)}\n\n`;
  core.summary
    .addRaw(redact(html, secrets))
    .write()
    .catch(() => undefined);
}

async function writeSummary(result: RolloutResult, secrets: Iterable<string>): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(redact(renderRolloutSummary(result), secrets)).write();
  } catch (error) {
    core.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Run the rollout, set its outputs and write its summary; returns its error for the one failure handler. */
export async function runRollout(
  given: ActionInputs,
  env: NodeJS.ProcessEnv,
  masked: Set<string>,
): Promise<unknown> {
  const cwd = env.GITHUB_WORKSPACE || process.cwd();
  // App spec, inputs and plan: every problem is bad input, before any AWS call.
  const plan = await prepareRollout(
    rolloutInputs(given, (name) => core.getInput(name)),
    ACTION_ROLLOUT_NAMES,
    cwd,
  );
  const reporter = new ActionReporter(core, undefined, masked);
  reporter.onNotice = (title, message) => summarizeNotice(title, message, masked);
  const ports = await createRolloutPorts({ env, reporter });
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals) => {
    core.info(`Received ${signal}: stopping (ECS carries on with the deployment).`);
    controller.abort(new InterruptedError(`The job was cancelled (${signal}).`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: RolloutResult;
  try {
    result = await rollout(plan, ports, { signal: controller.signal });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    reporter.finish();
  }
  for (const [name, value] of Object.entries(rolloutOutputs(result))) core.setOutput(name, value);
  await writeSummary(result, masked);
  return result.error;
}
