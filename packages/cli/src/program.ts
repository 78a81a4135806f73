import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import pkg from '../package.json' with { type: 'json' };
import { deployCommand } from './commands/deploy/command.js';
import { historyCommand } from './commands/history/command.js';
import { initCommand } from './commands/init/command.js';
import { promoteCommand } from './commands/promote/command.js';
import { resumeCommand } from './commands/resume/command.js';
import { rollbackCommand } from './commands/rollback/command.js';
import { rolloutCommand } from './commands/rollout/command.js';
import { statusCommand } from './commands/status/command.js';
import { unlockCommand } from './commands/unlock/command.js';
import { exitCodesHelp } from './exit-codes.js';
import { optionDescription } from './options.js';
import { redactorFromEnv } from './output/redact.js';
import type { CliIO } from './types.js';

export type { CliIO } from './types.js';

/** A command's body: its flags in, the exit code out. */
type Body<F> = (flags: F, io: CliIO) => Promise<number>;

/** The action of a command whose body loads only when it runs (`--help` stays fast). */
const lazy =
  <F>(io: CliIO, load: () => Promise<Body<F>>) =>
  async (flags: F) => {
    io.exitCode = await (await load())(flags, io);
  };

/**
 * Every command of the program, in the order `--help` lists them: its flags (commands/<name>/command.ts)
 * and its body (commands/<name>/run.ts, a separate bundle loaded when the command runs).
 */
const COMMANDS: readonly ((program: Command, io: CliIO) => unknown)[] = [
  (p, io) =>
    deployCommand(p).action(lazy(io, async () => (await import('./commands/deploy/run.js')).runDeploy)),
  (p, io) => initCommand(p).action(lazy(io, async () => (await import('./commands/init/run.js')).runInit)),
  (p, io) =>
    rolloutCommand(p).action(lazy(io, async () => (await import('./commands/rollout/run.js')).runRollout)),
  ...(['continue', 'abort'] as const).map(
    (action) => (p: Command, io: CliIO) =>
      resumeCommand(p, action).action(
        lazy(io, async () => {
          const { runResume } = await import('./commands/resume/run.js');
          return (flags, out) => runResume(action, flags, out);
        }),
      ),
  ),
  (p, io) =>
    statusCommand(p).action(lazy(io, async () => (await import('./commands/status/run.js')).runStatus)),
  (p, io) =>
    historyCommand(p).action(lazy(io, async () => (await import('./commands/history/run.js')).runHistory)),
  (p, io) =>
    rollbackCommand(p).action(lazy(io, async () => (await import('./commands/rollback/run.js')).runRollback)),
  (p, io) =>
    promoteCommand(p).action(lazy(io, async () => (await import('./commands/promote/run.js')).runPromote)),
  (p, io) =>
    unlockCommand(p).action(lazy(io, async () => (await import('./commands/unlock/run.js')).runUnlock)),
];

/**
 * Commander knows which options are required (`--help` and the reference mark them), but the core checks
 * them, together with every other input, so that one run reports every problem at once, each naming its
 * fix, with exit 2 (commander would stop at the first, without a fix).
 */
function leaveRequiredToCore(command: Command): void {
  Object.assign(command, { missingMandatoryOptionValue: () => undefined });
}

/**
 * Build the `hosting` program. Command bodies load lazily, so `--help` stays fast. Typed as any command
 * (the docs walk it; its own commands' flags are typed where they are defined).
 */
export function createProgram(io?: CliIO): CommandUnknownOpts {
  const out = io ?? processIO();
  // Commander's own messages echo arguments ("unknown command 'ghp_…'"): redacted like everything else.
  const redactor = redactorFromEnv(out.env);
  const program = new Command('hosting')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.stdout.write(redactor.redact(text)),
      writeErr: (text) => out.stderr.write(redactor.redact(text)),
    })
    .configureHelp({ optionDescription })
    .description('Build, push and deploy applications to the Shared Hosting platform on AWS.')
    .version(pkg.version, '-V, --version', 'print the version of hosting')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', exitCodesHelp());

  for (const define of COMMANDS) define(program, out);
  for (const command of program.commands) leaveRequiredToCore(command as Command);
  return program;
}

function processIO(): CliIO {
  return {
    stdout: process.stdout,
    // Node makes the stream on first use: `--help` writes none to stderr and starts ~2 ms sooner without it.
    get stderr() {
      return process.stderr;
    },
    env: process.env,
    cwd: process.cwd(),
    exitCode: 0,
  };
}

/** Parse argv and run; returns the exit code. Never calls process.exit. */
export async function run(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return io.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; usage errors (unknown option, bad choice) are bad input.
      return ['commander.helpDisplayed', 'commander.help', 'commander.version'].includes(error.code) ? 0 : 2;
    }
    io.stderr.write(
      redactorFromEnv(io.env).redact(`Error: ${error instanceof Error ? error.message : String(error)}\n`),
    );
    return 5;
  }
}
