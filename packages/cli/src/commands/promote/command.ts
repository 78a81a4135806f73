import { type Command, Option } from '@commander-js/extra-typings';
import {
  appOption,
  awsOptions,
  commonOptions,
  type FlagsOf,
  infraTargetOptions,
  registryOptions,
  releaseOptions,
  waitOptions,
} from '../../options.js';

/** `hosting promote`: its flags. The body is ./run.ts, shared with deploy and rollback. */
export function promoteCommand(program: Command) {
  const promote = appOption(
    program
      .command('promote')
      .description(
        'Ship the exact image running in one environment to another: no build, no push; set it in SSM, trigger and wait.',
      ),
  )
    .addOption(new Option('--from <env>', 'source environment, e.g. staging').makeOptionMandatory())
    .addOption(new Option('--to <env>', 'target environment, e.g. production').makeOptionMandatory())
    .option(
      '--version <tag>',
      'deploy under this tag (the same image tagged again; default: the source version)',
    );
  const target = registryOptions(
    promote,
    'SSM parameter of the target (default: /shared-hosting/<app>/<to>/version)',
  );
  const release = releaseOptions(waitOptions(infraTargetOptions(target)));
  return commonOptions(
    awsOptions(release).option('--dry-run', 'check everything and say what would happen; change nothing'),
  ).addHelpText(
    'after',
    `
Examples:
  $ hosting promote --app hello-app --from staging --to production --infra-repo acme/infra
  $ hosting promote --app hello-app --from staging --to production --version v1.5.0 --infra-repo acme/infra
`,
  );
}

export type PromoteFlags = FlagsOf<ReturnType<typeof promoteCommand>>;
