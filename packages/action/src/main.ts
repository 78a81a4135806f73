/**
 * The Action's logic: read the inputs once, run the engine, set the outputs and write the job summary.
 * `run()` is what @github/local-action calls; the bundle's entry (index.ts) calls it after its fast path.
 */
import * as core from '@actions/core';
import { InterruptedError, type Reporter } from '@shared-hosting/core';
import { newReleaseLive, type ReleaseLive } from '@shared-hosting/core/adapter';
import { parseCommand } from './command-input.js';
import type { ActionResult } from './commands/types.js';
import { COMMANDS, outputsOf, type Session } from './commands.js';
import { failStep, redact } from './failure.js';
import { escapeHtml } from './html.js';
import { guardInputs } from './input-guard.js';
import { type ActionInputs, readInputs, secretsToMask } from './inputs.js';
import { ActionReporter } from './reporter.js';
import { APP_TOKENS_DONE, APP_TOKENS_STATE, LOCK_STATE, LOCK_STATE_DONE } from './state.js';
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
async function writeSummary(text: string, secrets: Iterable<string>): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(redact(text, secrets)).write();
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
  guardInputs((name) => core.getInput(name), env);
  return given;
}

/**
 * The lock a release holds, saved for the post step as soon as it is taken (after each event the engine
 * reports), and marked released once the release let it go: a killed main step leaves it to the post step.
 */
function savingLock(reporter: ActionReporter, live: ReleaseLive): { reporter: Reporter; done(): void } {
  let saved: string | undefined;
  const save = () => {
    const now = live.lock
      ? JSON.stringify({ name: live.lock.name, id: live.lock.id })
      : saved && LOCK_STATE_DONE;
    if (now && now !== saved) core.saveState(LOCK_STATE, now);
    saved = now || saved;
  };
  const watched: Reporter = {
    emit: (event) => {
      reporter.emit(event);
      save();
    },
    registerSecret: (secret) => reporter.registerSecret(secret),
  };
  return { reporter: watched, done: save };
}

/** Prepare the command (nothing changed yet), then run it; `secrets` gains what the engine registers. */
async function runCommand(
  given: ActionInputs,
  env: NodeJS.ProcessEnv,
  secrets: Set<string>,
): Promise<ActionResult> {
  const cwd = env.GITHUB_WORKSPACE || process.cwd();
  const command = parseCommand(given.command);
  const prepared = await COMMANDS[command](given, { cwd, env }, (name) => core.getInput(name));
  // The dispatched run is saved for the post step only when it may cancel it.
  const reporter = new ActionReporter(core, prepared.cancels, secrets);
  // A pause (rollout) goes to the job summary as it happens: the app team's waiting run shows the infra run.
  reporter.onNotice = (title, message) =>
    void writeSummary(`### ⏸️ ${escapeHtml(title)}\n\n${escapeHtml(message)}\n\n`, secrets);
  const live = newReleaseLive();
  const lock = savingLock(reporter, live);
  // GitHub App tokens are saved as they are minted, so that the post step revokes them if this step is killed.
  const minted: string[] = [];
  const controller = new AbortController();
  const stopListening = abortOnSignals(controller);
  const session: Session = {
    given,
    env,
    reporter: lock.reporter,
    signal: controller.signal,
    live,
    onGitHubToken: (token) => {
      minted.push(token);
      core.saveState(APP_TOKENS_STATE, JSON.stringify(minted));
    },
  };
  try {
    return await prepared.run(session);
  } finally {
    stopListening();
    lock.done();
    if (minted.length > 0) core.saveState(APP_TOKENS_STATE, APP_TOKENS_DONE);
    reporter.finish();
  }
}

/**
 * Run the command. `read` is given by the bundle's entry, which has already read the inputs and masked
 * the secrets; without it (local-action, tests) the inputs are read here through @actions/core. Every
 * command runs the same way; every failure goes through `fail`: nothing is thrown out of here.
 */
export async function run(read?: ActionInputs): Promise<void> {
  // This code only runs as the Action: the runner's GITHUB_* variables describe the source (GITHUB_SHA is
  // the version) even when something runs it without GITHUB_ACTIONS=true.
  const env: NodeJS.ProcessEnv = { ...process.env, GITHUB_ACTIONS: 'true' };
  const secrets = new Set<string>();
  try {
    const given = read ?? readWithCore(env);
    for (const secret of secretsToMask(given, env)) secrets.add(secret);
    const r = await runCommand(given, env, secrets);
    for (const [name, value] of Object.entries(outputsOf(r))) core.setOutput(name, value);
    await writeSummary(renderSummary(r), secrets);
    if (r.result.status === 'failed')
      fail(r.result.error ?? new Error(`${r.command} failed.`), { secrets, summary: false });
    else if ('run' in r.result && r.result.run) core.info(`Infra run: ${r.result.run.url}`);
  } catch (thrown) {
    fail(thrown, { secrets });
  }
}
