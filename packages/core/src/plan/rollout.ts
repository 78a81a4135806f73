/**
 * The rollout planner: inputs and the App spec in, every resolved name out (cluster, service,
 * container, parameter, repository) with the steps the runner executes. Pure: no I/O.
 */
import { RELEASE_TIMEOUT, type WaitUntil } from '../domain/names.js';
import { ROLLOUT_STEPS, type RolloutStepId } from '../domain/steps.js';
import { InputError, InputErrors } from '../errors/errors.js';
import {
  DEFAULTS,
  ECR_REPOSITORY_PATTERN,
  formatDuration,
  ownershipProblem,
  PARAMETER_PATTERN,
  parseDuration,
  parseRolloutFields,
  type RolloutFields,
  type RolloutInputNames,
  type RolloutInputs,
} from '../inputs/inputs.js';
import type { AppSpec, AppSpecEnvironment } from '../spec/app-spec.js';

/** One ECS service the rollout changes. */
interface PlannedService {
  /** Its entry's name in `services` (the ECS service's name for a single-service environment). */
  name: string;
  service: string;
  container: string;
}

/** The release task: run before any service changes, from the new revision of `service`'s task definition. */
interface PlannedRelease {
  /** The `name` of one of the plan's services. */
  service: string;
  /** The app container's command override. */
  command: readonly string[];
  timeoutMs: number;
}

export interface RolloutPlan {
  application: string;
  environment: string;
  /** The App spec file read, when there was one. */
  specFile: string | undefined;
  cluster: string;
  /** The first service's (the only one of a single-service environment). */
  service: string;
  container: string;
  /** Every service, in the App spec's order; one image version for all. */
  services: readonly PlannedService[];
  release: PlannedRelease | undefined;
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
  /** How the adapter calls the inputs the steps' fixes name (the overrides, the timeout). */
  names: RolloutFixNames;
}

/** The inputs a rollout step's fix may name. */
export type RolloutFixNames = Pick<RolloutInputNames, 'service' | 'container' | 'timeout'>;

const ROLLOUT_POLL_MS = 2000;

/** The App spec's default path for an application. */
export const defaultSpecPath = (application: string) => `apps/${application}.yaml`;

/** Validate the inputs against the App spec and resolve every name. Throws InputErrors listing every problem. */
export function planRollout(
  raw: RolloutInputs,
  spec: AppSpec | undefined,
  names: RolloutInputNames,
): RolloutPlan {
  const flags = parseRolloutFields(raw, names);
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
  const foreign = ownershipProblem(parameter, application, environment);
  if (foreign)
    fail(
      where,
      `The SSM parameter "${parameter}" ${foreign.message}`,
      `Fix "parameter:" in ${where}. ${foreign.fix}`,
    );
  const services = planServices(application, entry, overrides, names, fail);
  const release = planRelease(entry, services);
  const first = services[0];
  if (errors.length > 0 || !cluster || !first || flags.timeoutMs === undefined) throw new InputErrors(errors);
  const steps = ROLLOUT_STEPS.filter((s) =>
    flags.dryRun
      ? ['read', 'resolve', 'render'].includes(s)
      : (s !== 'release' || release) && (s !== 'roll-back' || services.length > 1),
  );
  return {
    application,
    environment,
    specFile: spec?.file,
    cluster,
    service: first.service,
    container: first.container,
    services,
    release,
    repository,
    parameter,
    timeoutMs: flags.timeoutMs,
    pollIntervalMs: ROLLOUT_POLL_MS,
    waitUntil: flags.waitUntil,
    dryRun: flags.dryRun,
    steps,
    names: { service: names.service, container: names.container, timeout: names.timeout },
  };
}

/** The services of the environment: `services` of the App spec, or the one service (overrides applied). */
function planServices(
  application: string,
  entry: AppSpecEnvironment | undefined,
  overrides: RolloutFields['overrides'],
  names: RolloutInputNames,
  fail: (input: string, message: string, fix: string) => void,
): PlannedService[] {
  if (!entry?.services) {
    const service = overrides.service ?? entry?.service ?? application;
    return [{ name: service, service, container: overrides.container ?? entry?.container ?? application }];
  }
  for (const key of ['service', 'container'] as const) {
    if (overrides[key] === undefined) continue;
    fail(
      names[key],
      `${names[key]} overrides the ${key} of a single-service environment, and this one lists "services" (${Object.keys(entry.services).join(', ')}).`,
      `Drop ${names[key]}: each entry of "services" in the App spec names its own ${key}.`,
    );
  }
  return Object.entries(entry.services).map(([name, s]) => ({
    name,
    service: s.service ?? name,
    container: s.container ?? name,
  }));
}

/** The release task of the environment, if any (the App spec checked its service and timeout). */
function planRelease(
  entry: AppSpecEnvironment | undefined,
  services: readonly PlannedService[],
): PlannedRelease | undefined {
  const release = entry?.release;
  if (!release) return undefined;
  const target = services.find((s) => s.name === release.service) ?? services[0];
  return {
    service: target?.name ?? '',
    command: [...release.command],
    timeoutMs: parseDuration(release.timeout ?? RELEASE_TIMEOUT.defaultText) ?? 600_000,
  };
}

/** The plan in lines, for --dry-run and logs. */
export function describeRolloutPlan(p: RolloutPlan): string[] {
  return [
    `application  ${p.application} in ${p.environment}${p.specFile ? ` (${p.specFile})` : ''}`,
    ...p.services.map(
      (s, i) =>
        `${i === 0 ? (p.services.length > 1 ? 'services' : 'service ') : '        '}     ${p.services.length > 1 ? `${s.name}: ` : ''}${s.service} in cluster ${p.cluster}, container ${s.container}`,
    ),
    ...(p.release
      ? [
          `release      ${JSON.stringify(p.release.command)} in a task of ${p.release.service}'s new revision, timeout ${formatDuration(p.release.timeoutMs)}`,
        ]
      : []),
    `image        ECR repository ${p.repository}`,
    `version      SSM parameter ${p.parameter}`,
    `wait until   ${p.waitUntil}`,
    `steps        ${p.steps.join(' → ')}`,
  ];
}
