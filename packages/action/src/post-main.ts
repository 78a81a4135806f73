/**
 * The post step's logic, for a main step that was killed or cancelled: revoke the GitHub App tokens it
 * minted, cancel the infra run it was waiting for, release the deployment lock it held. Each part builds
 * only what it uses: GitHub for the tokens and the run, SSM (loaded lazily) for the lock. `run` is what
 * @github/local-action calls.
 */
import * as core from '@actions/core';
import { createGitHubPorts, revokeGitHubAppTokens, silentReporter } from '@shared-hosting/core';
import {
  ACTION_ADAPTER_NAMES,
  GITHUB_APP_ID_INPUT,
  GITHUB_APP_KEY_INPUT,
  GITHUB_TOKEN_INPUT,
} from './inputs.js';
import {
  APP_TOKENS_STATE,
  LOCK_STATE,
  parseSavedLock,
  parseSavedRun,
  parseSavedTokens,
  RUN_STATE,
  type SavedRun,
} from './state.js';

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

const notCancelled = (saved: SavedRun, why: string) =>
  core.warning(`${why}: cancel infra run ${saved.id} at ${saved.url}.`, { title: 'Infra run not cancelled' });

/** Cancel the infra run the main step waited for when the job stopped: GitHub only. */
async function cancelLeftRun(): Promise<void> {
  const saved = parseSavedRun(core.getState(RUN_STATE));
  if (!saved) return;
  const env = process.env;
  const token = core.getInput(GITHUB_TOKEN_INPUT) || env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim();
  if (token) core.setSecret(token);
  const appKey = core.getInput(GITHUB_APP_KEY_INPUT);
  if (appKey) core.setSecret(appKey);
  core.info(`The job stopped while it waited for infra run ${saved.id}: cancelling it (${saved.url}).`);
  const { workflows } = await createGitHubPorts({
    githubToken: token,
    githubAppId: core.getInput(GITHUB_APP_ID_INPUT),
    githubAppPrivateKey: appKey,
    env,
    reporter: { ...silentReporter, registerSecret: (secret) => core.setSecret(secret) },
    names: ACTION_ADAPTER_NAMES,
  });
  if (!workflows) return notCancelled(saved, 'No GitHub token');
  try {
    await workflows.cancel(saved);
    core.info(`Cancellation of infra run ${saved.id} requested.`);
  } catch (error) {
    notCancelled(saved, `Could not cancel it (${error instanceof Error ? error.message : String(error)})`);
  } finally {
    await workflows.close();
  }
}

/** Release the deployment lock the main step held, if the lock is still its own: SSM only, loaded now. */
async function releaseLeftLock(): Promise<void> {
  const saved = parseSavedLock(core.getState(LOCK_STATE));
  if (!saved) return;
  const { releaseLeftLock: release } = await import('./post-lock.js');
  try {
    const outcome = await release(saved, { env: process.env, names: ACTION_ADAPTER_NAMES });
    core.info(
      outcome === 'deleted'
        ? `Released the deployment lock ${saved.name} the main step held.`
        : outcome === 'gone'
          ? `The deployment lock ${saved.name} was already gone.`
          : `The deployment lock ${saved.name} is held by someone else now: left to them.`,
    );
  } catch (error) {
    core.warning(
      `Could not release the deployment lock ${saved.name} (${error instanceof Error ? error.message : String(error)}): it expires with its lease, or remove it with hosting unlock.`,
      { title: 'Lock not released' },
    );
  }
}

export async function runPost(): Promise<void> {
  await revokeLeftTokens();
  await cancelLeftRun();
  await releaseLeftLock();
}
