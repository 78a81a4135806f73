/**
 * The post step's entry (dist/post.js). It runs after every job that used the Action, and acts only on
 * what a main step that was killed or cancelled left behind: an infra run it was waiting for (cancelled),
 * GitHub App tokens it minted (revoked), the deployment lock it held (released, if still its own).
 * Otherwise it returns at once, without loading anything.
 */
import { issueCommand } from './command.js';
import { exitWhenDone } from './exit.js';
import {
  APP_TOKENS_STATE,
  hasSavedRun,
  LOCK_STATE,
  parseSavedLock,
  parseSavedTokens,
  RUN_STATE,
} from './state.js';

async function main(): Promise<void> {
  const state = (name: string) => process.env[`STATE_${name}`];
  const left =
    hasSavedRun(state(RUN_STATE)) ||
    parseSavedTokens(state(APP_TOKENS_STATE)).length > 0 ||
    parseSavedLock(state(LOCK_STATE)) !== undefined;
  if (!left) return;
  const { runPost } = await import('./post-main.js');
  await runPost();
}

main()
  .catch((error: unknown) => {
    // The job has already ended: report, but do not fail it over a cleanup.
    issueCommand(
      'warning',
      { title: 'Post step: clean-up incomplete' },
      error instanceof Error ? error.message : String(error),
    );
  })
  .finally(exitWhenDone);
