/**
 * The bundle's entry (dist/index.js). Its fast path reads and validates the inputs and masks the secrets
 * without loading @actions/core or any SDK, so that a misconfigured step fails in about the time Node
 * takes to start. Only a valid configuration loads the rest (./main.js: dist/main.cjs, require()d here).
 */
import { issueCommand } from './command.js';
import { checkInputs } from './command-input.js';
import { exitWhenDone } from './exit.js';
import { failStep } from './failure.js';
import { guardInputs } from './input-guard.js';
import { envInput, readInputs, secretsToMask } from './inputs.js';

/** Secrets known so far, for the failure handler. */
const secrets: string[] = [];

async function main(): Promise<void> {
  const env = process.env;
  const read = readInputs(envInput(env), env);
  secrets.push(...secretsToMask(read, env));
  for (const secret of secrets) issueCommand('add-mask', {}, secret);
  // Hostile or mistaken values (too long, line breaks, control characters, substitutions, secrets), first.
  guardInputs(envInput(env), env);
  // Every input of the command (deploy, rollback or promote), before loading anything else: throws
  // InputErrors naming each bad input.
  checkInputs(read, env.GITHUB_WORKSPACE || process.cwd());
  const { run } = await import('./main.js');
  await run(read);
}

// The one top-level handler: whatever escapes main() (run() reports its own failures the same way), and
// an exception thrown or a promise rejected outside it, fails the step.
process.on('uncaughtException', (error) => {
  failStep(error, { secrets });
  process.exit(1);
});
main()
  .catch((error: unknown) => failStep(error, { secrets }))
  .finally(exitWhenDone);
