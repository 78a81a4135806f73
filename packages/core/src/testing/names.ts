/**
 * The names the CLI and the Action give the inputs, as fixtures for the core's tests of its messages. The
 * adapters own the real ones (packages/cli/src/runtime/names.ts, packages/action/src/inputs.ts) and pass
 * them in; their tests check that these fixtures are equal to them.
 */
import type { InputNames, RolloutInputNames } from '../inputs/inputs.js';
import type { AdapterNames } from '../inputs/names.js';

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

export const ACTION_INPUT_NAMES: InputNames = {
  application: 'application',
  environment: 'environment',
  version: 'version',
  context: 'context',
  dockerfile: 'dockerfile',
  builder: 'builder',
  repository: 'repository',
  parameter: 'parameter',
  infraRepository: 'infra-repository',
  infraWorkflow: 'infra-workflow',
  infraRef: 'infra-ref',
  wait: 'wait',
  timeout: 'timeout',
  buildArgs: 'build-args',
  target: 'target',
  platform: 'platform',
  cancelOnTimeout: 'cancel-on-timeout',
  cancelOnInterrupt: 'cancel-on-interrupt',
  cache: 'cache',
};

/** Names of the operation inputs in the CLI. `environment` is `--env` (promote: `--to`). */
export const CLI_OPERATION_NAMES = {
  environments: '--env',
  from: '--from',
  to: '--to',
  limit: '--limit',
  waitForLock: '--no-wait-for-lock',
  rollbackOnFailure: '--rollback-on-failure',
  redeployOnRollback: '--redeploy-on-rollback',
} as const;

/** Names of the operation inputs in the Action. */
export const ACTION_OPERATION_NAMES = {
  environments: 'environment',
  from: 'from-environment',
  to: 'to',
  limit: 'limit',
  waitForLock: 'wait-for-lock',
  rollbackOnFailure: 'rollback-on-failure',
  redeployOnRollback: 'redeploy-on-rollback',
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

export const ACTION_ROLLOUT_NAMES: RolloutInputNames = {
  application: 'application',
  environment: 'environment',
  spec: 'app-spec',
  cluster: 'cluster',
  service: 'service',
  container: 'container',
  timeout: 'timeout',
  waitUntil: 'wait-until',
  dryRun: 'dry-run',
};

/** The settings the ports' and steps' fixes name, as the CLI calls them. */
export const CLI_ADAPTER_NAMES: AdapterNames = {
  region: '--region',
  profile: '--profile',
  repository: '--repository',
  parameter: '--parameter',
  version: '--version',
  builder: '--builder',
  cluster: '--cluster',
  service: '--service',
  container: '--container',
  timeout: '--timeout',
  cancelOnTimeout: '--cancel-on-timeout',
  infraRepository: '--infra-repo',
  infraWorkflow: '--infra-workflow',
  infraRef: '--infra-ref',
  debug: '--debug',
};

/** The same, as the Action calls them: no region or profile input (AWS_REGION, AWS_PROFILE only). */
export const ACTION_ADAPTER_NAMES: AdapterNames = {
  region: undefined,
  profile: undefined,
  repository: 'repository',
  parameter: 'parameter',
  version: 'version',
  builder: 'builder',
  cluster: 'cluster',
  service: 'service',
  container: 'container',
  timeout: 'timeout',
  cancelOnTimeout: 'cancel-on-timeout',
  infraRepository: 'infra-repository',
  infraWorkflow: 'infra-workflow',
  infraRef: 'infra-ref',
  debug: 'ACTIONS_STEP_DEBUG=true',
};
