/**
 * The post step's logic: cancel the infra run the main step saved when its wait did not end (the job was
 * cancelled, and the main step stopped, while it waited). `run` is what @github/local-action calls.
 */
import * as core from '@actions/core';
import { createPorts, revokeGitHubAppTokens, silentReporter } from '@shared-hosting/core';
import { GITHUB_APP_ID_INPUT, GITHUB_APP_KEY_INPUT, GITHUB_TOKEN_INPUT } from './inputs.js';
import { APP_TOKENS_STATE, parseSavedRun, parseSavedTokens, RUN_STATE } from './state.js';

/** Revoke the GitHub App tokens a killed main step left (it revokes them itself when it ends). */
async function revokeLeftTokens(): Promise<void> {
  const tokens = parseSavedTokens(core.getState(APP_TOKENS_STATE));
  if (tokens.length === 0) return;
  for (const t of tokens) core.setSecret(t);
  const revoked = await revokeGitHubAppTokens({ baseUrl: process.env.GITHUB_API_URL, tokens });
  core.info(
    `Revoked ${revoked} of the ${tokens.length} GitHub App token(s) the main step left (the others had expired).`,
  );
}

export async function runPost(): Promise<void> {
  await revokeLeftTokens();
  const saved = parseSavedRun(core.getState(RUN_STATE));
  if (!saved) {
    core.debug('No infra run is waiting to be cancelled.');
    return;
  }
  const env = process.env;
  const token = core.getInput(GITHUB_TOKEN_INPUT) || env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim();
  if (token) core.setSecret(token);
  const appKey = core.getInput(GITHUB_APP_KEY_INPUT);
  if (appKey) core.setSecret(appKey);
  core.info(`The job stopped while it waited for infra run ${saved.id}: cancelling it (${saved.url}).`);
  const ports = await createPorts({
    builder: 'auto',
    githubToken: token,
    githubAppId: core.getInput(GITHUB_APP_ID_INPUT),
    githubAppPrivateKey: appKey,
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
  } finally {
    await ports.close();
  }
}

export const run = runPost;
