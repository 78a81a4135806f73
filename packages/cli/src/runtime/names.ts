/**
 * How the CLI calls each input: its flags, passed to the core so that its messages name them (the core
 * names no adapter's input). The flags themselves are defined in commands/<name>/command.ts and options.ts;
 * names.test.ts checks that each name here is a flag of the program.
 */
import type { AdapterNames, InputNames, RolloutInputNames } from '@shared-hosting/core';

export const CLI_INPUT_NAMES: InputNames = {
  application: '--app',
  environment: '--env',
  version: '--version',
  context: '--context',
  dockerfile: '--dockerfile',
  builder: '--builder',
  repository: '--repository',
  parameter: '--parameter',
  infraRepository: '--infra-repo',
  infraWorkflow: '--infra-workflow',
  infraRef: '--infra-ref',
  wait: '--no-wait',
  timeout: '--timeout',
  buildArgs: '--build-arg',
  target: '--target',
  platform: '--platform',
  cancelOnTimeout: '--cancel-on-timeout',
  cancelOnInterrupt: '--no-cancel-on-interrupt',
  cache: '--no-cache',
};

/** The operations' own inputs. `environment` is `--env` (promote: `--to`). */
export const CLI_OPERATION_NAMES = {
  environments: '--env',
  from: '--from',
  to: '--to',
  limit: '--limit',
  waitForLock: '--no-wait-for-lock',
  rollbackOnFailure: '--rollback-on-failure',
  redeployOnRollback: '--redeploy-on-rollback',
} as const;

export const CLI_ROLLOUT_NAMES: RolloutInputNames = {
  application: '--app',
  environment: '--env',
  spec: '--spec',
  cluster: '--cluster',
  service: '--service',
  container: '--container',
  timeout: '--timeout',
  waitUntil: '--wait-until',
  dryRun: '--dry-run',
};

/** The names deploy, rollback, promote, status, history and unlock pass to the core. */
export const OPERATION_NAMES = { ...CLI_INPUT_NAMES, ...CLI_OPERATION_NAMES };

/** The settings the core's port and step messages name, as the CLI calls them (its flags). */
export const CLI_ADAPTER_NAMES: AdapterNames = {
  region: '--region',
  profile: '--profile',
  repository: CLI_INPUT_NAMES.repository,
  parameter: CLI_INPUT_NAMES.parameter,
  version: CLI_INPUT_NAMES.version,
  builder: CLI_INPUT_NAMES.builder,
  cluster: CLI_ROLLOUT_NAMES.cluster,
  service: CLI_ROLLOUT_NAMES.service,
  container: CLI_ROLLOUT_NAMES.container,
  timeout: CLI_INPUT_NAMES.timeout,
  cancelOnTimeout: CLI_INPUT_NAMES.cancelOnTimeout,
  infraRepository: CLI_INPUT_NAMES.infraRepository,
  infraWorkflow: CLI_INPUT_NAMES.infraWorkflow,
  infraRef: CLI_INPUT_NAMES.infraRef,
  debug: '--debug',
};
