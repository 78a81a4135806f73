import {
  type AdapterNames,
  blankToUndefined,
  type DeployInputs,
  type InputKey,
  type InputNames,
  type OperationInputs,
  type RolloutInputNames,
} from '@shared-hosting/core';
import { ACTION_YML_INPUTS } from './action-inputs.js';

/** action.yml's inputs (generated from it: ./action-inputs.ts). */
const IN = ACTION_YML_INPUTS;

/**
 * The Action's input names, each taken from action.yml (an input renamed or removed there no longer
 * compiles here): passed to the core so that its messages name them.
 */
export const ACTION_INPUT_NAMES: InputNames = {
  application: IN.application,
  environment: IN.environment,
  version: IN.version,
  context: IN.context,
  dockerfile: IN.dockerfile,
  builder: IN.builder,
  repository: IN.repository,
  parameter: IN.parameter,
  infraRepository: IN.infraRepository,
  infraWorkflow: IN.infraWorkflow,
  infraRef: IN.infraRef,
  wait: IN.wait,
  timeout: IN.timeout,
  buildArgs: IN.buildArgs,
  target: IN.target,
  platform: IN.platform,
  cancelOnTimeout: IN.cancelOnTimeout,
  cancelOnInterrupt: IN.cancelOnInterrupt,
  cache: IN.cache,
};

/**
 * The operations' own inputs (promote's target is `environment`). `limit` is history's, which is not a
 * command of the Action: no input of action.yml, named only for the core's parsing.
 */
export const ACTION_OPERATION_NAMES = {
  environments: IN.environment,
  from: IN.fromEnvironment,
  to: IN.to,
  limit: 'limit',
  waitForLock: IN.waitForLock,
  rollbackOnFailure: IN.rollbackOnFailure,
  redeployOnRollback: IN.redeployOnRollback,
} as const;

export const ACTION_ROLLOUT_NAMES: RolloutInputNames = {
  application: IN.application,
  environment: IN.environment,
  spec: IN.appSpec,
  cluster: IN.cluster,
  service: IN.service,
  container: IN.container,
  timeout: IN.timeout,
  waitUntil: IN.waitUntil,
  dryRun: IN.dryRun,
};

/**
 * The settings the core's port and step messages name, as the Action calls them. It has no region or
 * profile input (AWS_REGION and AWS_PROFILE only, set by aws-actions/configure-aws-credentials); debug
 * output is the runner's step debug logging.
 */
export const ACTION_ADAPTER_NAMES: AdapterNames = {
  region: undefined,
  profile: undefined,
  repository: ACTION_INPUT_NAMES.repository,
  parameter: ACTION_INPUT_NAMES.parameter,
  version: ACTION_INPUT_NAMES.version,
  builder: ACTION_INPUT_NAMES.builder,
  cluster: ACTION_ROLLOUT_NAMES.cluster,
  service: ACTION_ROLLOUT_NAMES.service,
  container: ACTION_ROLLOUT_NAMES.container,
  timeout: ACTION_INPUT_NAMES.timeout,
  cancelOnTimeout: ACTION_INPUT_NAMES.cancelOnTimeout,
  infraRepository: ACTION_INPUT_NAMES.infraRepository,
  infraWorkflow: ACTION_INPUT_NAMES.infraWorkflow,
  infraRef: ACTION_INPUT_NAMES.infraRef,
  debug: 'ACTIONS_STEP_DEBUG=true',
};

/** Reads one Action input by its name in action.yml; '' when not given (like `core.getInput`). */
export type GetInput = (name: string) => string;

/** The environment variable the runner sets for an input: upper case, spaces → `_`, dashes kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/**
 * `core.getInput` without @actions/core: the fast path reads inputs before loading it. Like
 * @github/local-action, it also accepts the name as written (`INPUT_infra-repository`) when the runner's
 * upper-case variable is not set.
 */
export function envInput(env: Readonly<Record<string, string | undefined>>): GetInput {
  return (name) => (env[inputVariable(name)] || env[`INPUT_${name.replace(/ /g, '_')}`] || '').trim();
}

/** Environment fallbacks of design.md, for inputs left empty. */
export const ENV_FALLBACKS: Partial<Record<InputKey, string>> = {
  application: 'HOSTING_APPLICATION',
  environment: 'HOSTING_ENVIRONMENT',
  builder: 'HOSTING_BUILDER',
  infraRepository: 'HOSTING_INFRA_REPO',
};

export const GITHUB_TOKEN_INPUT = IN.githubToken;
/** A GitHub App instead of the token (recommended): its id (or client id) and its PEM private key. */
export const GITHUB_APP_ID_INPUT = IN.githubAppId;
export const GITHUB_APP_KEY_INPUT = IN.githubAppPrivateKey;
export const COMMAND_INPUT = IN.command;
/** Every command: check and plan, change nothing. */
export const DRY_RUN_INPUT = IN.dryRun;
/** deploy: false only sets the version (the CLI's --no-trigger): no infra run is triggered, none is needed. */
export const TRIGGER_INPUT = IN.trigger;

/** The inputs only the day-2 commands (and deploy's safety nets) read. */
export const OPERATION_INPUTS = {
  to: IN.to,
  from: IN.fromEnvironment,
  waitForLock: IN.waitForLock,
  rollbackOnFailure: IN.rollbackOnFailure,
  redeployOnRollback: IN.redeployOnRollback,
} as const satisfies Partial<Record<keyof OperationInputs, string>>;

export interface ActionInputs {
  inputs: DeployInputs;
  /** The github-token input, or GITHUB_TOKEN / GH_TOKEN from the environment. A secret. */
  githubToken: string | undefined;
  /** The github-app-id and github-app-private-key inputs (the key a secret). */
  githubAppId?: string | undefined;
  githubAppPrivateKey?: string | undefined;
  /** The command input: deploy (when not given), rollback or promote. */
  command?: string | undefined;
  /** The inputs of rollback and promote, and of the lock and rollback-on-failure (all commands). */
  operation?: OperationInputs | undefined;
  /** The dry-run input, as given (checked by the command). */
  dryRun?: string | undefined;
  /** The trigger input, as given (checked by deploy). */
  trigger?: string | undefined;
}

/** Read `command` and the operation inputs (empty means not given). */
function readOperationInputs(
  get: GetInput,
): Pick<ActionInputs, 'command' | 'operation' | 'dryRun' | 'trigger'> {
  const operation: OperationInputs = {};
  for (const [key, name] of Object.entries(OPERATION_INPUTS) as [keyof typeof OPERATION_INPUTS, string][]) {
    const value = blankToUndefined(get(name));
    if (value !== undefined) operation[key] = value;
  }
  return {
    command: blankToUndefined(get(COMMAND_INPUT)),
    operation,
    ...(blankToUndefined(get(DRY_RUN_INPUT)) ? { dryRun: blankToUndefined(get(DRY_RUN_INPUT)) } : {}),
    ...(blankToUndefined(get(TRIGGER_INPUT)) ? { trigger: blankToUndefined(get(TRIGGER_INPUT)) } : {}),
  };
}

/** Read every input once: empty means "not given", then the environment fallbacks apply. */
export function readInputs(get: GetInput, env: Readonly<Record<string, string | undefined>>): ActionInputs {
  const inputs: DeployInputs = {};
  for (const key of Object.keys(ACTION_INPUT_NAMES) as InputKey[]) {
    const fallback = ENV_FALLBACKS[key];
    const value =
      blankToUndefined(get(ACTION_INPUT_NAMES[key])) ??
      (fallback === undefined ? undefined : blankToUndefined(env[fallback]));
    if (value !== undefined) inputs[key] = value;
  }
  const githubToken =
    blankToUndefined(get(GITHUB_TOKEN_INPUT)) ??
    blankToUndefined(env.GITHUB_TOKEN) ??
    blankToUndefined(env.GH_TOKEN);
  const githubAppId = blankToUndefined(get(GITHUB_APP_ID_INPUT));
  const githubAppPrivateKey = blankToUndefined(get(GITHUB_APP_KEY_INPUT));
  return { inputs, githubToken, githubAppId, githubAppPrivateKey, ...readOperationInputs(get) };
}

/**
 * Secrets known before anything runs: the GitHub token(s) and the AWS credentials the workflow put in
 * the environment. Each line of a multi-line value is masked too, as the runner matches line by line.
 */
export function secretsToMask(
  read: ActionInputs,
  env: Readonly<Record<string, string | undefined>>,
): string[] {
  const values = [
    read.githubToken,
    read.githubAppPrivateKey,
    env.HOSTING_GITHUB_APP_PRIVATE_KEY,
    env.GITHUB_TOKEN,
    env.GH_TOKEN,
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
  ];
  const secrets = new Set<string>();
  for (const value of values) {
    const text = value?.trim();
    if (!text) continue;
    secrets.add(text);
    for (const line of text.split(/\r?\n/)) if (line.trim()) secrets.add(line.trim());
  }
  return [...secrets];
}
