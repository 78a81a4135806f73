/**
 * The rollout planner: inputs and the App spec in, every resolved name out (cluster, service,
 * container, parameter, repository) with the steps the runner executes. Pure: no I/O.
 */
import { WAIT_UNTIL, type WaitUntil } from '../domain/names.js';
import { ROLLOUT_STEPS, type RolloutStepId } from '../domain/steps.js';
import { InputError, InputErrors } from '../errors/errors.js';
import {
  blankToUndefined,
  DEFAULTS,
  ECR_REPOSITORY_PATTERN,
  NAME_PATTERN,
  PARAMETER_PATTERN,
  parseBoolean,
  parseTimeout,
  quote,
} from '../inputs/inputs.js';
import type { AppSpec } from '../spec/app-spec.js';

/** Raw rollout inputs as adapters collect them (empty strings mean "not given"). */
export interface RolloutInputs {
  application?: string | undefined;
  environment?: string | undefined;
  /** The App spec file (default `apps/<application>.yaml`). */
  spec?: string | undefined;
  cluster?: string | undefined;
  service?: string | undefined;
  container?: string | undefined;
  timeout?: string | undefined;
  /** `complete` (default) or `traffic-shifted`. */
  waitUntil?: string | undefined;
  dryRun?: boolean | string | undefined;
}

export type RolloutInputNames = Record<keyof RolloutInputs, string>;

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

export interface RolloutPlan {
  application: string;
  environment: string;
  /** The App spec file read, when there was one. */
  specFile: string | undefined;
  cluster: string;
  service: string;
  container: string;
  repository: string;
  parameter: string;
  timeoutMs: number;
  /** The longest the wait goes between two looks at the deployment: completion is noticed within this (≤ 2 s). */
  pollIntervalMs: number;
  /** Where the wait ends: the deployment's end, or production traffic on the new revision (bake begun). */
  waitUntil: WaitUntil;
  dryRun: boolean;
  /** Exactly what the runner executes, in order; a dry run stops after render. */
  steps: readonly RolloutStepId[];
}

const ROLLOUT_POLL_MS = 2000;
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const CLUSTER =
  /^(?:[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255})$/;

/** The App spec's default path for an application. */
export const defaultSpecPath = (application: string) => `apps/${application}.yaml`;

interface RolloutFlags {
  errors: InputError[];
  application: string | undefined;
  environment: string | undefined;
  timeoutMs: number | undefined;
  waitUntil: WaitUntil;
  dryRun: boolean;
  overrides: Partial<Record<'cluster' | 'service' | 'container', string>>;
}

/** The inputs that need no App spec: names, timeout, dry run and the overrides. Collects every error. */
function parseRolloutFlags(raw: RolloutInputs, names: RolloutInputNames): RolloutFlags {
  const errors: InputError[] = [];
  const fail = (input: string, message: string, fix: string) =>
    errors.push(new InputError(input, message, fix));
  const name = (key: 'application' | 'environment', example: string) => {
    const text = blankToUndefined(raw[key]);
    if (text === undefined)
      fail(
        names[key],
        `Input required and not supplied: ${names[key]}.`,
        `Pass ${names[key]}, e.g. "${example}".`,
      );
    else if (!NAME_PATTERN.test(text))
      fail(
        names[key],
        `${names[key]} ${quote(text)} is not a valid ${key} name.`,
        `Use 1-63 lowercase letters, digits and "-", starting with a letter, e.g. "${example}".`,
      );
    else return text;
    return undefined;
  };
  const application = name('application', 'hello-app');
  const environment = name('environment', 'staging');
  const waitUntilText = blankToUndefined(raw.waitUntil) ?? DEFAULTS.waitUntil;
  const waitUntil = WAIT_UNTIL.find((w) => w === waitUntilText);
  if (!waitUntil)
    fail(
      names.waitUntil,
      `${names.waitUntil} ${quote(waitUntilText)} is not a stage the rollout can wait until.`,
      `Use ${WAIT_UNTIL.join(' or ')}.`,
    );
  const timeout = parseTimeout(raw.timeout, names.timeout);
  if ('error' in timeout) errors.push(timeout.error);
  const timeoutMs = 'ms' in timeout ? timeout.ms : undefined;
  const dryRun = parseBoolean(raw.dryRun, false);
  if (dryRun === undefined)
    fail(
      names.dryRun,
      `${names.dryRun} ${quote(String(raw.dryRun))} is not a boolean.`,
      'Use true or false.',
    );
  const overrides: RolloutFlags['overrides'] = {};
  for (const [key, pattern] of [
    ['cluster', CLUSTER],
    ['service', ECS_NAME],
    ['container', ECS_NAME],
  ] as const) {
    const text = blankToUndefined(raw[key]);
    if (text === undefined) continue;
    if (pattern.test(text)) overrides[key] = text;
    else
      fail(
        names[key],
        `${names[key]} ${quote(text)} is not a valid ECS ${key} name.`,
        'Use letters, digits, "-" and "_" (a cluster may also be its ARN).',
      );
  }
  return {
    errors,
    application,
    environment,
    timeoutMs,
    waitUntil: waitUntil ?? DEFAULTS.waitUntil,
    dryRun: dryRun ?? false,
    overrides,
  };
}

/** The checks that need no App spec (the Action's fast path): throws InputErrors listing every problem. */
export function checkRolloutInputs(raw: RolloutInputs, names: RolloutInputNames): void {
  const { errors } = parseRolloutFlags(raw, names);
  if (errors.length > 0) throw new InputErrors(errors);
}

/** Validate the inputs against the App spec and resolve every name. Throws InputErrors listing every problem. */
export function planRollout(
  raw: RolloutInputs,
  spec: AppSpec | undefined,
  names: RolloutInputNames,
): RolloutPlan {
  const flags = parseRolloutFlags(raw, names);
  const { errors, application, environment, overrides } = flags;
  if (!application || !environment) throw new InputErrors(errors);
  const fail = (input: string, message: string, fix: string) =>
    errors.push(new InputError(input, message, fix));
  const entry = spec?.environments[environment];
  if (spec && !entry) {
    const known = Object.keys(spec.environments);
    fail(
      spec.file,
      `${spec.file}:${spec.lines[''] ?? 1}: environment "${environment}" is not in the App spec (it has ${known.map((k) => `"${k}"`).join(', ') || 'none'}).`,
      `Add "${environment}:" with its "cluster" under "environments:" in ${spec.file}, or pass ${names.environment} with one of ${known.join(', ') || 'the environments you add'}.`,
    );
  }
  const cluster = overrides.cluster ?? entry?.cluster;
  if (!cluster && (!spec || entry))
    fail(
      names.cluster,
      `No ECS cluster for ${application} in ${environment}.`,
      `Add an App spec (${defaultSpecPath(application)}) with environments.${environment}.cluster, or pass ${names.cluster}.`,
    );
  const where = spec?.file ?? defaultSpecPath(application);
  const repository = spec?.repository ?? application;
  if (!ECR_REPOSITORY_PATTERN.test(repository) || repository.length < 2)
    fail(
      where,
      `The ECR repository "${repository}" is not a valid repository name.`,
      `Set "repository:" in ${where}.`,
    );
  const parameter = (spec?.parameter ?? DEFAULTS.parameter('{application}', '{environment}'))
    .replaceAll('{application}', application)
    .replaceAll('{environment}', environment);
  if (!PARAMETER_PATTERN.test(parameter))
    fail(
      where,
      `The SSM parameter "${parameter}" is not a valid parameter name.`,
      `Fix "parameter:" in ${where}: only {application} and {environment} are replaced.`,
    );
  if (errors.length > 0 || !cluster || flags.timeoutMs === undefined) throw new InputErrors(errors);
  const steps = flags.dryRun
    ? ROLLOUT_STEPS.filter((s) => ['read', 'resolve', 'render'].includes(s))
    : [...ROLLOUT_STEPS];
  return {
    application,
    environment,
    specFile: spec?.file,
    cluster,
    service: overrides.service ?? entry?.service ?? application,
    container: overrides.container ?? entry?.container ?? application,
    repository,
    parameter,
    timeoutMs: flags.timeoutMs,
    pollIntervalMs: ROLLOUT_POLL_MS,
    waitUntil: flags.waitUntil,
    dryRun: flags.dryRun,
    steps,
  };
}

/** The plan in lines, for --dry-run and logs. */
export function describeRolloutPlan(p: RolloutPlan): string[] {
  return [
    `application  ${p.application} in ${p.environment}${p.specFile ? ` (${p.specFile})` : ''}`,
    `service      ${p.service} in cluster ${p.cluster}, container ${p.container}`,
    `image        ECR repository ${p.repository}`,
    `version      SSM parameter ${p.parameter}`,
    `wait until   ${p.waitUntil}`,
    `steps        ${p.steps.join(' → ')}`,
  ];
}
