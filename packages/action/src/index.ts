/**
 * The bundle's entry (dist/index.js). Its fast path reads and validates the inputs and masks the secrets
 * without loading @actions/core or any SDK, so that a misconfigured step fails in about the time Node
 * takes to start. Only a valid configuration loads the rest (./main.js, which the build embeds lazily).
 */
import { appendFileSync } from 'node:fs';
import { InputErrors } from '@shared-hosting/core';
import { issueCommand } from './command.js';
import { checkInputs } from './command-input.js';
import { annotationsFor, failureSummary } from './failure.js';
import { envInput, readInputs, secretsToMask } from './inputs.js';

function report(thrown: unknown): void {
  const annotations = annotationsFor(thrown, process.env.RUNNER_DEBUG === '1');
  for (const { title, message } of annotations) issueCommand('error', { title }, message);
  process.exitCode = 1;
  const summaryFile = process.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    try {
      appendFileSync(summaryFile, failureSummary(annotations));
    } catch {
      // The annotations carry the same text.
    }
  }
}

async function main(): Promise<void> {
  const env = process.env;
  const read = readInputs(envInput(env), env);
  for (const secret of secretsToMask(read, env)) issueCommand('add-mask', {}, secret);
  try {
    // Every input of the command (deploy, rollback or promote), before loading anything else.
    checkInputs(read, env.GITHUB_WORKSPACE || process.cwd());
  } catch (error) {
    if (error instanceof InputErrors) {
      report(error);
      return;
    }
    throw error;
  }
  const { run } = await import('./main.js');
  await run(read);
}

main().catch(report);
