import path from 'node:path';
import { BUILDER_CHOICES, isBuilderChoice } from '../builders/registry.js';
import { isLockName } from '../domain/lock.js';
import { WAIT_UNTIL, type WaitUntil } from '../domain/names.js';
import { SHOWN_INPUT_MAX } from '../domain/secrets.js';
import { InputError, InputErrors } from '../errors/errors.js';
import type { BuilderName } from '../ports/ports.js';

/**
 * Raw inputs as any adapter collects them: strings (empty means "not given"), booleans for flags.
 * Parsed once, by `parseDeployInputs`, into `DeployOptions`.
 */
export interface DeployInputs {
  application?: string | undefined;
  environment?: string | undefined;
  version?: string | undefined;
  context?: string | undefined;
  dockerfile?: string | undefined;
  builder?: string | undefined;
  repository?: string | undefined;
  parameter?: string | undefined;
  infraRepository?: string | undefined;
  infraWorkflow?: string | undefined;
  infraRef?: string | undefined;
  wait?: boolean | string | undefined;
  timeout?: string | undefined;
  /** `KEY=VALUE` entries (an array, or newline-separated text as an Action input). */
  buildArgs?: readonly string[] | string | undefined;
  target?: string | undefined;
  platform?: string | undefined;
  cancelOnTimeout?: boolean | string | undefined;
  cancelOnInterrupt?: boolean | string | undefined;
  /** Use the registry layer cache (`<repository>/build-cache`); default true. */
  cache?: boolean | string | undefined;
}

export type InputKey = keyof DeployInputs;

/** Raw inputs of rollout, continue and abort, as adapters collect them (empty strings mean "not given"). */
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

/**
 * How each input is called in an adapter (`--app` in the CLI, `application` in the Action): each adapter
 * owns its names and passes them in, so that the core's messages name the input as its user knows it.
 */
export type InputNames = Record<InputKey, string>;

/**
 * Every input's default, in one place: the planners apply them, and the adapters show them (the CLI's
 * help through commander's `.default`, the Action's `action.yml`, which a test compares with these).
 */
export const DEFAULTS = {
  context: '.',
  builder: 'auto',
  infraWorkflow: 'deploy.yaml',
  infraRef: 'main',
  timeout: '30m',
  wait: true,
  cancelOnTimeout: false,
  cancelOnInterrupt: true,
  cache: true,
  waitForLock: true,
  rollbackOnFailure: false,
  redeployOnRollback: false,
  force: false,
  /** `rollback` goes back to the version before the current one unless told which. */
  rollbackTo: 'previous',
  /** `rollout` waits until the service deployment is complete (or `traffic-shifted`). */
  waitUntil: 'complete',
  /** Every command that can changes things unless asked for a dry run. */
  dryRun: false,
  /** `deploy` triggers the infra deployment unless asked only to set the version (`--no-trigger`). */
  trigger: true,
  /** `history` shows the 20 newest entries unless asked for more (at most HISTORY_MAX, 100). */
  historyLimit: 20,
  /** `status` shows these environments when none is given. */
  statusEnvironments: ['staging', 'production'],
  parameter: (application: string, environment: string) =>
    `${PLATFORM_ROOT}/${application}/${environment}/version`,
} as const;

/** The platform's layout of parameters: `<root>/<application>/<environment>/…` belongs to that one. */
const PLATFORM_ROOT = '/shared-hosting';

export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,62}$/;
/** Docker/OCI tag grammar. */
export const TAG_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** ECR repository name grammar (2-256 characters). */
export const ECR_REPOSITORY_PATTERN = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** SSM parameter names we accept: fully qualified, letters, digits and `_.-/`. */
export const PARAMETER_PATTERN = /^\/[A-Za-z0-9_.\-/]+$/;
const OWNER_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/;
const REPO_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;
const WORKFLOW_PATTERN = /^(?:[A-Za-z0-9_.-]+\.ya?ml|\d+)$/;
const MAX_TIMEOUT_MS = 72 * 3600_000;
const ECS_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ECS_CLUSTER =
  /^(?:[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9_-]{1,255})$/;

interface InfraTarget {
  owner: string;
  repo: string;
  workflow: string;
  ref: string;
}

/** Validated, typed deploy options. */
export interface DeployOptions {
  application: string;
  environment: string;
  /** The version the user asked for; undefined means "the commit SHA". */
  version: string | undefined;
  /** Absolute path. */
  context: string;
  /** Absolute path. */
  dockerfile: string;
  builder: BuilderName | 'auto';
  repository: string;
  parameter: string;
  infra: InfraTarget;
  wait: boolean;
  timeoutMs: number;
  buildArgs: Record<string, string>;
  target: string | undefined;
  platform: string | undefined;
  cancelOnTimeout: boolean;
  cancelOnInterrupt: boolean;
  /** Build with the registry layer cache. */
  cache: boolean;
}

/** Treat empty and whitespace-only strings as "not given". */
export function blankToUndefined(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * Parse a duration: `90s`, `30m`, `1h30m`, `1500ms`, or a plain number of seconds.
 * Returns milliseconds, or undefined when the text is not a duration.
 */
export function parseDuration(text: string): number | undefined {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let match = re.exec(value); match; match = re.exec(value)) {
    const amount = Number(match[1]);
    const unit = match[2];
    total += amount * (unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3600_000);
    consumed = re.lastIndex;
  }
  if (consumed === 0 || consumed !== value.length) return undefined;
  return Math.round(total);
}

/** `90000` → `1m30s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}

function parseBoolean(value: boolean | string | undefined, fallback: boolean): boolean | undefined {
  if (value === undefined) return fallback;
  if (typeof value === 'boolean') return value;
  const text = value.trim().toLowerCase();
  if (text === '') return fallback;
  if (['true', 'yes', '1', 'on'].includes(text)) return true;
  if (['false', 'no', '0', 'off'].includes(text)) return false;
  return undefined;
}

/** Git ref names (git check-ref-format, simplified): no spaces, `..`, `~^:?*[\`, leading `-` or trailing `.lock`/`/`. */
export function isValidRef(ref: string): boolean {
  return (
    ref.length > 0 &&
    ref.length <= 255 &&
    !/[\s~^:?*[\\]/.test(ref) &&
    ![...ref].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) &&
    !ref.includes('..') &&
    !ref.includes('@{') &&
    !ref.startsWith('-') &&
    !ref.startsWith('/') &&
    !ref.endsWith('/') &&
    !ref.endsWith('.') &&
    !ref.endsWith('.lock') &&
    !ref.includes('//')
  );
}

/** Split `owner/name`; undefined when malformed. */
export function parseRepositorySlug(text: string): { owner: string; repo: string } | undefined {
  const parts = text.split('/');
  if (parts.length !== 2) return undefined;
  const [owner, repo] = parts as [string, string];
  if (!OWNER_PATTERN.test(owner) || !REPO_NAME_PATTERN.test(repo) || repo === '.' || repo === '..')
    return undefined;
  return { owner, repo };
}

/** Collects input errors so that every bad input is reported at once. `K`: the inputs it names. */
class InputValidator<K extends string = InputKey> {
  readonly errors: InputError[] = [];
  constructor(readonly names: Record<K, string>) {}

  fail(key: K, message: string, fix: string): undefined {
    this.errors.push(new InputError(this.names[key], message, fix));
    return undefined;
  }

  required(key: K, value: string | undefined, fix: string): string | undefined {
    const text = blankToUndefined(value);
    if (text === undefined)
      return this.fail(key, `Input required and not supplied: ${this.names[key]}.`, fix);
    return text;
  }

  name(key: K, value: string | undefined, what: string, example = 'hello-app'): string | undefined {
    const text = this.required(
      key,
      value,
      `Pass ${this.names[key]} with the ${what} name, e.g. "${example}".`,
    );
    if (text === undefined) return undefined;
    if (!NAME_PATTERN.test(text)) {
      return this.fail(
        key,
        `${this.names[key]} ${quote(text)} is not a valid ${what} name.`,
        `Use 1-63 characters: lowercase letters, digits and "-", starting with a letter (pattern ${NAME_PATTERN.source}).`,
      );
    }
    return text;
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new InputErrors(this.errors);
  }
}

function parseBuildArgs(v: InputValidator, raw: DeployInputs['buildArgs']): Record<string, string> {
  const entries =
    raw === undefined
      ? []
      : typeof raw === 'string'
        ? raw.split(/\r?\n/).filter((line) => line.trim() !== '')
        : [...raw];
  const result: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    const key = eq > 0 ? entry.slice(0, eq).trim() : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      v.fail(
        'buildArgs',
        `${v.names.buildArgs} entry "${entry.split('=')[0]}" is not KEY=VALUE.`,
        'Write each build argument as KEY=VALUE.',
      );
      continue;
    }
    result[key] = entry.slice(eq + 1);
  }
  return result;
}

/**
 * The field table: how each input is parsed and checked, one rule per kind of value (names, tags, paths,
 * repositories, parameters, refs, one duration rule, booleans), every value quoted and cut the same way by
 * `quote`. A command's inputs are a pick of these fields (deploy: all; rollback and promote: no build;
 * status, history and unlock: the target, with the infra repository only when one is given).
 */
const FIELDS = {
  application: (v: InputValidator<'application'>, raw: Pick<DeployInputs, 'application'>) =>
    v.name('application', raw.application, 'application'),
  environment: (v: InputValidator<'environment'>, raw: Pick<DeployInputs, 'environment'>) =>
    v.name('environment', raw.environment, 'environment', 'staging'),
  version: (v: InputValidator, raw: DeployInputs) => parseVersion(v, raw.version),
  build: (v: InputValidator, raw: DeployInputs, cwd: string) => ({
    ...parseBuild(v, raw, cwd),
    ...parseBuildExtras(v, raw),
  }),
  infra: (v: InputValidator, raw: DeployInputs) => parseInfra(v, raw),
  /** status, history, unlock: the infra repository is read only when one is given. */
  optionalInfra: (v: InputValidator, raw: DeployInputs) =>
    blankToUndefined(raw.infraRepository) === undefined ? undefined : parseInfra(v, raw),
  wait: (v: InputValidator, raw: DeployInputs) => parseWait(v, raw),
  timeout: (v: InputValidator<'timeout'>, raw: Pick<DeployInputs, 'timeout'>) => parseTimeoutField(v, raw),
  /** rollout: the stage the wait ends at. */
  waitUntil: (v: InputValidator<'waitUntil'>, raw: Pick<RolloutInputs, 'waitUntil'>) =>
    parseWaitUntil(v, raw),
  dryRun: (v: InputValidator<'dryRun'>, raw: Pick<RolloutInputs, 'dryRun'>) =>
    parseFlagField(v, 'dryRun', raw.dryRun, DEFAULTS.dryRun),
  /** rollout, continue, abort: the overrides of a single-service App spec. */
  ecsOverrides: (v: InputValidator<EcsOverride>, raw: RolloutInputs) => parseEcsOverrides(v, raw),
} as const;

/** One application in one environment: names given or derived from the application and environment. */
export interface TargetOptions {
  application: string;
  environment: string;
  repository: string;
  parameter: string;
  /** undefined when the pick reads no infra repository, or none was given where it is optional. */
  infra: InfraTarget | undefined;
}

/** The target's fields, and the names that default from them (repository, parameter). */
function parseTargetFields(
  v: InputValidator,
  raw: DeployInputs,
  infra: 'required' | 'optional',
): { [K in keyof TargetOptions]: TargetOptions[K] | undefined } {
  const application = FIELDS.application(v, raw);
  const environment = FIELDS.environment(v, raw);
  return {
    application,
    environment,
    repository: parseRepository(v, raw.repository, application),
    parameter: parseParameter(v, raw.parameter, application, environment),
    infra: infra === 'required' ? FIELDS.infra(v, raw) : FIELDS.optionalInfra(v, raw),
  };
}

/**
 * The pick of status, history and unlock: application, environment, repository and parameter, and the
 * infra repository when one is given. Throws `InputErrors` listing every problem; no I/O.
 */
export function parseTargetInputs(raw: DeployInputs, names: InputNames): TargetOptions {
  const v = new InputValidator(names);
  const target = parseTargetFields(v, raw, 'optional');
  v.throwIfAny();
  return target as TargetOptions;
}

/** The pick of rollback and promote: the target with its infra repository, the version and the wait. */
export type ReleaseInputOptions = TargetOptions &
  Pick<DeployOptions, 'version' | 'wait' | 'timeoutMs' | 'cancelOnTimeout' | 'cancelOnInterrupt'> & {
    infra: InfraTarget;
  };

export function parseReleaseInputs(raw: DeployInputs, names: InputNames): ReleaseInputOptions {
  const v = new InputValidator(names);
  const target = parseTargetFields(v, raw, 'required');
  const version = FIELDS.version(v, raw);
  const { cache: _cache, ...wait } = FIELDS.wait(v, raw);
  v.throwIfAny();
  return { ...(target as TargetOptions & { infra: InfraTarget }), version, ...wait };
}

/**
 * Validate every input of deploy (every field) and resolve defaults. Throws `InputErrors` listing every
 * problem; performs no I/O. `cwd` resolves relative paths.
 */
export function parseDeployInputs(raw: DeployInputs, names: InputNames, cwd: string): DeployOptions {
  const v = new InputValidator(names);
  const target = parseTargetFields(v, raw, 'required');
  const version = FIELDS.version(v, raw);
  const build = FIELDS.build(v, raw, cwd);
  const wait = FIELDS.wait(v, raw);
  v.throwIfAny();
  // After throwIfAny every required value is defined.
  return { ...(target as TargetOptions & { infra: InfraTarget }), version, ...build, ...wait };
}

type EcsOverride = 'cluster' | 'service' | 'container';

/** The pick of rollout, continue and abort: the inputs that need no App spec. */
export interface RolloutFields {
  application: string | undefined;
  environment: string | undefined;
  /** undefined when the timeout is bad (an error says so). */
  timeoutMs: number | undefined;
  waitUntil: WaitUntil;
  dryRun: boolean;
  overrides: Partial<Record<EcsOverride, string>>;
  /** Every problem found; the planner adds the App spec's and throws them all at once. */
  errors: InputError[];
}

/** Parse the rollout's fields (no App spec, no I/O): every error collected, none thrown. */
export function parseRolloutFields(raw: RolloutInputs, names: RolloutInputNames): RolloutFields {
  const v = new InputValidator<keyof RolloutInputs>(names);
  return {
    application: FIELDS.application(v, raw),
    environment: FIELDS.environment(v, raw),
    timeoutMs: FIELDS.timeout(v, raw),
    waitUntil: FIELDS.waitUntil(v, raw),
    dryRun: FIELDS.dryRun(v, raw),
    overrides: FIELDS.ecsOverrides(v, raw),
    errors: v.errors,
  };
}

/** The rollout's checks that need no App spec (the Action's fast path): throws InputErrors listing every problem. */
export function checkRolloutInputs(raw: RolloutInputs, names: RolloutInputNames): void {
  const { errors } = parseRolloutFields(raw, names);
  if (errors.length > 0) throw new InputErrors(errors);
}

function parseWaitUntil(v: InputValidator<'waitUntil'>, raw: Pick<RolloutInputs, 'waitUntil'>): WaitUntil {
  const text = blankToUndefined(raw.waitUntil) ?? DEFAULTS.waitUntil;
  const waitUntil = WAIT_UNTIL.find((w) => w === text);
  if (waitUntil) return waitUntil;
  v.fail(
    'waitUntil',
    `${v.names.waitUntil} ${quote(text)} is not a stage the rollout can wait until.`,
    `Use ${WAIT_UNTIL.join(' or ')}.`,
  );
  return DEFAULTS.waitUntil;
}

function parseEcsOverrides(v: InputValidator<EcsOverride>, raw: RolloutInputs): RolloutFields['overrides'] {
  const overrides: RolloutFields['overrides'] = {};
  for (const [key, pattern] of [
    ['cluster', ECS_CLUSTER],
    ['service', ECS_NAME],
    ['container', ECS_NAME],
  ] as const) {
    const text = blankToUndefined(raw[key]);
    if (text === undefined) continue;
    if (pattern.test(text)) overrides[key] = text;
    else
      v.fail(
        key,
        `${v.names[key]} ${quote(text)} is not a valid ECS ${key} name.`,
        'Use letters, digits, "-" and "_" (a cluster may also be its ARN).',
      );
  }
  return overrides;
}

function parseVersion(v: InputValidator, raw: string | undefined): string | undefined {
  const version = blankToUndefined(raw);
  if (version !== undefined && !TAG_PATTERN.test(version)) {
    v.fail(
      'version',
      `${v.names.version} ${quote(version)} is not a valid image tag.`,
      'Use up to 128 letters, digits, "_", "." and "-", not starting with "." or "-".',
    );
  }
  return version;
}

type BuildOptions = Pick<DeployOptions, 'context' | 'dockerfile' | 'builder'>;

function parseBuild(v: InputValidator, raw: DeployInputs, cwd: string): BuildOptions {
  const context = path.resolve(cwd, blankToUndefined(raw.context) ?? DEFAULTS.context);
  const dockerfileInput = blankToUndefined(raw.dockerfile);
  const dockerfile = dockerfileInput ? path.resolve(cwd, dockerfileInput) : path.join(context, 'Dockerfile');
  const builder = (blankToUndefined(raw.builder) ?? DEFAULTS.builder).toLowerCase();
  if (!isBuilderChoice(builder)) {
    v.fail(
      'builder',
      `${v.names.builder} ${quote(builder)} is not a known builder.`,
      `Use one of: ${BUILDER_CHOICES.join(', ')}.`,
    );
  }
  return { context, dockerfile, builder: builder as DeployOptions['builder'] };
}

function parseBuildExtras(
  v: InputValidator,
  raw: DeployInputs,
): Pick<DeployOptions, 'buildArgs' | 'target' | 'platform'> {
  const buildArgs = parseBuildArgs(v, raw.buildArgs);
  const platform = blankToUndefined(raw.platform);
  if (
    platform !== undefined &&
    !/^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?(?:,[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?)*$/.test(platform)
  ) {
    v.fail(
      'platform',
      `${v.names.platform} ${quote(platform)} is not a platform.`,
      'Write it as os/arch[/variant], e.g. linux/amd64 or linux/arm64.',
    );
  }
  return { buildArgs, target: blankToUndefined(raw.target), platform };
}

function parseRepository(
  v: InputValidator,
  raw: string | undefined,
  application: string | undefined,
): string | undefined {
  const repositoryInput = blankToUndefined(raw);
  const validRepository = (name: string) =>
    ECR_REPOSITORY_PATTERN.test(name) && name.length >= 2 && name.length <= 256;
  if (repositoryInput !== undefined && !validRepository(repositoryInput)) {
    v.fail(
      'repository',
      `${v.names.repository} ${quote(repositoryInput)} is not a valid ECR repository name.`,
      'Use 2-256 lowercase letters, digits and "._-/" separators, e.g. "team/hello-app".',
    );
  } else if (repositoryInput === undefined && application !== undefined && !validRepository(application)) {
    // The repository defaults to the application name, which ECR wants at least 2 characters long.
    v.fail(
      'repository',
      `The ECR repository defaults to the application name "${application}", which ECR does not accept (2-256 characters).`,
      `Pass ${v.names.repository} with the application's ECR repository name.`,
    );
  }
  return repositoryInput ?? application;
}

function parseParameter(
  v: InputValidator,
  raw: string | undefined,
  application: string | undefined,
  environment: string | undefined,
): string | undefined {
  const input = blankToUndefined(raw);
  if (input === undefined) {
    return application && environment ? DEFAULTS.parameter(application, environment) : undefined;
  }
  const problem = parameterProblem(input) ?? ownershipProblem(input, application, environment);
  if (problem) v.fail('parameter', `${v.names.parameter} ${quote(input)} ${problem.message}`, problem.fix);
  return input;
}

/**
 * A version parameter may not be a lock, nor lie under another application's or environment's prefix
 * of the platform's layout: a deploy must never write into someone else's parameters (nor a rollout
 * read them and move their label). Undefined when it is this application's and environment's.
 */
export function ownershipProblem(
  name: string,
  application: string | undefined,
  environment: string | undefined,
): { message: string; fix: string } | undefined {
  const own = `${PLATFORM_ROOT}/${application}/${environment}/`;
  const fix = `Leave it out to use ${application && environment ? DEFAULTS.parameter(application, environment) : 'the default'}, or name a parameter under ${own}.`;
  if (isLockName(name)) {
    return { message: 'names a deployment lock (it ends in "/lock" or "-lock"), not a version.', fix };
  }
  if (application && environment && name.startsWith(`${PLATFORM_ROOT}/`) && !name.startsWith(own)) {
    return {
      message: `lies outside ${own}: it belongs to another application or environment of the platform.`,
      fix,
    };
  }
  return undefined;
}

/** SSM's naming rules for a fully qualified parameter name; undefined when the name is valid. */
function parameterProblem(name: string): { message: string; fix: string } | undefined {
  if (!PARAMETER_PATTERN.test(name) || name.length > 1011) {
    return {
      message: 'is not a valid SSM parameter name.',
      fix: 'Use a fully qualified name starting with "/", of letters, digits and "_.-/", e.g. "/shared-hosting/hello-app/staging/version".',
    };
  }
  const segments = name.slice(1).split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..')) {
    return {
      message: 'has an empty, "." or ".." path segment.',
      fix: 'Separate the levels of the path with single "/" and name each level, e.g. "/shared-hosting/hello-app/staging/version".',
    };
  }
  if (segments.length > 15) {
    return {
      message: 'is nested deeper than 15 levels.',
      fix: 'SSM allows at most 15 levels of hierarchy: shorten the path.',
    };
  }
  if (/^\/(aws|ssm)/i.test(name)) {
    return {
      message: 'starts with a reserved prefix.',
      fix: 'SSM reserves names starting with "aws" or "ssm": choose another path.',
    };
  }
  return undefined;
}

function parseInfra(v: InputValidator, raw: DeployInputs): DeployOptions['infra'] | undefined {
  const { names } = v;
  const infraText = v.required(
    'infraRepository',
    raw.infraRepository,
    `Pass ${names.infraRepository} with the platform's infrastructure repository as owner/name (or set HOSTING_INFRA_REPO).`,
  );
  const slug = infraText === undefined ? undefined : parseRepositorySlug(infraText);
  if (infraText !== undefined && slug === undefined) {
    v.fail(
      'infraRepository',
      `${names.infraRepository} ${quote(infraText)} is not an owner/name repository.`,
      'Write it as owner/name, e.g. "acme/infrastructure".',
    );
  }
  const workflow = blankToUndefined(raw.infraWorkflow) ?? DEFAULTS.infraWorkflow;
  if (!WORKFLOW_PATTERN.test(workflow)) {
    v.fail(
      'infraWorkflow',
      `${names.infraWorkflow} ${quote(workflow)} is not a workflow file name or id.`,
      'Give the file name under .github/workflows, e.g. "deploy.yaml", or the numeric workflow id.',
    );
  }
  const ref = blankToUndefined(raw.infraRef) ?? DEFAULTS.infraRef;
  if (!isValidRef(ref)) {
    v.fail(
      'infraRef',
      `${names.infraRef} ${quote(ref)} is not a valid git ref.`,
      'Give a branch or tag name of the infrastructure repository, e.g. "main".',
    );
  }
  return slug && { owner: slug.owner, repo: slug.repo, workflow, ref };
}

type WaitOptions = Pick<
  DeployOptions,
  'wait' | 'timeoutMs' | 'cancelOnTimeout' | 'cancelOnInterrupt' | 'cache'
>;

function parseWait(v: InputValidator, raw: DeployInputs): WaitOptions {
  const flag = (key: 'wait' | 'cancelOnTimeout' | 'cancelOnInterrupt' | 'cache', fallback: boolean) =>
    parseFlagField(v, key, raw[key], fallback);
  const wait = flag('wait', DEFAULTS.wait);
  const cancelOnTimeout = flag('cancelOnTimeout', DEFAULTS.cancelOnTimeout);
  const cancelOnInterrupt = flag('cancelOnInterrupt', DEFAULTS.cancelOnInterrupt);
  const cache = flag('cache', DEFAULTS.cache);
  const timeoutMs = FIELDS.timeout(v, raw) ?? 0;
  return { wait, timeoutMs, cancelOnTimeout, cancelOnInterrupt, cache };
}

/** A flag input by the one boolean rule; a bad value is an error, and the default stands in for it. */
function parseFlagField<K extends string>(
  v: InputValidator<K>,
  key: K,
  raw: boolean | string | undefined,
  fallback: boolean,
): boolean {
  const parsed = parseFlag(raw, fallback, v.names[key]);
  if ('error' in parsed) v.errors.push(parsed.error);
  return 'value' in parsed ? parsed.value : fallback;
}

/** The timeout by the one duration rule; undefined (and an error) when it is bad. */
function parseTimeoutField(
  v: InputValidator<'timeout'>,
  raw: Pick<DeployInputs, 'timeout'>,
): number | undefined {
  const timeout = parseTimeout(raw.timeout, v.names.timeout);
  if ('error' in timeout) v.errors.push(timeout.error);
  return 'ms' in timeout ? timeout.ms : undefined;
}

/** The one boolean rule of every flag input: true/yes/1/on, false/no/0/off; empty: the default. */
export function parseFlag(
  raw: boolean | string | undefined,
  fallback: boolean,
  name: string,
): { value: boolean } | { error: InputError } {
  const value = parseBoolean(raw, fallback);
  if (value !== undefined) return { value };
  return {
    error: new InputError(name, `${name} ${quote(String(raw))} is not a boolean.`, 'Use true or false.'),
  };
}

/** The one duration rule of every timeout input: 1s to 72h, default DEFAULTS.timeout. */
export function parseTimeout(raw: string | undefined, name: string): { ms: number } | { error: InputError } {
  const text = blankToUndefined(raw) ?? DEFAULTS.timeout;
  const ms = parseDuration(text);
  if (ms !== undefined && ms >= 1000 && ms <= MAX_TIMEOUT_MS) return { ms };
  return {
    error: new InputError(
      name,
      `${name} ${quote(text)} is not a duration between 1s and 72h.`,
      'Write it like 30m, 1h30m or 90s.',
    ),
  };
}

/** An input value in a message: quoted, and cut to its first SHOWN_INPUT_MAX (64) characters when longer. */
export function quote(value: string): string {
  return value.length > SHOWN_INPUT_MAX
    ? `"${value.slice(0, SHOWN_INPUT_MAX)}…" (${value.length} characters)`
    : `"${value}"`;
}
