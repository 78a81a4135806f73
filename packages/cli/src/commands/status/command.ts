import { type Command, Option } from '@commander-js/extra-typings';
import {
  appOption,
  awsOptions,
  collect,
  commonOptions,
  type FlagsOf,
  parameterOption,
  refOption,
  repositoryOption,
  workflowOption,
} from '../../options.js';

/** `hosting status`: its flags. The body is ./run.ts, shared with the other read-only commands. */
export function statusCommand(program: Command) {
  const status = appOption(
    program
      .command('status')
      .description(
        'Show what runs where: per environment the deployed version, its image in ECR and the latest infra run.',
      ),
  )
    .option('--env <name>', 'environment (repeatable; default: staging and production)', collect)
    .addOption(repositoryOption())
    .addOption(
      parameterOption('SSM parameter, with a single --env (default: /shared-hosting/<app>/<env>/version)'),
    )
    .addOption(
      new Option('--infra-repo <owner/name>', 'the infrastructure repository, to show the latest runs').env(
        'HOSTING_INFRA_REPO',
      ),
    )
    .addOption(workflowOption())
    .addOption(refOption('branch or tag of the infra repository'));
  return commonOptions(awsOptions(status)).addHelpText(
    'after',
    `
Examples:
  $ hosting status --app hello-app
  $ hosting status --app hello-app --env staging --env production --infra-repo acme/infra --json
`,
  );
}

export type StatusFlags = FlagsOf<ReturnType<typeof statusCommand>>;
