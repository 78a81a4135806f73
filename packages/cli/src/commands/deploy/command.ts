import { type Command, Option } from '@commander-js/extra-typings';
import { BUILDER_CHOICES, DEFAULTS } from '@shared-hosting/core';
import { exitCodesHelp } from '../../exit-codes.js';
import {
  appOption,
  awsOptions,
  collect,
  commonOptions,
  envOption,
  type FlagsOf,
  infraTargetOptions,
  registryOptions,
  releaseOptions,
  waitOptions,
} from '../../options.js';

/** `hosting deploy`: its flags. The body is ./run.ts, loaded when the command runs. */
export function deployCommand(program: Command) {
  const deploy = appOption(
    program
      .command('deploy')
      .description(
        'Build the image, push it to ECR, set the version in SSM, trigger the infra deployment and wait for it.',
      ),
  )
    .addOption(envOption())
    .option('--version <version>', 'image tag and version to deploy (default: the commit SHA)')
    .addOption(new Option('--context <dir>', 'build context').default(DEFAULTS.context))
    .option('--dockerfile <file>', 'Dockerfile (default: <context>/Dockerfile)')
    .option('--build-arg <KEY=VALUE>', 'build argument (repeatable)', collect)
    .option('--target <stage>', 'build stage to target')
    .option('--platform <os/arch>', 'target platform, e.g. linux/arm64')
    .option('--no-cache', 'build without the registry layer cache (<repository>/build-cache)')
    .addOption(
      new Option('--builder <builder>', 'image builder')
        .choices(BUILDER_CHOICES)
        .default(DEFAULTS.builder)
        .env('HOSTING_BUILDER'),
    );
  const infra = waitOptions(infraTargetOptions(registryOptions(deploy))).option(
    '--no-trigger',
    'only build, push and set the version; do not trigger the infra deployment (needs no GitHub token)',
  );
  const release = releaseOptions(infra);
  return commonOptions(
    awsOptions(release).option('--dry-run', 'check everything and print the plan; change nothing'),
  ).addHelpText(
    'after',
    `\nCredentials:\n  AWS from the SDK's default chain (--profile/AWS_PROFILE, SSO, environment); GitHub from a GitHub App\n  (HOSTING_GITHUB_APP_ID and HOSTING_GITHUB_APP_PRIVATE_KEY or ..._PRIVATE_KEY_FILE: tokens for the infra\n  repository only, renewed while waiting), else GITHUB_TOKEN, GH_TOKEN or a logged-in gh CLI.\n  Without a GitHub token or App, deploy refuses before changing anything (exit 2); --no-trigger only\n  builds, pushes and sets the version (version set, not deployed).\n\nExamples:\n  $ hosting deploy --app hello-app --env staging --infra-repo acme/infra\n  $ hosting deploy --app hello-app --env production --version v1.4.2 --infra-repo acme/infra --dry-run\n${exitCodesHelp()}`,
  );
}

export type DeployFlags = FlagsOf<ReturnType<typeof deployCommand>>;
