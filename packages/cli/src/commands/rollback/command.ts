import { type Command, Option } from '@commander-js/extra-typings';
import { DEFAULTS } from '@shared-hosting/core';
import {
  appOption,
  awsOptions,
  commonOptions,
  envOption,
  type FlagsOf,
  infraTargetOptions,
  registryOptions,
  releaseOptions,
  waitOptions,
} from '../../options.js';

/** `hosting rollback`: its flags. The body is ./run.ts, shared with deploy and promote. */
export function rollbackCommand(program: Command) {
  const rollback = appOption(
    program
      .command('rollback')
      .description(
        'Go back to an earlier version whose image is still in ECR: set it in SSM, trigger the infra deployment and wait.',
      ),
  )
    .addOption(envOption('production'))
    .addOption(
      new Option(
        '--to <version>',
        'the version to go back to, or "previous" (the last one before the current)',
      ).default(DEFAULTS.rollbackTo),
    );
  const release = releaseOptions(waitOptions(infraTargetOptions(registryOptions(rollback))));
  return commonOptions(
    awsOptions(release).option('--dry-run', 'check everything and say what would happen; change nothing'),
  ).addHelpText(
    'after',
    `
Examples:
  $ hosting rollback --app hello-app --env production --infra-repo acme/infra
  $ hosting rollback --app hello-app --env production --to v1.4.1 --rollback-on-failure --infra-repo acme/infra
`,
  );
}

export type RollbackFlags = FlagsOf<ReturnType<typeof rollbackCommand>>;
