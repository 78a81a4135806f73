/**
 * The post step's logic: cancel the infra run the main step saved when its wait did not end (the job was
 * cancelled, and the main step stopped, while it waited). `run` is what @github/local-action calls.
 */
import * as core from '@actions/core';
import { createPorts, silentReporter } from '@shared-hosting/core';
import { GITHUB_TOKEN_INPUT } from './inputs.js';
import { parseSavedRun, RUN_STATE } from './state.js';

export async function runPost(): Promise<void> {
  const saved = parseSavedRun(core.getState(RUN_STATE));
  if (!saved) {
    core.debug('No infra run is waiting to be cancelled.');
    return;
  }
  const env = process.env;
  const token = core.getInput(GITHUB_TOKEN_INPUT) || env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim();
  if (token) core.setSecret(token);
  core.info(`The job stopped while it waited for infra run ${saved.id}: cancelling it (${saved.url}).`);
  const ports = await createPorts({
    builder: 'auto',
    githubToken: token,
    env,
    reporter: { ...silentReporter, registerSecret: (secret) => core.setSecret(secret) },
    // Only GitHub is called here; the AWS clients are created but unused, so any region will do.
    region: env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || 'us-east-1',
  });
  if (!ports.workflows) {
    core.warning(`No GitHub token to cancel infra run ${saved.id}: cancel it at ${saved.url}.`, {
      title: 'Infra run not cancelled',
    });
    return;
  }
  try {
    await ports.workflows.cancel(saved);
    core.info(`Cancellation of infra run ${saved.id} requested.`);
  } catch (error) {
    core.warning(
      `Could not cancel infra run ${saved.id} (${error instanceof Error ? error.message : String(error)}): cancel it at ${saved.url}.`,
      { title: 'Infra run not cancelled' },
    );
  }
}

export const run = runPost;
