import { Command, CommanderError, Option } from 'commander';
import pkg from '../package.json' with { type: 'json' };
import { exitCodesHelp } from './exit-codes.js';
import { redactorFromEnv } from './output/redact.js';

export type { CliIO, CommonFlags, DeployFlags, ReleaseFlags } from './types.js';

import type { CliIO, DeployFlags } from './types.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Options every command has. */
export function addCommonOptions(command: Command): Command {
  return command
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)')
    .option('--debug', 'show debug output and stack traces')
    .option('--no-color', 'plain lines without colour or live redraw (also NO_COLOR=1)');
}

export function addAwsOptions(command: Command): Command {
  return command
    .addOption(new Option('--profile <name>', 'AWS profile (SSO profiles work)').env('AWS_PROFILE'))
    .addOption(new Option('--region <region>', 'AWS region').env('AWS_REGION'));
}

export function addInfraOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--infra-repo <owner/name>', 'the platform infrastructure repository').env(
        'HOSTING_INFRA_REPO',
      ),
    )
    .option('--infra-workflow <file>', 'the deployment workflow in the infra repository', 'deploy.yaml')
    .option('--infra-ref <ref>', 'branch or tag of the infra repository to run', 'main')
    .option('--no-wait', 'trigger the infra deployment without waiting for it')
    .option('--timeout <duration>', 'how long to wait for the infra deployment (e.g. 30m, 1h)', '30m')
    .option('--cancel-on-timeout', 'cancel the infra run when the timeout ends the wait')
    .option('--no-cancel-on-interrupt', 'keep the infra run going when interrupted (Ctrl-C)');
}

/** The lock before the infra deployment and the recovery after a failed one (deploy, rollback, promote). */
export function addReleaseOptions(command: Command): Command {
  return command
    .option(
      '--wait-for-lock',
      'wait for the lock (and runs in flight) of the same app and environment, up to --timeout (default)',
    )
    .option('--no-wait-for-lock', 'refuse instead of waiting when another deployment holds the lock or runs')
    .option('--rollback-on-failure', 'when the infra run fails, restore the previous version in SSM')
    .option(
      '--redeploy-on-rollback',
      'with --rollback-on-failure: trigger the infra deployment again after restoring',
    );
}

/** Build the `hosting` program. Command bodies load lazily, so `--help` stays fast. */
export function createProgram(io?: CliIO): Command {
  const out = io ?? processIO();
  // Commander's own messages echo arguments ("unknown command 'ghp_…'"): redacted like everything else.
  const redactor = redactorFromEnv(out.env);
  const program = new Command('hosting')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => out.stdout.write(redactor.redact(text)),
      writeErr: (text) => out.stderr.write(redactor.redact(text)),
    })
    .description('Build, push and deploy applications to the Shared Hosting platform on AWS.')
    .version(pkg.version, '-V, --version', 'print the version of hosting')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', exitCodesHelp());

  for (const define of COMMANDS) define(program, out);
  return program;
}

const app = () => new Option('--app <name>', 'application name').env('HOSTING_APPLICATION');
const repository = () => new Option('--repository <name>', 'ECR repository (default: the application name)');

function defineDeploy(program: Command, io: CliIO): void {
  const deploy = program
    .command('deploy')
    .description(
      'Build the image, push it to ECR, set the version in SSM, trigger the infra deployment and wait for it.',
    )
    .addOption(new Option('--app <name>', 'application name').env('HOSTING_APPLICATION'))
    .addOption(new Option('--env <name>', 'environment name, e.g. staging').env('HOSTING_ENVIRONMENT'))
    .option('--version <version>', 'image tag and version to deploy (default: the commit SHA)')
    .option('--context <dir>', 'build context', '.')
    .option('--dockerfile <file>', 'Dockerfile (default: <context>/Dockerfile)')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collect)
    .option('--target <stage>', 'build stage to target')
    .option('--platform <os/arch>', 'target platform, e.g. linux/arm64')
    .option('--no-cache', 'build without the registry layer cache (<repository>/build-cache)')
    .addOption(
      new Option('--builder <builder>', 'image builder')
        .choices(['auto', 'docker', 'podman', 'buildah'])
        .default('auto')
        .env('HOSTING_BUILDER'),
    )
    .option('--repository <name>', 'ECR repository (default: the application name)')
    .option('--parameter <name>', 'SSM parameter (default: /shared-hosting/<app>/<env>/version)');
  addInfraOptions(deploy);
  deploy.option(
    '--no-trigger',
    'only build, push and set the version; do not trigger the infra deployment (needs no GitHub token)',
  );
  addReleaseOptions(deploy);
  addAwsOptions(deploy);
  deploy.option('--dry-run', 'check everything and print the plan; change nothing');
  addCommonOptions(deploy);
  deploy.addHelpText(
    'after',
    `\nCredentials:\n  AWS from the SDK's default chain (--profile/AWS_PROFILE, SSO, environment); GitHub from a GitHub App\n  (HOSTING_GITHUB_APP_ID and HOSTING_GITHUB_APP_PRIVATE_KEY or ..._PRIVATE_KEY_FILE: tokens for the infra\n  repository only, renewed while waiting), else GITHUB_TOKEN, GH_TOKEN or a logged-in gh CLI.\n  Without a GitHub token or App, deploy refuses before changing anything (exit 2); --no-trigger only\n  builds, pushes and sets the version (version set, not deployed).\n\nExamples:\n  $ hosting deploy --app hello-app --env staging --infra-repo acme/infra\n  $ hosting deploy --app hello-app --env production --version v1.4.2 --infra-repo acme/infra --dry-run\n${exitCodesHelp()}`,
  );
  deploy.action(async (flags: DeployFlags) => {
    const { runDeploy } = await import('./commands/deploy.js');
    io.exitCode = await runDeploy(flags, io);
  });
}

function defineInit(program: Command, io: CliIO): void {
  const init = program
    .command('init')
    .description(
      `Write the deployment workflow template into this repository (${'.github/workflows/deploy.yaml'}).`,
    )
    .option('--app <name>', 'application name for APPLICATION (default: the repository name)')
    .option('--infra-repo <owner/name>', 'fill in the infrastructure repository')
    .option(
      '--output <file>',
      'where to write it, relative to the repository root',
      '.github/workflows/deploy.yaml',
    )
    .option('--force', 'overwrite an existing file')
    .option('--infra', "write the infra repository's workflow instead (runs hosting rollout via the Action)");
  addCommonOptions(init);
  init.action(async (flags: import('./commands/init.js').InitFlags) => {
    const { runInit } = await import('./commands/init.js');
    io.exitCode = await runInit(flags, io);
  });
}

function defineRollout(program: Command, io: CliIO): void {
  // The infra repository's side: roll the version in SSM out on ECS.
  const rolloutCommand = program
    .command('rollout')
    .description(
      'Roll the version set in SSM out on ECS (run by the infra repository): pin the image digest in a new task definition, update the service, follow the deployment.',
    )
    .addOption(new Option('--app <name>', 'application name').env('HOSTING_APPLICATION'))
    .addOption(new Option('--env <name>', 'environment name, e.g. staging').env('HOSTING_ENVIRONMENT'))
    .option('--spec <file>', 'the App spec (default: apps/<app>.yaml)')
    .option('--cluster <name>', "ECS cluster (overrides the App spec's)")
    .option('--service <name>', "ECS service (overrides the App spec's; default: the application name)")
    .option('--container <name>', "the container whose image is replaced (overrides the App spec's)")
    .option('--timeout <duration>', 'how long to wait for the ECS deployment (e.g. 30m, 1h)', '30m')
    .addOption(
      new Option(
        '--wait-until <stage>',
        'complete: until the service deployment succeeds; traffic-shifted: until production traffic is on the new revision and the bake has begun',
      )
        .choices(['complete', 'traffic-shifted'])
        .default('complete'),
    )
    .option('--dry-run', 'read, resolve and render; print the task definition diff; change nothing');
  addAwsOptions(rolloutCommand);
  addCommonOptions(rolloutCommand);
  rolloutCommand.addHelpText(
    'after',
    `
Examples:
  $ hosting rollout --app hello-app --env staging
  $ hosting rollout --app hello-app --env production --dry-run
  $ hosting rollout --app hello-app --env staging --spec apps/hello.yaml --json
  $ hosting rollout --app hello-app --env production --wait-until traffic-shifted
`,
  );
  rolloutCommand.action(async (flags: import('./commands/rollout.js').RolloutFlags) => {
    const { runRollout } = await import('./commands/rollout.js');
    io.exitCode = await runRollout(flags, io);
  });
  for (const action of ['continue', 'abort'] as const) defineResume(program, io, action);
}

/** hosting continue / hosting abort: answer the deployment in flight (paused at a hook, or running). */
function defineResume(program: Command, io: CliIO, action: 'continue' | 'abort'): void {
  const command = program
    .command(action)
    .description(
      action === 'continue'
        ? 'Resume the ECS deployment paused at a pause hook (ContinueServiceDeployment CONTINUE).'
        : 'Roll back the ECS deployment in flight (ContinueServiceDeployment ROLLBACK when paused, else StopServiceDeployment ROLLBACK).',
    )
    .addOption(new Option('--app <name>', 'application name').env('HOSTING_APPLICATION'))
    .addOption(new Option('--env <name>', 'environment name, e.g. staging').env('HOSTING_ENVIRONMENT'))
    .option('--spec <file>', 'the App spec (default: apps/<app>.yaml)')
    .option('--cluster <name>', "ECS cluster (overrides the App spec's)")
    .option('--service <name>', "ECS service (overrides the App spec's; default: the application name)");
  addAwsOptions(command);
  addCommonOptions(command);
  command.addHelpText(
    'after',
    `
Nothing in flight: exit 3.

Examples:
  $ hosting ${action} --app hello-app --env production
  $ hosting ${action} --app hello-app --env production --json
`,
  );
  command.action(async (flags: import('./commands/resume.js').ResumeFlags) => {
    const { runResume } = await import('./commands/resume.js');
    io.exitCode = await runResume(action, flags, io);
  });
}

function defineStatus(program: Command, io: CliIO): void {
  const status = program
    .command('status')
    .description(
      'Show what runs where: per environment the deployed version, its image in ECR and the latest infra run.',
    )
    .addOption(app())
    .option('--env <name>', 'environment (repeatable; default: staging and production)', collect)
    .addOption(repository())
    .option(
      '--parameter <name>',
      'SSM parameter, with a single --env (default: /shared-hosting/<app>/<env>/version)',
    )
    .addOption(
      new Option('--infra-repo <owner/name>', 'the infrastructure repository, to show the latest runs').env(
        'HOSTING_INFRA_REPO',
      ),
    )
    .option('--infra-workflow <file>', 'the deployment workflow in the infra repository', 'deploy.yaml')
    .option('--infra-ref <ref>', 'branch or tag of the infra repository', 'main');
  addAwsOptions(status);
  addCommonOptions(status);
  status.addHelpText(
    'after',
    `
Examples:
  $ hosting status --app hello-app
  $ hosting status --app hello-app --env staging --env production --infra-repo acme/infra --json
`,
  );
  status.action(async (flags: import('./commands/status.js').StatusFlags) => {
    const { runStatus } = await import('./commands/status.js');
    io.exitCode = await runStatus(flags, io);
  });
}

function defineHistory(program: Command, io: CliIO): void {
  const history = program
    .command('history')
    .description("List an environment's deployments, newest first, from the SSM parameter's history.")
    .addOption(app())
    .addOption(new Option('--env <name>', 'environment name, e.g. staging').env('HOSTING_ENVIRONMENT'))
    .option('--limit <n>', 'how many entries (1-100; SSM keeps the last 100)', '20')
    .option('--parameter <name>', 'SSM parameter (default: /shared-hosting/<app>/<env>/version)');
  addAwsOptions(history);
  addCommonOptions(history);
  history.addHelpText(
    'after',
    `
Examples:
  $ hosting history --app hello-app --env production
  $ hosting history --app hello-app --env staging --limit 5 --json
`,
  );
  history.action(async (flags: import('./commands/history.js').HistoryFlags) => {
    const { runHistory } = await import('./commands/history.js');
    io.exitCode = await runHistory(flags, io);
  });
}

function defineRollback(program: Command, io: CliIO): void {
  const rollback = program
    .command('rollback')
    .description(
      'Go back to an earlier version whose image is still in ECR: set it in SSM, trigger the infra deployment and wait.',
    )
    .addOption(app())
    .addOption(new Option('--env <name>', 'environment name, e.g. production').env('HOSTING_ENVIRONMENT'))
    .option(
      '--to <version>',
      'the version to go back to, or "previous" (the last one before the current)',
      'previous',
    )
    .addOption(repository())
    .option('--parameter <name>', 'SSM parameter (default: /shared-hosting/<app>/<env>/version)');
  addInfraOptions(rollback);
  addReleaseOptions(rollback);
  addAwsOptions(rollback);
  rollback.option('--dry-run', 'check everything and say what would happen; change nothing');
  addCommonOptions(rollback);
  rollback.addHelpText(
    'after',
    `
Examples:
  $ hosting rollback --app hello-app --env production --infra-repo acme/infra
  $ hosting rollback --app hello-app --env production --to v1.4.1 --rollback-on-failure --infra-repo acme/infra
`,
  );
  rollback.action(async (flags: import('./commands/rollback.js').RollbackFlags) => {
    const { runRollback } = await import('./commands/rollback.js');
    io.exitCode = await runRollback(flags, io);
  });
}

function definePromote(program: Command, io: CliIO): void {
  const promote = program
    .command('promote')
    .description(
      'Ship the exact image running in one environment to another: no build, no push; set it in SSM, trigger and wait.',
    )
    .addOption(app())
    .option('--from <env>', 'source environment, e.g. staging')
    .option('--to <env>', 'target environment, e.g. production')
    .option(
      '--version <tag>',
      'deploy under this tag (the same image tagged again; default: the source version)',
    )
    .addOption(repository())
    .option(
      '--parameter <name>',
      'SSM parameter of the target (default: /shared-hosting/<app>/<to>/version)',
    );
  addInfraOptions(promote);
  addReleaseOptions(promote);
  addAwsOptions(promote);
  promote.option('--dry-run', 'check everything and say what would happen; change nothing');
  addCommonOptions(promote);
  promote.addHelpText(
    'after',
    `
Examples:
  $ hosting promote --app hello-app --from staging --to production --infra-repo acme/infra
  $ hosting promote --app hello-app --from staging --to production --version v1.5.0 --infra-repo acme/infra
`,
  );
  promote.action(async (flags: import('./commands/promote.js').PromoteFlags) => {
    const { runPromote } = await import('./commands/promote.js');
    io.exitCode = await runPromote(flags, io);
  });
}

function defineUnlock(program: Command, io: CliIO): void {
  const unlock = program
    .command('unlock')
    .description(
      'Remove the deployment lock of an application and environment by hand (saying whose it was); one that has not expired only with --force.',
    )
    .addOption(app())
    .addOption(new Option('--env <name>', 'environment name, e.g. staging').env('HOSTING_ENVIRONMENT'))
    .option(
      '--parameter <name>',
      'SSM version parameter the lock belongs to (default: /shared-hosting/<app>/<env>/version; the lock is /shared-hosting/<app>/<env>/lock)',
    )
    .option('--force', 'remove the lock even though it has not expired (its holder may still be running)');
  addAwsOptions(unlock);
  addCommonOptions(unlock);
  unlock.addHelpText(
    'after',
    `
Examples:
  $ hosting unlock --app hello-app --env staging
  $ hosting unlock --app hello-app --env staging --force --json
`,
  );
  unlock.action(async (flags: import('./commands/unlock.js').UnlockFlags) => {
    const { runUnlock } = await import('./commands/unlock.js');
    io.exitCode = await runUnlock(flags, io);
  });
}

/** Every command of the program, in the order `--help` lists them. */
const COMMANDS = [
  defineDeploy,
  defineInit,
  defineRollout,
  defineStatus,
  defineHistory,
  defineRollback,
  definePromote,
  defineUnlock,
];

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
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
