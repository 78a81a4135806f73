import { lockParameterName } from '../domain/lock.js';
import { HISTORY_MAX } from '../domain/names.js';
import type { SourceInfo } from '../domain/provenance.js';
import { PROMOTE_STEPS, ROLLBACK_STEPS, type StepId } from '../domain/steps.js';
import { InputError, InputErrors } from '../errors/errors.js';
import {
  blankToUndefined,
  DEFAULTS,
  type DeployInputs,
  type InputNames,
  NAME_PATTERN,
  parseFlag,
  parseReleaseInputs,
  parseTargetInputs,
  quote,
  type ReleaseInputOptions,
  TAG_PATTERN,
  type TargetOptions,
} from '../inputs/inputs.js';
import type { WorkflowTarget } from '../ports/ports.js';
import type { ReleaseOptions, WaitPlan } from './release.js';

/**
 * Raw inputs of the day-2 operations, as adapters collect them (strings; empty means "not given").
 * The shared ones (application, repository, infra, wait, timeout, ...) are validated exactly as for deploy.
 */
export interface OperationInputs
  extends Pick<
    DeployInputs,
    | 'application'
    | 'environment'
    | 'version'
    | 'repository'
    | 'parameter'
    | 'infraRepository'
    | 'infraWorkflow'
    | 'infraRef'
    | 'wait'
    | 'timeout'
    | 'cancelOnTimeout'
    | 'cancelOnInterrupt'
  > {
  /** status: the environments (an array, or comma/newline-separated text). */
  environments?: readonly string[] | string | undefined;
  /** promote: the source environment. */
  from?: string | undefined;
  /** rollback: the version to go back to, or `previous`. */
  to?: string | undefined;
  /** history: how many entries (1-100... SSM keeps 100). */
  limit?: string | number | undefined;
  waitForLock?: boolean | string | undefined;
  rollbackOnFailure?: boolean | string | undefined;
  redeployOnRollback?: boolean | string | undefined;
}

/** How each input is called in an adapter, for error messages. */
export type OperationInputNames = InputNames &
  Record<
    'environments' | 'from' | 'to' | 'limit' | 'waitForLock' | 'rollbackOnFailure' | 'redeployOnRollback',
    string
  >;

/** One application in one environment, with every name resolved. */
export interface OperationTarget {
  application: string;
  environment: string;
  /** ECR repository. */
  repository: string;
  /** SSM parameter holding the deployed version. */
  parameter: string;
  /** The infra workflow for this application/environment; undefined when no infra repository was given (status, history). */
  workflow: WorkflowTarget | undefined;
}

type ReleaseTarget = OperationTarget & { workflow: WorkflowTarget };

export interface StatusPlan {
  kind: 'status';
  application: string;
  targets: OperationTarget[];
}

export interface HistoryPlan {
  kind: 'history';
  target: OperationTarget;
  limit: number;
}

/** The inputs the preflights' fixes of rollback and promote name, as the adapter calls them. */
type ReleaseFixNames = Pick<
  OperationInputNames,
  'application' | 'environment' | 'parameter' | 'version' | 'from' | 'to'
>;

const fixNames = (names: OperationInputNames): ReleaseFixNames => ({
  application: names.application,
  environment: names.environment,
  parameter: names.parameter,
  version: names.version,
  from: names.from,
  to: names.to,
});

export interface RollbackPlan {
  kind: 'rollback';
  /** The steps the runner executes, in order (a dry run stops after the preflight). */
  steps: readonly StepId[];
  target: ReleaseTarget;
  /** A version (image tag), or `previous`: the latest history entry whose value differs from the current one. */
  to: string;
  /** Who rolls back and from where (provenance). */
  source: Pick<SourceInfo, 'actor' | 'runUrl'>;
  wait: WaitPlan;
  release: ParsedReleaseOptions;
  /** How the adapter calls the inputs the preflight's fixes name. */
  names: ReleaseFixNames;
}

export interface PromotePlan {
  kind: 'promote';
  /** The steps the runner executes, in order (a dry run stops after the preflight). */
  steps: readonly StepId[];
  /** The source environment: its deployed image is shipped as is. */
  from: OperationTarget;
  target: ReleaseTarget;
  /** The tag to deploy in the target; undefined means the source's version (no re-tag). */
  version: string | undefined;
  source: Pick<SourceInfo, 'actor' | 'runUrl'>;
  wait: WaitPlan;
  release: ParsedReleaseOptions;
  /** How the adapter calls the inputs the preflight's fixes name. */
  names: ReleaseFixNames;
}

export interface UnlockPlan {
  kind: 'unlock';
  target: OperationTarget;
  /** The lock parameter (lockParameterName of the version parameter). */
  lock: string;
  /** Remove a lock that has not expired yet (its holder may still be running). */
  force: boolean;
}

type Collected = { errors: InputError[] };

/**
 * The target's inputs (status, history, unlock: the infra repository only when given; no local path), or
 * a release's (rollback, promote: with the infra repository, the version and the wait; no build). Collects
 * errors instead of throwing.
 */
function parseShared<R extends boolean>(
  raw: OperationInputs,
  names: InputNames,
  release: R,
  c: Collected,
): (R extends true ? ReleaseInputOptions : TargetOptions) | undefined {
  try {
    return (release ? parseReleaseInputs(raw, names) : parseTargetInputs(raw, names)) as
      | (R extends true ? ReleaseInputOptions : TargetOptions)
      | undefined;
  } catch (error) {
    if (error instanceof InputErrors) {
      c.errors.push(...error.errors);
      return undefined;
    }
    throw error;
  }
}

function targetOf(options: TargetOptions): OperationTarget {
  const infra = options.infra;
  return {
    application: options.application,
    environment: options.environment,
    repository: options.repository,
    parameter: options.parameter,
    workflow: infra
      ? {
          owner: infra.owner,
          repo: infra.repo,
          workflow: infra.workflow,
          ref: infra.ref,
          inputs: { application: options.application, environment: options.environment },
        }
      : undefined,
  };
}

function waitOf(options: ReleaseInputOptions): WaitPlan {
  return {
    enabled: options.wait,
    timeoutMs: options.timeoutMs,
    cancelOnTimeout: options.cancelOnTimeout,
    cancelOnInterrupt: options.cancelOnInterrupt,
  };
}

function booleanInput(
  c: Collected,
  name: string,
  value: boolean | string | undefined,
  fallback: boolean,
): boolean {
  const parsed = parseFlag(value, fallback, name);
  if ('error' in parsed) c.errors.push(parsed.error);
  return 'value' in parsed ? parsed.value : fallback;
}

/** The release options every operation parses (`trigger` is deploy's alone, given by its adapter). */
type ParsedReleaseOptions = Required<Omit<ReleaseOptions, 'trigger'>>;

/** Parse --wait-for-lock, --rollback-on-failure and --redeploy-on-rollback (deploy uses it too). */
export function parseReleaseOptions(raw: OperationInputs, names: OperationInputNames): ParsedReleaseOptions {
  const c: Collected = { errors: [] };
  const result = releaseOf(raw, names, c);
  if (c.errors.length > 0) throw new InputErrors(c.errors);
  return result;
}

function releaseOf(raw: OperationInputs, names: OperationInputNames, c: Collected): ParsedReleaseOptions {
  const rollbackOnFailure = booleanInput(
    c,
    names.rollbackOnFailure,
    raw.rollbackOnFailure,
    DEFAULTS.rollbackOnFailure,
  );
  const redeployOnRollback = booleanInput(
    c,
    names.redeployOnRollback,
    raw.redeployOnRollback,
    DEFAULTS.redeployOnRollback,
  );
  if (redeployOnRollback && !rollbackOnFailure) {
    c.errors.push(
      new InputError(
        names.redeployOnRollback,
        `${names.redeployOnRollback} only applies together with ${names.rollbackOnFailure}.`,
        `Add ${names.rollbackOnFailure}, or drop ${names.redeployOnRollback}.`,
      ),
    );
  }
  return {
    waitForLock: booleanInput(c, names.waitForLock, raw.waitForLock, DEFAULTS.waitForLock),
    rollbackOnFailure,
    redeployOnRollback,
  };
}

function environmentList(raw: OperationInputs['environments']): string[] {
  const list = raw === undefined ? [] : typeof raw === 'string' ? raw.split(/[\s,]+/) : [...raw];
  return [...new Set(list.map((e) => e.trim()).filter((e) => e !== ''))];
}

/** status: validate the application and each environment (default staging and production). */
export function planStatus(raw: OperationInputs, names: OperationInputNames): StatusPlan {
  const c: Collected = { errors: [] };
  let environments = environmentList(raw.environments);
  if (environments.length === 0) environments = [...DEFAULTS.statusEnvironments];
  if (environments.length > 1 && blankToUndefined(raw.parameter) !== undefined) {
    c.errors.push(
      new InputError(
        names.parameter,
        `${names.parameter} names one parameter, but ${environments.length} environments were asked for.`,
        `Give one ${names.environments} with ${names.parameter}, or leave ${names.parameter} out to use the default names.`,
      ),
    );
  }
  const targets: OperationTarget[] = [];
  for (const environment of environments) {
    const shared = parseShared(
      { ...raw, environment },
      { ...names, environment: names.environments },
      false,
      c,
    );
    if (shared) targets.push(targetOf(shared));
  }
  // An invalid application (or infra) input is reported once, not once per environment.
  if (c.errors.length > 0) throw new InputErrors(dedupe(c.errors));
  const first = targets[0] as OperationTarget;
  return { kind: 'status', application: first.application, targets };
}

/** history: one application and environment, and how many entries. */
export function planHistory(raw: OperationInputs, names: OperationInputNames): HistoryPlan {
  const c: Collected = { errors: [] };
  const shared = parseShared(raw, names, false, c);
  const limitText = raw.limit === undefined ? '' : String(raw.limit).trim();
  let limit: number = DEFAULTS.historyLimit;
  if (limitText !== '') {
    limit = Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > HISTORY_MAX) {
      c.errors.push(
        new InputError(
          names.limit,
          `${names.limit} ${quote(limitText)} is not a number between 1 and ${HISTORY_MAX}.`,
          `SSM keeps the last ${HISTORY_MAX} versions of a parameter: give a number from 1 to ${HISTORY_MAX}.`,
        ),
      );
    }
  }
  if (c.errors.length > 0 || !shared) throw new InputErrors(c.errors);
  return { kind: 'history', target: targetOf(shared), limit };
}

/** unlock: one application and environment (and --parameter), and whether to force. */
export function planUnlock(
  raw: OperationInputs & { force?: boolean | string | undefined },
  names: OperationInputNames & { force: string },
): UnlockPlan {
  const c: Collected = { errors: [] };
  const shared = parseShared(raw, names, false, c);
  const force = booleanInput(c, names.force, raw.force, DEFAULTS.force);
  if (c.errors.length > 0 || !shared) throw new InputErrors(c.errors);
  const target = targetOf(shared);
  return { kind: 'unlock', target, lock: lockParameterName(target.parameter), force };
}

/** rollback: validate every input (no I/O); throws InputErrors listing every problem. */
export function planRollback(raw: OperationInputs, names: OperationInputNames): Omit<RollbackPlan, 'source'> {
  const c: Collected = { errors: [] };
  const shared = parseShared(raw, names, true, c);
  const to = blankToUndefined(raw.to) ?? DEFAULTS.rollbackTo;
  if (blankToUndefined(raw.version) !== undefined) {
    c.errors.push(
      new InputError(
        names.version,
        `${names.version} is not used by rollback: the version to go back to is ${names.to}.`,
        `Pass ${names.to} ${blankToUndefined(raw.version)} instead of ${names.version}.`,
      ),
    );
  }
  if (to !== DEFAULTS.rollbackTo && !TAG_PATTERN.test(to)) {
    c.errors.push(
      new InputError(
        names.to,
        `${names.to} ${quote(to)} is not a version (image tag) or "previous".`,
        'Give a version listed by `hosting history`, or "previous" for the one before the current.',
      ),
    );
  }
  const release = releaseOf(raw, names, c);
  if (c.errors.length > 0 || !shared) throw new InputErrors(c.errors);
  return {
    kind: 'rollback',
    steps: ROLLBACK_STEPS,
    target: targetOf(shared) as ReleaseTarget,
    to,
    wait: waitOf(shared),
    release,
    names: fixNames(names),
  };
}

/** promote: validate both environments and every other input (no I/O); throws InputErrors. */
export function planPromote(raw: OperationInputs, names: OperationInputNames): Omit<PromotePlan, 'source'> {
  const c: Collected = { errors: [] };
  const shared = parseShared(raw, names, true, c);
  const from = blankToUndefined(raw.from);
  if (from === undefined) {
    c.errors.push(
      new InputError(
        names.from,
        `Input required and not supplied: ${names.from}.`,
        `Pass ${names.from} with the environment to promote from, e.g. "staging".`,
      ),
    );
  } else if (!NAME_PATTERN.test(from)) {
    c.errors.push(
      new InputError(
        names.from,
        `${names.from} ${quote(from)} is not a valid environment name.`,
        `Use 1-63 characters: lowercase letters, digits and "-", starting with a letter (pattern ${NAME_PATTERN.source}).`,
      ),
    );
  } else if (shared && from === shared.environment) {
    c.errors.push(
      new InputError(
        names.from,
        `${names.from} and ${names.environment} are both "${from}": promote ships from one environment to another.`,
        `Give two different environments, e.g. ${names.from} staging ${names.environment} production.`,
      ),
    );
  }
  const release = releaseOf(raw, names, c);
  if (c.errors.length > 0 || !shared || from === undefined) throw new InputErrors(c.errors);
  const options = shared;
  return {
    kind: 'promote',
    steps: PROMOTE_STEPS,
    from: {
      application: options.application,
      environment: from,
      repository: options.repository,
      parameter: DEFAULTS.parameter(options.application, from),
      workflow: undefined,
    },
    target: targetOf(options) as ReleaseTarget,
    version: options.version,
    wait: waitOf(options),
    release,
    names: fixNames(names),
  };
}

function dedupe(errors: InputError[]): InputError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.message) && seen.add(e.message));
}
