import type { DeployInputs, OperationInputs } from '@shared-hosting/core';
import { CLI_INPUT_NAMES, CLI_OPERATION_NAMES } from '@shared-hosting/core/adapter';
import type { DeployFlags } from '../commands/deploy/command.js';
import type { ReleaseFlags } from '../options.js';

/** How each input is called on the command line, for error messages. */
export const OPERATION_NAMES = { ...CLI_INPUT_NAMES, ...CLI_OPERATION_NAMES };

/** The inputs every command that deploys shares: application, repository, parameter, infra and wait. */
function sharedInputs(flags: ReleaseFlags): DeployInputs {
  return {
    application: flags.app,
    repository: flags.repository,
    parameter: flags.parameter,
    infraRepository: flags.infraRepo,
    infraWorkflow: flags.infraWorkflow,
    infraRef: flags.infraRef,
    wait: flags.wait,
    timeout: flags.timeout,
    cancelOnTimeout: flags.cancelOnTimeout,
    cancelOnInterrupt: flags.cancelOnInterrupt,
  };
}

export function toDeployInputs(flags: DeployFlags): DeployInputs {
  return {
    ...sharedInputs(flags),
    environment: flags.env,
    version: flags.version,
    context: flags.context,
    dockerfile: flags.dockerfile,
    builder: flags.builder,
    buildArgs: flags.buildArg,
    target: flags.target,
    platform: flags.platform,
    cache: flags.cache,
  };
}

/** The release options (lock, recovery) on top of the shared inputs: rollback and promote. */
export function releaseInputs(flags: ReleaseFlags): OperationInputs {
  return {
    ...sharedInputs(flags),
    waitForLock: flags.waitForLock,
    rollbackOnFailure: flags.rollbackOnFailure,
    redeployOnRollback: flags.redeployOnRollback,
  };
}
