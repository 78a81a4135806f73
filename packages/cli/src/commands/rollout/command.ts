import { type Command, Option } from '@commander-js/extra-typings';
import { DEFAULTS, WAIT_UNTIL } from '@shared-hosting/core';
import {
  appOption,
  awsOptions,
  commonOptions,
  ecsOptions,
  envOption,
  type FlagsOf,
  timeoutOption,
} from '../../options.js';

/** `hosting rollout` (the infra repository's side): its flags. The body is ./run.ts. */
export function rolloutCommand(program: Command) {
  const target = appOption(
    program
      .command('rollout')
      .description(
        'Roll the version set in SSM out on ECS (run by the infra repository): pin the image digest in a new task definition, update the service, follow the deployment.',
      ),
  ).addOption(envOption());
  const rollout = ecsOptions(target)
    .option('--container <name>', "the container whose image is replaced (overrides the App spec's)")
    .addOption(timeoutOption('the ECS deployment'))
    .addOption(
      new Option(
        '--wait-until <stage>',
        'complete: until the service deployment succeeds; traffic-shifted: until production traffic is on the new revision and the bake has begun',
      )
        .choices(WAIT_UNTIL)
        .default(DEFAULTS.waitUntil),
    )
    .option('--dry-run', 'read, resolve and render; print the task definition diff; change nothing');
  return commonOptions(awsOptions(rollout)).addHelpText(
    'after',
    `
Examples:
  $ hosting rollout --app hello-app --env staging
  $ hosting rollout --app hello-app --env production --dry-run
  $ hosting rollout --app hello-app --env staging --spec apps/hello.yaml --json
  $ hosting rollout --app hello-app --env production --wait-until traffic-shifted
`,
  );
}

export type RolloutFlags = FlagsOf<ReturnType<typeof rolloutCommand>>;
