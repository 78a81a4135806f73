/**
 * One JSON result shape for every command (`hosting <command> --json`), produced by `resultJson` from each
 * command's entry in `RESULT_SHAPES` (the one list of commands: `CommandName` and `CommandResult` derive
 * from it), and the table that documents it (`RESULT_FIELDS`, rendered on the CLI reference page). Keys are
 * kebab-case; unknown values are `null` (the Action's string outputs use "" instead).
 */

import type { LockInfo } from './domain/lock.js';
import type { HostingError } from './errors/errors.js';
import type { HistoryEntry, HistoryResult } from './run/history.js';
import type { PromoteResult } from './run/promote.js';
import type { ReleaseResult } from './run/result.js';
import { toOutputs } from './run/result.js';
import type { ResumeResult } from './run/resume.js';
import type { RollbackResult } from './run/rollback.js';
import { type RolloutResult, releaseJson, rolloutOutputs, serviceJson } from './run/rollout.js';
import type { EnvironmentStatus, StatusResult } from './run/status.js';
import type { UnlockResult } from './run/unlock.js';
import type { RecoveryResult } from './steps/restore.js';

/**
 * Each command's result shape: its result type and its own fields of `--json`, between the common ones
 * (operation, status, dry-run, application) and the steps and error; `reads` when it is not a release's
 * (what its preflight read). A command is one entry here; its keys are documented in RESULT_FIELDS below.
 */
interface ResultShape<R> {
  json(result: R): Record<string, unknown>;
  reads?(result: R): Reads;
}
const shape = <R>(s: ResultShape<R>) => s;

const RESULT_SHAPES = {
  deploy: shape<ReleaseResult>({ json: releaseFields }),
  rollback: shape<RollbackResult>({ json: releaseFields }),
  promote: shape<PromoteResult>({ json: releaseFields }),
  status: shape<StatusResult>({
    json: (s) => ({ environment: null, environments: s.environments.map(environmentJson) }),
  }),
  history: shape<HistoryResult>({
    json: (h) => ({
      environment: h.environment,
      'parameter-name': h.parameterName,
      entries: h.entries.map(entryJson),
    }),
  }),
  rollout: shape<RolloutResult>({ json: rolloutFields, reads: rolloutReads }),
  unlock: shape<UnlockResult>({ json: unlockFields }),
  continue: shape<ResumeResult>({ json: resumeFields }),
  abort: shape<ResumeResult>({ json: resumeFields }),
};

/** Every command, by name. */
export type CommandName = keyof typeof RESULT_SHAPES;
type ResultOf<C extends CommandName> = (typeof RESULT_SHAPES)[C] extends ResultShape<infer R> ? R : never;
/** A command's result, with its name. */
export type CommandResult = { [C in CommandName]: { command: C; result: ResultOf<C> } }[CommandName];

/** The shape of a result's command (its functions then take that result: the table pairs them). */
const shapeOf = (input: CommandResult) =>
  RESULT_SHAPES[input.command] as ResultShape<CommandResult['result']>;

interface ResultField {
  key: string;
  commands: readonly CommandName[];
  type: string;
  description: string;
}

const ALL: readonly CommandName[] = Object.keys(RESULT_SHAPES) as CommandName[];
const ROLLOUT: readonly CommandName[] = ['rollout'];
const RESUME: readonly CommandName[] = ['continue', 'abort'];
const ECS: readonly CommandName[] = ['rollout', 'continue', 'abort'];
const RELEASES: readonly CommandName[] = ['deploy', 'rollback', 'promote'];
const field = (key: string, commands: readonly CommandName[], type: string, description: string) => ({
  key,
  commands,
  type,
  description,
});

/** Every top-level key of `--json`, and the commands that print it. */
export const RESULT_FIELDS: readonly ResultField[] = [
  field(
    'operation',
    ALL,
    'string',
    'The command that ran: deploy, rollback, promote, status, history, rollout, unlock, continue or abort.',
  ),
  field('status', ALL, '"succeeded" | "failed"', 'Whether it succeeded (the exit code says why not).'),
  field(
    'dry-run',
    ALL,
    'boolean',
    'Whether nothing was changed on purpose (`--dry-run`; always false for reads).',
  ),
  field('application', ALL, 'string', 'The application.'),
  field('environment', ALL, 'string | null', 'The environment (status: null, see `environments`).'),
  field(
    'image',
    [...RELEASES, ...ROLLOUT],
    'string',
    'Full image reference: `<registry>/<repository>:<version>` (rollout: pinned `@<digest>`).',
  ),
  field('digest', [...RELEASES, ...ROLLOUT], 'string', 'The image manifest digest `sha256:…`.'),
  field(
    'version',
    [...RELEASES, ...ROLLOUT],
    'string',
    'The version (image tag) set in SSM (rollout: read from SSM).',
  ),
  field('parameter-name', [...RELEASES, 'history', ...ROLLOUT, 'unlock'], 'string', 'The SSM parameter.'),
  field(
    'parameter-version',
    [...RELEASES, ...ROLLOUT],
    'string',
    'The SSM parameter version written (rollout: read) ("" when none).',
  ),
  field(
    'triggered',
    RELEASES,
    'boolean',
    'Whether an infra run was triggered (false: the version was set, not deployed, e.g. with `--no-trigger`).',
  ),
  field('run-id', RELEASES, 'string', 'The infra run (empty when not triggered).'),
  field('run-url', RELEASES, 'string', 'Link to the infra run.'),
  field('conclusion', RELEASES, 'string', 'The infra run\'s conclusion ("" when not waited for).'),
  field(
    'read',
    [...RELEASES, ...ROLLOUT],
    '{ parameter: boolean, image: boolean }',
    'What the command read: the SSM parameter, and the image in ECR. A dry run (or a run) that stopped before a read says so here: its `previous-value` is then unknown, not "not set".',
  ),
  field(
    'previous-value',
    RELEASES,
    'string | null',
    "The parameter's value before (null: not set, or not read: see `read`).",
  ),
  field(
    'image-existed',
    RELEASES,
    'boolean | null',
    'The image was already in ECR: nothing was built (null: not looked up, see `read`).',
  ),
  field('from', RELEASES, 'string | null', 'rollback: the version rolled back from.'),
  field('source-environment', RELEASES, 'string | null', 'promote: the environment the image came from.'),
  field('source-version', RELEASES, 'string | null', 'promote: the version it runs there.'),
  field('retagged', RELEASES, 'boolean', 'promote: the image was given a new tag.'),
  field(
    'verified',
    RELEASES,
    'boolean | null',
    'The `deployed` label confirmed the infra run rolled out this version (false: another one went live; null: not checked, e.g. no label kept).',
  ),
  field(
    'recovery',
    RELEASES,
    'object | null',
    'After a failed run with `--rollback-on-failure`, or whenever the trigger failed (or was interrupted) after the version was written: `restored` (written back and read back), `value`, `parameter-version`, `run-id`, `run-url`, `conclusion`, `summary`, and `left` when the previous value could not be put back: `value` and `parameter-version` left in the parameter, `previous`, and `undo`, the command that puts the previous value back (or null).',
  ),
  field(
    'environments',
    ['status'],
    'object[]',
    'Per environment: what runs, its image in ECR, the latest infra run, `deployed-label` (the version the infra side last rolled out: `version`, `parameter-version`, `stage` — complete, traffic-shifted or null when not recorded — or null) and `lock` (a held deployment lock: `name`, `holder`, `operation`, `version`, `since`, `expires`, `run`, `expired`, or null).',
  ),
  field(
    'entries',
    ['history'],
    'object[]',
    "The parameter's versions, newest first, with their provenance and `labels` (`deployed`: the one the infra side last rolled out).",
  ),
  field('lock-name', ['unlock'], 'string', 'The lock parameter.'),
  field(
    'lock',
    ['unlock'],
    'object | null',
    'The lock as found (`name`, `holder`, `operation`, `version`, `since`, `expires`, `run`, `expired`), null when none was held.',
  ),
  field('removed', ['unlock'], 'boolean', 'Whether the lock was removed.'),
  field('cluster', ECS, 'string', 'The ECS cluster.'),
  field('service', ECS, 'string', 'The ECS service.'),
  field('container', ROLLOUT, 'string', 'The container whose image was replaced.'),
  field(
    'task-definition',
    ROLLOUT,
    'string',
    'The task definition revision rolled out (the running one when already running).',
  ),
  field('previous-task-definition', ROLLOUT, 'string', 'The revision the service ran before.'),
  field('deployment-id', ROLLOUT, 'string', 'The ECS deployment followed.'),
  field('rollout-state', ROLLOUT, 'string', 'Its rollout state: COMPLETED, FAILED, IN_PROGRESS.'),
  field(
    'strategy',
    ROLLOUT,
    'string',
    'The deployment strategy ECS used: ROLLING, BLUE_GREEN, LINEAR or CANARY.',
  ),
  field(
    'stage',
    ROLLOUT,
    'string',
    'The stage the rollout waited for and reached (`--wait-until`): complete or traffic-shifted.',
  ),
  field(
    'bake-until',
    ROLLOUT,
    'string',
    'Returned at traffic-shifted during a bake: when the bake ends (ISO 8601); "" otherwise.',
  ),
  field(
    'service-deployment',
    ECS,
    'string | null',
    'The ECS service deployment followed (rollout) or answered (continue, abort).',
  ),
  field(
    'pauses',
    ROLLOUT,
    'object[]',
    'Pause hooks announced during the wait: `hook-id`, `stage`, `expires-at`, `timeout-action`, `resume`, `abort`.',
  ),
  field(
    'hook-id',
    RESUME,
    'string | null',
    'The pause hook answered; null when abort stopped a deployment that was not paused.',
  ),
  field('lifecycle-stage', RESUME, 'string | null', 'The lifecycle stage the deployment was at.'),
  field(
    'call',
    RESUME,
    'string | null',
    'The ECS call made: ContinueServiceDeployment CONTINUE or ROLLBACK, or StopServiceDeployment ROLLBACK.',
  ),
  field('already-running', ROLLOUT, 'boolean', 'The service already ran that image: nothing changed.'),
  field('diff', ROLLOUT, 'string[]', 'The task definition changes, one line per setting.'),
  field('events', ROLLOUT, 'string[]', 'The service events seen during the wait, oldest first.'),
  field('stopped-reasons', ROLLOUT, 'string[]', "On failure: the stopped tasks' reasons."),
  field('rolled-back-to', ROLLOUT, 'string | null', 'On failure: the revision the service went back to.'),
  field(
    'services',
    ROLLOUT,
    'object[]',
    "Every service of the environment (one for a single-service App spec), in its order: `name`, `service`, `container`, `task-definition`, `previous-task-definition`, `deployment-id`, `rollout-state`, `strategy`, `already-running`, and after a failed multi-service rollout `restored` (back on its previous revision) and `restore-detail`. The fields above are the first service's.",
  ),
  field(
    'release',
    ROLLOUT,
    'object | null',
    'The release task, when one ran: `task-arn`, `exit-code` (of the app container), `stopped-reason`, `logs` (where its output went, e.g. the CloudWatch Logs group and stream); null otherwise.',
  ),
  field('steps', ALL, 'object[]', 'Each step that ran: `step`, `status`, `duration-ms`, `summary`.'),
  field('error', ALL, 'object | null', 'The failure: `code`, `kind`, `message`, `fix`.'),
];

export function errorJson(e: HostingError) {
  return { code: e.code, kind: e.kind, message: e.message, fix: e.fix ?? null };
}

/** The JSON object a command prints with `--json`: the common fields, the command's own, its steps and error. */
export function resultJson(input: CommandResult): Record<string, unknown> {
  const { command, result } = input;
  const common = {
    operation: command,
    status: result.status,
    'dry-run': 'dryRun' in result ? result.dryRun : false,
    application: result.application,
  };
  const tail = {
    steps: result.steps.map((s) => ({
      step: s.step,
      status: s.status,
      'duration-ms': s.durationMs,
      summary: s.summary,
    })),
    error: result.error ? errorJson(result.error) : null,
  };
  return { ...common, ...shapeOf(input).json(result), ...tail };
}

/** What a release or a rollout read: the parameter, and the image in ECR. */
export interface Reads {
  parameter: boolean;
  image: boolean;
}

/**
 * What a release or a rollout read, from the steps that ran to the end: a release reads the parameter and
 * looks the image up in its preflight; a rollout in its steps read and resolve. A dry run (or a run) that
 * stopped before says "not read", never "not set".
 */
export function readsOf(input: CommandResult): Reads {
  return (shapeOf(input).reads ?? preflightReads)(input.result);
}

const ran = (result: CommandResult['result'], step: string) =>
  result.steps.some((s) => s.step === step && s.status === 'done');

/** A release reads the parameter and looks the image up in its preflight. */
function preflightReads(result: CommandResult['result']): Reads {
  const preflight = ran(result, 'preflight');
  return { parameter: preflight, image: preflight };
}

function unlockFields(u: UnlockResult) {
  return {
    environment: u.environment,
    'parameter-name': u.parameterName,
    'lock-name': u.lockName,
    lock: u.lock ? lockJson(u.lock) : null,
    removed: u.removed,
  };
}

function lockJson(lock: LockInfo) {
  return {
    name: lock.name,
    holder: lock.holder ?? null,
    operation: lock.operation ?? null,
    version: lock.version ?? null,
    since: lock.since?.toISOString() ?? null,
    expires: lock.expires?.toISOString() ?? null,
    run: lock.run ?? null,
    expired: lock.expired,
  };
}

function rolloutFields(r: RolloutResult) {
  return {
    environment: r.environment,
    ...rolloutOutputs(r),
    'parameter-name': r.parameterName,
    cluster: r.cluster,
    service: r.service,
    container: r.container,
    'already-running': r.alreadyRunning,
    diff: r.diff,
    events: r.events.map((e) => e.message),
    'stopped-reasons': r.stoppedReasons,
    'rolled-back-to': r.rolledBackTo ?? null,
    services: r.services.map(serviceJson),
    release: r.release ? releaseJson(r.release) : null,
    pauses: r.pauses.map((p) => ({
      'hook-id': p.hookId,
      stage: p.stage ?? null,
      'expires-at': p.expiresAt?.toISOString() ?? null,
      'timeout-action': p.timeoutAction ?? null,
      resume: p.resume,
      abort: p.abort,
    })),
    read: rolloutReads(r),
  };
}

/** A rollout reads in its steps read and resolve. */
function rolloutReads(r: RolloutResult): Reads {
  return { parameter: ran(r, 'read'), image: ran(r, 'resolve') };
}

function resumeFields(r: ResumeResult) {
  return {
    'dry-run': false,
    environment: r.environment,
    cluster: r.cluster,
    service: r.service,
    'service-deployment': r.serviceDeployment ?? null,
    'hook-id': r.hookId ?? null,
    'lifecycle-stage': r.stage ?? null,
    call: r.call ?? null,
  };
}

function releaseFields(result: ReleaseResult | RollbackResult | PromoteResult) {
  const read = preflightReads(result);
  const rollback = 'operation' in result && result.operation === 'rollback' ? result : undefined;
  const promote = 'operation' in result && result.operation === 'promote' ? result : undefined;
  return {
    environment: result.environment,
    ...toOutputs(result),
    triggered: result.run !== undefined,
    read,
    'previous-value': result.previousValue ?? null,
    'image-existed': read.image ? (result.imageExisted ?? null) : null,
    from: rollback?.from ?? null,
    'source-environment': promote?.sourceEnvironment ?? null,
    'source-version': promote?.sourceVersion ?? null,
    retagged: promote?.retagged ?? false,
    verified: result.verified ?? null,
    recovery: result.recovery ? recoveryJson(result.recovery) : null,
  };
}

function recoveryJson(recovery: RecoveryResult) {
  return {
    restored: recovery.restored,
    value: recovery.value ?? null,
    'parameter-version': recovery.parameterVersion ?? null,
    'run-id': recovery.run?.id ?? null,
    'run-url': recovery.run?.url ?? null,
    conclusion: recovery.conclusion ?? null,
    summary: recovery.summary,
    left: recovery.left
      ? {
          value: recovery.left.value,
          'parameter-version': recovery.left.parameterVersion,
          previous: recovery.left.previous ?? null,
          undo: recovery.left.undo,
        }
      : null,
  };
}

function environmentJson(e: EnvironmentStatus) {
  const p = e.deployed?.provenance;
  return {
    environment: e.environment,
    'parameter-name': e.parameterName,
    deployed: e.deployed !== undefined,
    version: e.deployed?.version ?? null,
    'parameter-version': e.deployed?.parameterVersion ?? null,
    date: e.deployed?.date?.toISOString() ?? null,
    author: e.deployed?.author ?? null,
    action: p?.action ?? null,
    actor: p?.actor ?? null,
    commit: p?.commit ?? null,
    digest: p?.digest ?? null,
    source: p?.source ?? null,
    from: p?.from ?? null,
    'deployed-by-run': p?.run ?? null,
    image: e.image ? { exists: e.image.exists, digest: e.image.digest ?? null, moved: e.image.moved } : null,
    'latest-run': e.latestRun
      ? {
          id: e.latestRun.run.id,
          url: e.latestRun.run.url,
          status: e.latestRun.status,
          conclusion: e.latestRun.conclusion ?? null,
          'created-at': e.latestRun.createdAt?.toISOString() ?? null,
        }
      : null,
    'deployed-label': e.live
      ? { version: e.live.version, 'parameter-version': e.live.parameterVersion, stage: e.live.stage ?? null }
      : null,
    lock: e.lock ? lockJson(e.lock) : null,
    ...(e.error ? { error: errorJson(e.error) } : {}),
  };
}

function entryJson(e: HistoryEntry) {
  const p = e.provenance;
  return {
    'parameter-version': e.parameterVersion,
    version: e.version,
    current: e.current,
    date: e.date?.toISOString() ?? null,
    author: e.author ?? null,
    action: e.action ?? null,
    actor: p?.actor ?? null,
    commit: p?.commit ?? null,
    digest: p?.digest ?? null,
    from: p?.from ?? null,
    source: p?.source ?? null,
    'run-url': p?.run ?? null,
    labels: [...e.labels],
  };
}

/** The markdown table of RESULT_FIELDS, for the CLI reference page. */
export function resultFieldsMarkdown(): string {
  // The type cell is MDX: "|" would end the cell, "{" would open an expression ({ parameter: boolean, ... }).
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\{/g, '&#123;').replace(/\}/g, '&#125;');
  const rows = RESULT_FIELDS.map(
    (f) =>
      `| \`${f.key}\` | ${f.commands.map((c) => `\`${c}\``).join(', ')} | ${cell(f.type)} | ${f.description} |`,
  );
  return ['| key | commands | type | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
