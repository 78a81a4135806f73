import type { Command } from '@commander-js/extra-typings';
import {
  appOption,
  awsOptions,
  commonOptions,
  envOption,
  type FlagsOf,
  parameterOption,
} from '../../options.js';

/** `hosting unlock`: its flags. The body is ./run.ts, shared with the other read-only commands. */
export function unlockCommand(program: Command) {
  const unlock = appOption(
    program
      .command('unlock')
      .description(
        'Remove the deployment lock of an application and environment by hand (saying whose it was); one that has not expired only with --force.',
      ),
  )
    .addOption(envOption())
    .addOption(
      parameterOption(
        'SSM version parameter the lock belongs to (default: /shared-hosting/<app>/<env>/version; the lock is /shared-hosting/<app>/<env>/lock)',
      ),
    )
    .option('--force', 'remove the lock even though it has not expired (its holder may still be running)');
  return commonOptions(awsOptions(unlock)).addHelpText(
    'after',
    `
Examples:
  $ hosting unlock --app hello-app --env staging
  $ hosting unlock --app hello-app --env staging --force --json
`,
  );
}

export type UnlockFlags = FlagsOf<ReturnType<typeof unlockCommand>>;
