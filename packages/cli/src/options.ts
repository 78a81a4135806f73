// The option groups several commands share, and the options most commands take. A command's flags are
// the type commander infers from its definition (`FlagsOf`), never written by hand; every default comes
// from core's DEFAULTS through commander's `.default`, so `--help` and the reference show it.
//
// A group adds at most four options: TypeScript's cost of inferring a generic chain of commander's typed
// options grows exponentially with its length (six options: a minute of type checking). Commands compose
// the groups on their concrete type, where each step is cheap.
import { type Command, Help, Option, type OptionValues } from '@commander-js/extra-typings';
import { DEFAULTS } from '@shared-hosting/core';

/**
 * The flags a command's body receives: what commander parsed, every one optional (a body called directly,
 * as the tests do, may leave any out; core applies the defaults and reports what is missing).
 */
export type FlagsOf<C> = C extends Command<infer _A, infer O, infer _G> ? Partial<O> : never;

/** A command before its first option (to name the flags a group adds on its own). */
type NoOptions = Record<never, never>;

/** A command of the program (no arguments), with the options it has so far. */
type AnyCommand<O extends OptionValues> = Command<[], O>;

export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Options every command has. */
export function commonOptions<O extends OptionValues>(command: AnyCommand<O>) {
  return command
    .option('--json', 'print the result as JSON on stdout (progress goes to stderr)')
    .option('--debug', 'show debug output and stack traces')
    .option('--no-color', 'plain lines without colour or live redraw (also NO_COLOR=1)');
}

export type CommonFlags = FlagsOf<ReturnType<typeof commonOptions<NoOptions>>>;

/** The AWS profile and region (credentials come from the SDK's default chain). */
export function awsOptions<O extends OptionValues>(command: AnyCommand<O>) {
  return command
    .addOption(new Option('--profile <name>', 'AWS profile (SSO profiles work)').env('AWS_PROFILE'))
    .addOption(new Option('--region <region>', 'AWS region').env('AWS_REGION'));
}

export type AwsFlags = FlagsOf<ReturnType<typeof awsOptions<NoOptions>>>;

/** `--app`: required (HOSTING_APPLICATION may supply it). Every command but init starts with it. */
export function appOption<O extends OptionValues>(command: AnyCommand<O>) {
  return command.addOption(
    new Option('--app <name>', 'application name').env('HOSTING_APPLICATION').makeOptionMandatory(),
  );
}

/** `--env`: required (HOSTING_ENVIRONMENT may supply it). */
export const envOption = (example = 'staging') =>
  new Option('--env <name>', `environment name, e.g. ${example}`)
    .env('HOSTING_ENVIRONMENT')
    .makeOptionMandatory();

/** The App spec and the ECS service it names (rollout, continue, abort). */
export function ecsOptions<O extends OptionValues>(command: AnyCommand<O>) {
  return command
    .option('--spec <file>', 'the App spec (default: apps/<app>.yaml)')
    .option('--cluster <name>', "ECS cluster (overrides the App spec's)")
    .option('--service <name>', "ECS service (overrides the App spec's; default: the application name)");
}

export const repositoryOption = () =>
  new Option('--repository <name>', 'ECR repository (default: the application name)');

export const parameterOption = (
  description = 'SSM parameter (default: /shared-hosting/<app>/<env>/version)',
) => new Option('--parameter <name>', description);

/** The ECR repository and the SSM parameter (deploy, rollback, promote). */
export function registryOptions<O extends OptionValues>(command: AnyCommand<O>, parameter?: string) {
  return command.addOption(repositoryOption()).addOption(parameterOption(parameter));
}

/** The infra repository, its workflow and ref, required (deploy, rollback, promote). */
export function infraTargetOptions<O extends OptionValues>(command: AnyCommand<O>) {
  return command
    .addOption(
      new Option('--infra-repo <owner/name>', 'the platform infrastructure repository')
        .env('HOSTING_INFRA_REPO')
        .makeOptionMandatory(),
    )
    .addOption(workflowOption())
    .addOption(refOption('branch or tag of the infra repository to run'));
}

export const workflowOption = () =>
  new Option('--infra-workflow <file>', 'the deployment workflow in the infra repository').default(
    DEFAULTS.infraWorkflow,
  );

export const refOption = (description: string) =>
  new Option('--infra-ref <ref>', description).default(DEFAULTS.infraRef);

export const timeoutOption = (what: string) =>
  new Option('--timeout <duration>', `how long to wait for ${what} (e.g. 30m, 1h)`).default(DEFAULTS.timeout);

/** How the infra deployment a release triggers is waited for (deploy, rollback, promote). */
export function waitOptions<O extends OptionValues>(command: AnyCommand<O>) {
  return command
    .option('--no-wait', 'trigger the infra deployment without waiting for it')
    .addOption(timeoutOption('the infra deployment'))
    .option('--cancel-on-timeout', 'cancel the infra run when the timeout ends the wait')
    .option('--no-cancel-on-interrupt', 'keep the infra run going when interrupted (Ctrl-C)');
}

/** The lock before the infra deployment and the recovery after a failed one (deploy, rollback, promote). */
export function releaseOptions<O extends OptionValues>(command: AnyCommand<O>) {
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

/** The flags deploy, rollback and promote share (their common body, runtime/operation.ts, reads these). */
export type ReleaseFlags = FlagsOf<ReturnType<typeof appOption<NoOptions>>> &
  FlagsOf<ReturnType<typeof registryOptions<NoOptions>>> &
  FlagsOf<ReturnType<typeof infraTargetOptions<NoOptions>>> &
  FlagsOf<ReturnType<typeof waitOptions<NoOptions>>> &
  FlagsOf<ReturnType<typeof releaseOptions<NoOptions>>>;

/**
 * `--help` marks the required options: "(required, env: HOSTING_APPLICATION)". Commander knows which
 * they are (`makeOptionMandatory`), and so does the reference generated from the program.
 */
export function optionDescription(this: Help, option: Option): string {
  const text = Help.prototype.optionDescription.call(this, option);
  if (!option.mandatory) return text;
  const extra = text.slice(option.description.length).trim();
  return extra.startsWith('(')
    ? `${option.description} (required, ${extra.slice(1)}`
    : `${option.description} (required)`;
}
