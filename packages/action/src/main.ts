/**
 * The Action's logic: read the inputs once, run the engine, set the outputs and write the job summary.
 * `run()` is what @github/local-action calls; the bundle's entry (index.ts) calls it after its fast path.
 */
import * as core from '@actions/core';
import { createPorts, InterruptedError, type ReleaseResult, toOutputs } from '@shared-hosting/core';
import { parseCommand } from './command-input.js';
import { failStep, redact } from './failure.js';
import { type ActionInputs, GITHUB_TOKEN_INPUT, readInputs, secretsToMask } from './inputs.js';
import { prepareCommand } from './operations.js';
import { ActionReporter } from './reporter.js';
import { APP_TOKENS_DONE, APP_TOKENS_STATE } from './state.js';
import { renderSummary } from './summary.js';

/**
 * Fail the step through the one handler (failure.ts), with @actions/core's annotations (so that
 * @github/local-action shows them) and every secret masked so far redacted.
 */
export function fail(thrown: unknown, options: { secrets?: Iterable<string>; summary?: boolean } = {}): void {
  failStep(thrown, {
    ...options,
    debug: core.isDebug(),
    annotate: ({ title, message }) => core.error(message, { title }),
  });
}

/** The job summary: the runner does not mask it, so every secret known is redacted here. */
async function writeSummary(result: ReleaseResult, secrets: Iterable<string>): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(redact(renderSummary(result), secrets)).write();
  } catch (error) {
    core.warning(
      redact(
        `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
        secrets,
      ),
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

/** Without the bundle's entry (local-action, tests): read the inputs through @actions/core, mask the secrets. */
function readWithCore(env: NodeJS.ProcessEnv): ActionInputs {
  const given = readInputs((name) => core.getInput(name), env);
  for (const secret of secretsToMask(given, env)) core.setSecret(secret);
  return given;
}

/** Prepare the command, create the ports and run it; `secrets` gains what the engine registers. */
async function runCommand(
  given: ActionInputs,
  env: NodeJS.ProcessEnv,
  secrets: Set<string>,
): Promise<ReleaseResult> {
  const cwd = env.GITHUB_WORKSPACE || process.cwd();
  // deploy, rollback or promote (the command input): validated and planned, nothing changed yet.
  const prepared = await prepareCommand(given, { cwd, env });
  // The dispatched run is saved for the post step only when it may cancel it.
  const infra = prepared.cancelOnInterrupt
    ? { owner: prepared.workflow.owner, repo: prepared.workflow.repo }
    : undefined;
  const reporter = new ActionReporter(core, infra, secrets);
  // GitHub App tokens are saved as they are minted, so that the post step revokes them if this step is killed.
  const minted: string[] = [];
  const ports = await createPorts({
    builder: prepared.builder,
    githubToken: given.githubToken,
    githubAppId: given.githubAppId,
    githubAppPrivateKey: given.githubAppPrivateKey,
    onGitHubToken: (token) => {
      minted.push(token);
      core.saveState(APP_TOKENS_STATE, JSON.stringify(minted));
    },
    env,
    reporter,
  });
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  try {
    return await prepared.run(ports, { signal: controller.signal, tokenInput: GITHUB_TOKEN_INPUT });
  } finally {
    stopListening();
    await ports.close();
    if (minted.length > 0) core.saveState(APP_TOKENS_STATE, APP_TOKENS_DONE);
    reporter.finish();
  }
}

/**
 * Run the deployment. `read` is given by the bundle's entry, which has already read the inputs and
 * masked the secrets; without it (local-action, tests) the inputs are read here through @actions/core.
 * Every failure goes through `fail`: nothing is thrown out of here.
 */
export async function run(read?: ActionInputs): Promise<void> {
  // This code only runs as the Action: the runner's GITHUB_* variables describe the source (GITHUB_SHA is
  // the version) even when something runs it without GITHUB_ACTIONS=true.
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTIONS: 'true' };
  const secrets = new Set<string>();
  try {
    const given = read ?? readWithCore(env);
    for (const secret of secretsToMask(given, env)) secrets.add(secret);
    // rollout: the infra repository's side (no GitHub token, no build, its own outputs and summary).
    const command = parseCommand(given.command);
    if (command === 'rollout') {
      const { runRollout } = await import('./rollout.js');
      const error = await runRollout(given, env, secrets);
      if (error) fail(error, { secrets, summary: false });
      return;
    }
    // continue / abort: answer the ECS deployment in flight (a pause hook, or a rollback).
    if (command === 'continue' || command === 'abort') {
      const { runResume } = await import('./resume.js');
      const error = await runResume(command, given, env, secrets);
      if (error) fail(error, { secrets, summary: false });
      return;
    }
    const result = await runCommand(given, env, secrets);
    for (const [name, value] of Object.entries(toOutputs(result))) core.setOutput(name, value);
    await writeSummary(result, secrets);
    if (result.status === 'failed')
      fail(result.error ?? new Error('The deployment failed.'), { secrets, summary: false });
    else if (result.run) core.info(`Infra run: ${result.run.url}`);
  } catch (thrown) {
    fail(thrown, { secrets });
  }
}
