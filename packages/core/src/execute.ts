import {
  DeploymentFailedError,
  type HostingError,
  InputError,
  InterruptedError,
  PreconditionError,
  RemoteError,
  TimeoutError,
  toHostingError,
} from './errors.js';
import { type Reporter, STEP_TITLES, type StepId } from './events.js';
import { formatDuration } from './inputs.js';
import type { DeployPlan } from './plan.js';
import type {
  BuildCacheOutcome,
  Clock,
  FailedJob,
  ImageBuilder,
  ImageInfo,
  InfraWorkflows,
  ParameterStore,
  ParameterValue,
  Registry,
  RegistryAuth,
  RunRef,
  RunResult,
  WorkflowTarget,
} from './ports.js';
import { formatProvenance, parseProvenance } from './source.js';

/** Every side effect the engine may perform, passed in once. */
export interface DeployPorts {
  /** Resolved lazily: a deployment whose image already exists needs no builder at all. */
  builder: () => Promise<ImageBuilder>;
  registry: Registry;
  parameters: ParameterStore;
  /** Undefined when no GitHub token is available: only a dry run can proceed then. */
  workflows: InfraWorkflows | undefined;
  clock: Clock;
  reporter: Reporter;
}

/** How a release behaves around the infra run: the lock before it, the recovery after a failure. */
export interface ReleaseOptions {
  /**
   * When a run of the infra workflow for the same application and environment is queued or in progress:
   * wait for it (true, the default) or refuse with DEPLOYMENT_IN_PROGRESS (false).
   */
  waitForLock?: boolean | undefined;
  /** When the infra run fails, write the parameter's previous value back (default false). */
  rollbackOnFailure?: boolean | undefined;
  /** After restoring the previous value, trigger the infra deployment again and wait (default false). */
  redeployOnRollback?: boolean | undefined;
}

export interface ExecuteOptions extends ReleaseOptions {
  /** Run the read-only preflight and report what would happen; change nothing. */
  dryRun?: boolean | undefined;
  /** Abort (Ctrl-C, SIGTERM, job cancelled). */
  signal?: AbortSignal | undefined;
  /** How the GitHub token input is called, for the error when it is missing. */
  tokenInput?: string | undefined;
  /**
   * With no GitHub token (ports.workflows undefined): false (default) refuses before any side effect;
   * true still builds, pushes and sets the version, then skips trigger and wait with a warning. The CLI
   * passes true so that a local deploy without GitHub access still publishes the version; the Action,
   * whose github-token input is required, keeps the default.
   */
  allowMissingToken?: boolean | undefined;
}

export interface StepRecord {
  step: StepId;
  status: 'done' | 'skipped' | 'failed';
  durationMs: number;
  summary: string;
}

export interface DeployResult {
  status: 'succeeded' | 'failed';
  dryRun: boolean;
  error: HostingError | undefined;
  application: string;
  environment: string;
  version: string;
  /** Full image reference `<registry>/<repository>:<version>`, once known. */
  image: string | undefined;
  digest: string | undefined;
  /** Whether the image was already in the registry (build and push skipped). */
  imageExisted: boolean | undefined;
  builder: string | undefined;
  parameterName: string;
  parameterVersion: number | undefined;
  /** The parameter's value before this deployment (undefined when it did not exist). */
  previousValue: string | undefined;
  run: RunRef | undefined;
  conclusion: string | undefined;
  failedJobs: readonly FailedJob[];
  steps: StepRecord[];
  /** With rollbackOnFailure, what happened after the infra run failed. */
  recovery?: RecoveryResult | undefined;
}

/** The parameter restored after a failed infra run, and the optional second run. */
export interface RecoveryResult {
  /** Whether the previous value was written back. */
  restored: boolean;
  /** The value restored (or that could not be). */
  value: string | undefined;
  parameterVersion: number | undefined;
  /** One line: what was done, or why nothing was. */
  summary: string;
  /** The infra run triggered for the restored version (redeployOnRollback). */
  run: RunRef | undefined;
  conclusion: string | undefined;
}

/** The outputs of design.md, as strings (empty when unknown). */
export type DeployOutputs = Record<
  | 'image'
  | 'digest'
  | 'version'
  | 'parameter-name'
  | 'parameter-version'
  | 'run-id'
  | 'run-url'
  | 'conclusion',
  string
>;

export function toOutputs(result: DeployResult): DeployOutputs {
  return {
    image: result.image ?? '',
    digest: result.digest ?? '',
    version: result.version,
    'parameter-name': result.parameterName,
    'parameter-version': result.parameterVersion === undefined ? '' : String(result.parameterVersion),
    'run-id': result.run ? String(result.run.id) : '',
    'run-url': result.run?.url ?? '',
    conclusion: result.conclusion ?? '',
  };
}

/** A step's error, already reported; carries it out of the steps. */
export class StepFailure extends Error {
  constructor(readonly error: HostingError) {
    super(error.message);
  }
}

/** Runs steps with start/end events and timing. Shared by deploy and the day-2 operations. */
export class StepRunner {
  constructor(
    private readonly clock: Clock,
    private readonly reporter: Reporter,
    private readonly records: StepRecord[],
    private readonly signal: AbortSignal | undefined,
  ) {}

  async run<T>(
    step: StepId,
    fn: (progress: (message: string) => void) => Promise<StepOutcome<T>>,
  ): Promise<T> {
    if (this.signal?.aborted) {
      throw new StepFailure(new InterruptedError(`Interrupted before ${STEP_TITLES[step].toLowerCase()}.`));
    }
    const started = this.clock.now();
    this.reporter.emit({ type: 'step-start', step, title: STEP_TITLES[step], at: started });
    const progress = (message: string) =>
      this.reporter.emit({ type: 'step-progress', step, message, at: this.clock.now() });
    try {
      const outcome = await fn(progress);
      const durationMs = this.clock.now() - started;
      this.records.push({ step, status: outcome.status, durationMs, summary: outcome.summary });
      this.reporter.emit({
        type: 'step-end',
        step,
        status: outcome.status,
        durationMs,
        summary: outcome.summary,
        at: this.clock.now(),
      });
      return outcome.value;
    } catch (thrown) {
      const error = thrown instanceof StepFailure ? thrown.error : toHostingError(thrown);
      const durationMs = this.clock.now() - started;
      this.records.push({ step, status: 'failed', durationMs, summary: error.message });
      this.reporter.emit({ type: 'step-fail', step, durationMs, error, at: this.clock.now() });
      throw new StepFailure(error);
    }
  }

  skip(step: StepId, summary: string): void {
    const at = this.clock.now();
    this.reporter.emit({ type: 'step-start', step, title: STEP_TITLES[step], at });
    this.records.push({ step, status: 'skipped', durationMs: 0, summary });
    this.reporter.emit({ type: 'step-end', step, status: 'skipped', durationMs: 0, summary, at });
  }
}

export interface StepOutcome<T> {
  status: 'done' | 'skipped';
  summary: string;
  value: T;
}

export const done = <T>(summary: string, value: T): StepOutcome<T> => ({ status: 'done', summary, value });
export const skipped = <T>(summary: string, value: T): StepOutcome<T> => ({
  status: 'skipped',
  summary,
  value,
});

/** Describe why a run failed: each failed job and step, and the run link. */
export function describeFailure(result: RunResult): string {
  const lines = [`The infra deployment finished with conclusion "${result.conclusion}": ${result.run.url}`];
  for (const job of result.failedJobs) {
    lines.push(
      `  job "${job.name}" ${job.conclusion}${job.step ? ` at step "${job.step}"` : ''}${job.url ? `: ${job.url}` : ''}`,
    );
    if (job.logTail && job.logTail.length > 0) {
      lines.push(`    last lines of its log:`, ...job.logTail.map((line) => `    │ ${line}`));
    }
  }
  return lines.join('\n');
}

/** The error when no GitHub token is available and the operation must trigger the infra deployment. */
export function missingTokenError(tokenInput: string | undefined): InputError {
  const input = tokenInput ?? 'github-token';
  return new InputError(
    input,
    `A GitHub token is required to trigger the infra deployment, and none was given (${input}, GITHUB_TOKEN or GH_TOKEN).`,
    'Provide a token that may run workflows in the infra repository: a GitHub App token or a fine-grained token with Actions: write.',
  );
}

/** What the build step's summary says about the registry cache. */
function cacheNote(cache: BuildCacheOutcome | undefined): string {
  if (!cache) return '';
  if (cache.status !== 'used') return ' (without the registry cache)';
  return ` (registry cache: ${cache.reused} step${cache.reused === 1 ? '' : 's'} reused)`;
}

/**
 * Execute a plan: preflight, build, tag, push, set version, trigger, wait, report.
 * Never throws: the result says whether it succeeded and carries the error.
 */
export async function execute(
  plan: DeployPlan,
  ports: DeployPorts,
  options: ExecuteOptions = {},
): Promise<DeployResult> {
  const { clock, reporter, registry, parameters } = ports;
  const dryRun = options.dryRun ?? false;
  const result: DeployResult = {
    status: 'failed',
    dryRun,
    error: undefined,
    application: plan.application,
    environment: plan.environment,
    version: plan.version,
    image: undefined,
    digest: undefined,
    imageExisted: undefined,
    builder: undefined,
    parameterName: plan.parameter.name,
    parameterVersion: undefined,
    previousValue: undefined,
    run: undefined,
    conclusion: undefined,
    failedJobs: [],
    steps: [],
  };
  const steps = new StepRunner(clock, reporter, result.steps, options.signal);

  try {
    const workflows = ports.workflows;
    if (!workflows && !dryRun) {
      if (!options.allowMissingToken) throw new StepFailure(missingTokenError(options.tokenInput));
      reporter.emit({
        type: 'warning',
        title: 'No GitHub token',
        message: `No GitHub token was found (${options.tokenInput ?? 'github-token'}, GITHUB_TOKEN, GH_TOKEN or a logged-in gh CLI): the image will be built and pushed and the version set, but the infra deployment will not be triggered.`,
        at: clock.now(),
      });
    }

    // 1. Preflight: read-only checks of everything the later steps need.
    const pre = await steps.run('preflight', async (progress) => {
      // ECR, SSM and GitHub are checked concurrently; a failure is reported in that order.
      const wf = plan.workflow;
      progress(
        `ECR repository ${plan.image.repository}, SSM parameter ${plan.parameter.name}${workflows ? `, workflow ${wf.owner}/${wf.repo}/${wf.workflow}@${wf.ref}` : ''}`,
      );
      const [ecr, ssm, github] = await Promise.allSettled([
        (async () => {
          await registry.describeRepository(plan.image.repository);
          const auth = await registry.getAuthorization();
          reporter.registerSecret?.(auth.password);
          const found = await registry.findImage(plan.image.repository, plan.image.tag);
          return { auth, found };
        })(),
        parameters.get(plan.parameter.name),
        workflows ? workflows.preflight(plan.workflow) : Promise.resolve(undefined),
      ]);
      for (const outcome of [ecr, ssm, github]) if (outcome.status === 'rejected') throw outcome.reason;
      const { auth, found: existing } = (
        ecr as PromiseFulfilledResult<{ auth: RegistryAuth; found: ImageInfo | undefined }>
      ).value;
      const current = (ssm as PromiseFulfilledResult<ParameterValue | undefined>).value;
      const image = `${auth.registry}/${plan.image.repository}:${plan.image.tag}`;
      const parts = [
        `${image} ${existing ? `already in the registry (${existing.digest})` : 'will be built'}`,
        `${plan.parameter.name}: ${current?.value ?? '(not set)'} → ${plan.version}`,
      ];
      if (!workflows) parts.push('infra workflow not checked: no GitHub token');
      return done(parts.join('; '), { auth, image, existing, current });
    });
    result.image = pre.image;
    result.imageExisted = pre.existing !== undefined;
    result.previousValue = pre.current?.value;
    result.digest = pre.existing?.digest;

    if (dryRun) {
      result.status = 'succeeded';
      return result;
    }

    // 2-4. Build, tag, push, unless that exact tag is already in the registry.
    let digest: string;
    if (pre.existing) {
      const why = `${pre.image} is already in the registry`;
      steps.skip('build', `${why}: build skipped`);
      steps.skip('tag', `${why}: tag skipped`);
      steps.skip('push', `${why}: push skipped`);
      digest = pre.existing.digest;
    } else {
      const builder = await steps.run('build', async (progress) => {
        const b = await ports.builder();
        result.builder = b.name;
        progress(`building with ${b.name}`);
        const cache = plan.build.cache && {
          repository: `${pre.auth.registry}/${plan.build.cache.repository}`,
          auth: pre.auth,
        };
        const built = await b.build(
          {
            context: plan.build.context,
            dockerfile: plan.build.dockerfile,
            tags: [pre.image],
            labels: plan.build.labels,
            buildArgs: plan.build.buildArgs,
            target: plan.build.target,
            platform: plan.build.platform,
            cache,
          },
          (line) => reporter.emit({ type: 'step-log', step: 'build', line, at: clock.now() }),
          options.signal,
        );
        // A cache that could not be used never fails the build: the builder says why, once.
        const warning = built.cache?.warning;
        if (warning)
          reporter.emit({ type: 'warning', title: 'Build cache', message: warning, at: clock.now() });
        return done(`built with ${b.name}${cacheNote(built.cache)}`, b);
      });
      await steps.run('tag', async () => done(pre.image, undefined));
      digest = await steps.run('push', async (progress) => {
        const auth: RegistryAuth = pre.auth;
        progress(`pushing to ${auth.registry}${auth.insecure ? ' (plain http, TLS verification off)' : ''}`);
        const pushed = await builder.push(
          { image: pre.image, auth },
          (line) => reporter.emit({ type: 'step-log', step: 'push', line, at: clock.now() }),
          options.signal,
        );
        progress('confirming the image in the registry');
        const confirmed = await registry.findImage(plan.image.repository, plan.image.tag);
        if (!confirmed) {
          throw new RemoteError(
            'ecr',
            'PUSH_NOT_CONFIRMED',
            `The push of ${pre.image} reported success, but the registry does not list that tag.`,
            {
              fix: 'Check the registry and the ECR repository policy, then run again; the parameter was not changed.',
            },
          );
        }
        if (confirmed.digest !== pushed.digest) {
          reporter.emit({
            type: 'warning',
            message: `The builder reported digest ${pushed.digest}, the registry ${confirmed.digest}; recording the registry's.`,
            at: clock.now(),
          });
        }
        return done(`${pre.image}@${confirmed.digest}`, confirmed.digest);
      });
    }
    result.digest = digest;

    // 5-8. Lock, set the version (only now that the image is confirmed in the registry), trigger,
    // wait and report: the tail every operation shares.
    await release(
      { steps, ports, infra: workflows, result, options },
      {
        success: `${plan.application} ${plan.version} deployed to ${plan.environment}`,
        repository: plan.image.repository,
        parameter: plan.parameter.name,
        version: plan.parameter.value,
        current: pre.current,
        description: formatProvenance({
          action: 'deploy',
          version: plan.version,
          commit: plan.source.commit,
          digest,
          actor: plan.source.actor,
          run: plan.source.runUrl,
        }),
        workflow: plan.workflow,
        wait: plan.wait,
        actor: plan.source.actor,
        runUrl: plan.source.runUrl,
      },
    );
    result.status = 'succeeded';
  } catch (thrown) {
    result.error = thrown instanceof StepFailure ? thrown.error : toHostingError(thrown);
    result.status = 'failed';
  }
  return result;
}

// ---------------------------------------------------------------------------------------------
// The release tail shared by deploy, rollback and promote: lock, set version, trigger, wait,
// report, and the recovery after a failed infra run.
// ---------------------------------------------------------------------------------------------

export interface ReleaseContext {
  steps: StepRunner;
  ports: Pick<DeployPorts, 'registry' | 'parameters' | 'clock' | 'reporter'>;
  /** Undefined only for a deploy allowed to run without a GitHub token: the version is set, nothing triggered. */
  infra: InfraWorkflows | undefined;
  /** Filled in as the steps complete (parameterVersion, run, conclusion, recovery, status). */
  result: DeployResult;
  options: ReleaseOptions & { signal?: AbortSignal | undefined };
}

/** A release context with GitHub access: what the lock, trigger, wait and recovery need. */
export type InfraContext = ReleaseContext & { infra: InfraWorkflows };

export interface ReleaseSpec {
  /** What success means, for the report step, e.g. "hello-app v2 deployed to staging". */
  success: string;
  /** ECR repository, to confirm the image of a value before writing it back on recovery. */
  repository: string;
  parameter: string;
  /** The value to write. The caller has confirmed its image is in the registry. */
  version: string;
  /** The parameter as read in the preflight. */
  current: ParameterValue | undefined;
  /** The provenance Description to write with the value. */
  description: string;
  workflow: WorkflowTarget;
  wait: DeployPlan['wait'];
  /** Who and from where, for the provenance of a recovery. */
  actor: string;
  runUrl: string | undefined;
}

/**
 * Lock, set the version, trigger, wait and report, filling in `ctx.result`. Throws StepFailure when a
 * step fails; sets `result.status = 'succeeded'` otherwise. The parameter is written only by the
 * `set-version` step and by the recovery, each after the image of the value is confirmed.
 */
export async function release(ctx: ReleaseContext, spec: ReleaseSpec): Promise<void> {
  const { steps, ports, result, options } = ctx;
  const { parameters } = ports;

  // No overlapping deployments: wait for (or refuse) a run of the same application/environment.
  const infra = ctx.infra;
  if (infra) await acquireLock({ ...ctx, infra }, spec.workflow, spec.wait.timeoutMs);

  const changed = spec.current?.value !== spec.version;
  result.parameterVersion = await steps.run('set-version', async () => {
    if (spec.current && !changed) {
      return skipped(
        `${spec.parameter} is already ${spec.version} (parameter version ${spec.current.version})`,
        spec.current.version,
      );
    }
    const written = await parameters.put(spec.parameter, spec.version, spec.description);
    return done(
      `${spec.parameter}: ${spec.current?.value ?? '(not set)'} → ${spec.version} (parameter version ${written.version})`,
      written.version,
    );
  });

  if (!infra) {
    const why = 'no GitHub token: the infra deployment was not triggered';
    steps.skip(
      'trigger',
      `${why}; trigger it in the infra repository, or deploy again with GITHUB_TOKEN set`,
    );
    steps.skip('wait', why);
    steps.skip('report', `${spec.parameter} = ${spec.version}; the infra deployment was not triggered`);
    result.status = 'succeeded';
    return;
  }
  const withInfra = { ...ctx, infra };
  const run = await trigger(withInfra, spec.workflow);
  result.run = run;
  if (!spec.wait.enabled) {
    steps.skip('wait', `not waiting: follow the run at ${run.url}`);
    steps.skip('report', 'deployment triggered; its outcome is not known');
    result.status = 'succeeded';
    return;
  }
  let outcome: RunResult;
  try {
    outcome = await waitFor(withInfra, run, spec.wait);
  } catch (thrown) {
    // A run cancelled because the wait timed out deployed nothing either: restore as after a failure.
    const timedOut = thrown instanceof StepFailure && thrown.error.code === 'WAIT_TIMEOUT';
    if (timedOut && spec.wait.cancelOnTimeout && options.rollbackOnFailure) {
      result.recovery = await recover(withInfra, spec, changed);
    }
    throw thrown;
  }
  result.conclusion = outcome.conclusion;
  result.failedJobs = outcome.failedJobs;

  if (outcome.conclusion !== 'success' && options.rollbackOnFailure) {
    result.recovery = await recover(withInfra, spec, changed);
  }

  await steps.run('report', async () => {
    if (outcome.conclusion !== 'success') {
      const recovery = result.recovery;
      const lines = [describeFailure(outcome)];
      if (recovery) lines.push(recovery.summary);
      throw new DeploymentFailedError(lines.join('\n'), {
        fix: recovery?.restored
          ? `Open the run to see why it failed; the parameter was restored to ${recovery.value}.`
          : 'Open the run to see why it failed; the parameter now points at the new version.',
        details: { runUrl: run.url, conclusion: outcome.conclusion },
      });
    }
    const total = formatDuration(result.steps.reduce((t, s) => t + s.durationMs, 0));
    return done(`${spec.success} (${total})`, undefined);
  });
  result.status = 'succeeded';
}

async function trigger(ctx: InfraContext, workflow: WorkflowTarget): Promise<RunRef> {
  const { reporter, clock } = ctx.ports;
  return ctx.steps.run('trigger', async (progress) => {
    progress(`dispatching ${workflow.workflow} in ${workflow.owner}/${workflow.repo}@${workflow.ref}`);
    const dispatched = await ctx.infra.dispatch(workflow);
    reporter.emit({ type: 'run-dispatched', run: dispatched, at: clock.now() });
    return done(`run ${dispatched.id}: ${dispatched.url}`, dispatched);
  });
}

async function waitFor(ctx: InfraContext, run: RunRef, wait: DeployPlan['wait']): Promise<RunResult> {
  const { reporter, clock } = ctx.ports;
  return ctx.steps.run('wait', async () => {
    const waited = await ctx.infra.wait(run, {
      timeoutMs: wait.timeoutMs,
      signal: ctx.options.signal,
      cancelOnTimeout: wait.cancelOnTimeout,
      cancelOnInterrupt: wait.cancelOnInterrupt,
      onUpdate: (update) => reporter.emit({ type: 'run-update', update, at: clock.now() }),
    });
    return done(`run ${run.id} completed: ${waited.conclusion}`, waited);
  });
}

/**
 * Before writing the parameter: look for runs of the infra workflow for the same application and
 * environment that are queued or in progress (anyone's, not only this repository's). Wait for them
 * to complete (never cancelling them), or refuse. Reported as step `lock` only when there is one.
 */
export async function acquireLock(
  ctx: InfraContext,
  workflow: WorkflowTarget,
  timeoutMs: number,
): Promise<void> {
  const { steps, infra, options } = ctx;
  const { clock, reporter } = ctx.ports;
  const active = await infra.activeRuns(workflow);
  const first = active[0];
  if (!first) {
    reporter.emit({ type: 'debug', message: 'no infra deployment in progress', at: clock.now() });
    return;
  }
  const what = `${workflow.inputs.application ?? ''}/${workflow.inputs.environment ?? ''}`;
  await steps.run('lock', async (progress) => {
    if (options.waitForLock === false) {
      throw new PreconditionError(
        'DEPLOYMENT_IN_PROGRESS',
        `A deployment of ${what} is already ${first.status.replace('_', ' ')}: ${first.run.url}`,
        {
          fix: 'Nothing was changed. Run again when it has finished, or let the command wait for it (the default: CLI --wait-for-lock, Action wait-for-lock: true).',
          details: { runUrl: first.run.url, runId: first.run.id },
        },
      );
    }
    const deadline = clock.now() + timeoutMs;
    const waited: number[] = [];
    let runs = active;
    while (runs.length > 0) {
      for (const other of runs) {
        const remaining = deadline - clock.now();
        progress(`waiting for run ${other.run.id} (${other.status.replace('_', ' ')}): ${other.run.url}`);
        try {
          if (remaining <= 0) throw new TimeoutError('lock wait exhausted');
          await infra.wait(other.run, {
            timeoutMs: remaining,
            signal: options.signal,
            cancelOnTimeout: false,
            cancelOnInterrupt: false,
          });
        } catch (error) {
          if (error instanceof TimeoutError) {
            throw new TimeoutError(
              `Timed out after ${formatDuration(timeoutMs)} waiting for the deployment of ${what} in progress: ${other.run.url}`,
              {
                fix: 'Nothing was changed. Run again once that run has finished, or raise --timeout.',
                details: { runUrl: other.run.url },
                cause: error,
              },
            );
          }
          throw error;
        }
        waited.push(other.run.id);
      }
      runs = (await infra.activeRuns(workflow)).filter((r) => !waited.includes(r.run.id));
    }
    return done(
      `waited for ${waited.map((id) => `run ${id}`).join(', ')} to finish: ${first.run.url}`,
      undefined,
    );
  });
}

/**
 * After a failed infra run: write the parameter's previous value back (step `rollback`), and with
 * redeployOnRollback trigger the infra deployment again and wait. Never throws: a failed recovery is
 * reported as a failed step and in the summary, and the original failure stays the result's error.
 */
async function recover(ctx: InfraContext, spec: ReleaseSpec, changed: boolean): Promise<RecoveryResult> {
  const { steps, ports, options } = ctx;
  const previous = spec.current;
  const recovery: RecoveryResult = {
    restored: false,
    value: previous?.value,
    parameterVersion: undefined,
    summary: '',
    run: undefined,
    conclusion: undefined,
  };
  if (!previous || !changed) {
    recovery.summary = !previous
      ? `The parameter ${spec.parameter} did not exist before: there is no previous value to restore.`
      : `The parameter ${spec.parameter} was not changed (it already held ${spec.version}): nothing to restore.`;
    steps.skip('rollback', recovery.summary);
    return recovery;
  }
  try {
    recovery.parameterVersion = await steps.run('rollback', async (progress) => {
      progress(`checking that ${spec.repository}:${previous.value} is still in the registry`);
      const image = await ports.registry.findImage(spec.repository, previous.value);
      if (!image) {
        throw new PreconditionError(
          'IMAGE_EXPIRED',
          `Cannot restore ${previous.value}: its image ${spec.repository}:${previous.value} is no longer in ECR (a lifecycle rule may have expired it). The parameter still holds ${spec.version}.`,
          { fix: 'Deploy a version whose image exists (hosting history lists them), or deploy a fix.' },
        );
      }
      const now = await ports.parameters.get(spec.parameter);
      if (now && now.value !== spec.version) {
        throw new PreconditionError(
          'PARAMETER_CHANGED',
          `Not restoring ${previous.value}: ${spec.parameter} was changed to ${now.value} by someone else meanwhile.`,
          { fix: 'Check hosting status and hosting history before changing anything.' },
        );
      }
      // SSM GetParameter has no Description: find the previous value's provenance in the history.
      const description =
        previous.description ??
        (await ports.parameters.history(spec.parameter, 10)).find((h) => h.version === previous.version)
          ?.description;
      const before = parseProvenance(description);
      const written = await ports.parameters.put(
        spec.parameter,
        previous.value,
        formatProvenance({
          action: 'rollback',
          version: previous.value,
          commit: before?.commit,
          digest: image.digest,
          from: spec.version,
          actor: spec.actor,
          run: spec.runUrl,
        }),
      );
      return done(
        `${spec.parameter}: ${spec.version} → ${previous.value} restored (parameter version ${written.version})`,
        written.version,
      );
    });
    recovery.restored = true;
    recovery.summary = `The parameter ${spec.parameter} was restored to ${previous.value} (parameter version ${recovery.parameterVersion}).`;
  } catch (thrown) {
    const error = thrown instanceof StepFailure ? thrown.error : toHostingError(thrown);
    recovery.summary = `The previous value was not restored: ${error.message}`;
    return recovery;
  }
  if (options.redeployOnRollback) {
    try {
      const run = await trigger(ctx, spec.workflow);
      recovery.run = run;
      const outcome = await waitFor(ctx, run, spec.wait);
      recovery.conclusion = outcome.conclusion;
      recovery.summary += ` Redeployed ${previous.value}: run ${run.id} ${outcome.conclusion}: ${run.url}`;
    } catch (thrown) {
      const error = thrown instanceof StepFailure ? thrown.error : toHostingError(thrown);
      recovery.summary += ` The redeployment of ${previous.value} failed: ${error.message}`;
    }
  } else {
    recovery.summary += ' The infra deployment was not triggered again (redeploy on rollback is off).';
  }
  return recovery;
}
