/**
 * The Action's logic: read the inputs once, run the engine, set the outputs and write the job summary.
 * `run()` is what @github/local-action calls; the bundle's entry (index.ts) calls it after its fast path.
 */
import * as core from '@actions/core';
import { createPorts, type DeployResult, InterruptedError, toOutputs } from '@shared-hosting/core';
import { parseCommand } from './command-input.js';
import { annotationsFor, failureSummary } from './failure.js';
import { type ActionInputs, GITHUB_TOKEN_INPUT, readInputs, secretsToMask } from './inputs.js';
import { prepareCommand } from './operations.js';
import { ActionReporter } from './reporter.js';
import { renderSummary } from './summary.js';

/**
 * The one top-level handler: anything thrown (an Error or not) or a failed result becomes `::error`
 * annotations with titles (one per invalid input) and fails the step, as `core.setFailed` does.
 */
export function fail(thrown: unknown): void {
  for (const { title, message } of annotationsFor(thrown, core.isDebug())) core.error(message, { title });
  process.exitCode = 1;
}

/** Summary for a failure before the engine produced a result (its own summary says the rest). */
async function writeFailureSummary(thrown: unknown): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(failureSummary(annotationsFor(thrown))).write();
  } catch {
    // The annotations carry the same text.
  }
}

async function writeSummary(result: DeployResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(renderSummary(result)).write();
  } catch (error) {
    core.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

/** Abort on SIGINT/SIGTERM (the runner's job cancellation) while the engine runs. */
function abortOnSignals(controller: AbortController): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    core.info(`Received ${signal}: stopping.`);
    controller.abort(new InterruptedError(`The job was cancelled (${signal}).`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/**
 * Run the deployment. `read` is given by the bundle's entry, which has already read the inputs and
 * masked the secrets; without it (local-action, tests) the inputs are read here through @actions/core.
 */
export async function run(read?: ActionInputs): Promise<void> {
  try {
    // This code only runs as the Action: the runner's GITHUB_* variables describe the source (GITHUB_SHA is
    // the version) even when something runs it without GITHUB_ACTIONS=true.
    const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTIONS: 'true' };
    let given = read;
    if (!given) {
      given = readInputs((name) => core.getInput(name), env);
      for (const secret of secretsToMask(given, env)) core.setSecret(secret);
    }
    const masked = secretsToMask(given, env);
    // rollout: the infra repository's side (no GitHub token, no build, its own outputs and summary).
    if (parseCommand(given.command) === 'rollout') {
      const { runRollout } = await import('./rollout.js');
      await runRollout(given, env, masked);
      return;
    }
    const cwd = env.GITHUB_WORKSPACE || process.cwd();
    // deploy, rollback or promote (the command input): validated and planned, nothing changed yet.
    const prepared = await prepareCommand(given, { cwd, env });
    // The dispatched run is saved for the post step only when it may cancel it.
    const infra = prepared.cancelOnInterrupt
      ? { owner: prepared.workflow.owner, repo: prepared.workflow.repo }
      : undefined;
    const reporter = new ActionReporter(core, infra, masked);
    const ports = await createPorts({
      builder: prepared.builder,
      githubToken: given.githubToken,
      env,
      reporter,
    });
    const controller = new AbortController();
    const stopListening = abortOnSignals(controller);
    let result: DeployResult;
    try {
      result = await prepared.run(ports, { signal: controller.signal, tokenInput: GITHUB_TOKEN_INPUT });
    } finally {
      stopListening();
      reporter.finish();
    }
    for (const [name, value] of Object.entries(toOutputs(result))) core.setOutput(name, value);
    await writeSummary(result);
    if (result.status === 'failed') fail(result.error ?? new Error('The deployment failed.'));
    else if (result.run) core.info(`Infra run: ${result.run.url}`);
  } catch (thrown) {
    fail(thrown);
    await writeFailureSummary(thrown);
  }
}
