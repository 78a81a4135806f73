/**
 * The post step's entry (dist/post.js). It runs after every job that used the Action; it only acts when
 * the main step dispatched an infra run and did not see its wait end (the job was cancelled while it
 * waited): then it cancels that run; or when the main step was killed before it revoked the GitHub App
 * tokens it minted: then it revokes them. Otherwise it returns at once, without loading anything.
 */
import { issueCommand } from './command.js';
import { APP_TOKENS_STATE, hasSavedRun, parseSavedTokens, RUN_STATE } from './state.js';

async function main(): Promise<void> {
  const tokens = parseSavedTokens(process.env[`STATE_${APP_TOKENS_STATE}`]);
  if (!hasSavedRun(process.env[`STATE_${RUN_STATE}`]) && tokens.length === 0) return;
  const { runPost } = await import('./post-main.js');
  await runPost();
}

main().catch((error: unknown) => {
  // The job has already ended: report, but do not fail it over a cleanup.
  issueCommand(
    'warning',
    { title: 'Could not cancel the infra run' },
    error instanceof Error ? error.message : String(error),
  );
});
