import {
  DeploymentFailedError,
  type HostingError,
  InputError,
  InterruptedError,
  RemoteError,
  toHostingError,
} from './errors.js';
import { type Reporter, STEP_TITLES, type StepId } from './events.js';
import { formatDuration } from './inputs.js';
import type { DeployPlan } from './plan.js';
import type {
  Clock,
  FailedJob,
  ImageBuilder,
  InfraWorkflows,
  ParameterStore,
  Registry,
  RegistryAuth,
  RunRef,
  RunResult,
} from './ports.js';
import { formatProvenance } from './source.js';

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

export interface ExecuteOptions {
  /** Run the read-only preflight and report what would happen; change nothing. */
  dryRun?: boolean | undefined;
  /** Abort (Ctrl-C, SIGTERM, job cancelled). */
  signal?: AbortSignal | undefined;
  /** How the GitHub token input is called, for the error when it is missing. */
  tokenInput?: string | undefined;
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

class StepFailure extends Error {
  constructor(readonly error: HostingError) {
    super(error.message);
  }
}

/** Runs steps with start/end events and timing. */
class StepRunner {
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

interface StepOutcome<T> {
  status: 'done' | 'skipped';
  summary: string;
  value: T;
}

const done = <T>(summary: string, value: T): StepOutcome<T> => ({ status: 'done', summary, value });
const skipped = <T>(summary: string, value: T): StepOutcome<T> => ({ status: 'skipped', summary, value });

/** Describe why a run failed: each failed job and step, and the run link. */
export function describeFailure(result: RunResult): string {
  const lines = [`The infra deployment finished with conclusion "${result.conclusion}": ${result.run.url}`];
  for (const job of result.failedJobs) {
    lines.push(`  job "${job.name}" ${job.conclusion}${job.step ? ` at step "${job.step}"` : ''}`);
  }
  return lines.join('\n');
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
      const input = options.tokenInput ?? 'github-token';
      throw new StepFailure(
        new InputError(
          input,
          `A GitHub token is required to trigger the infra deployment, and none was given (${input}, GITHUB_TOKEN or GH_TOKEN).`,
          'Provide a token that may run workflows in the infra repository: a GitHub App token or a fine-grained token with Actions: write.',
        ),
      );
    }

    // 1. Preflight: read-only checks of everything the later steps need.
    const pre = await steps.run('preflight', async (progress) => {
      progress(`ECR repository ${plan.image.repository}`);
      await registry.describeRepository(plan.image.repository);
      const auth = await registry.getAuthorization();
      reporter.registerSecret?.(auth.password);
      const image = `${auth.registry}/${plan.image.repository}:${plan.image.tag}`;
      const existing = await registry.findImage(plan.image.repository, plan.image.tag);
      progress(`SSM parameter ${plan.parameter.name}`);
      const current = await parameters.get(plan.parameter.name);
      if (workflows) {
        const wf = plan.workflow;
        progress(`workflow ${wf.owner}/${wf.repo}/${wf.workflow}@${wf.ref}`);
        await workflows.preflight(plan.workflow);
      }
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
        await b.build(
          {
            context: plan.build.context,
            dockerfile: plan.build.dockerfile,
            tags: [pre.image],
            labels: plan.build.labels,
            buildArgs: plan.build.buildArgs,
            target: plan.build.target,
            platform: plan.build.platform,
          },
          (line) => reporter.emit({ type: 'step-log', step: 'build', line, at: clock.now() }),
          options.signal,
        );
        return done(`built with ${b.name}`, b);
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

    // 5. Set the version, only now that the image is confirmed in the registry.
    result.parameterVersion = await steps.run('set-version', async () => {
      if (pre.current?.value === plan.version) {
        return skipped(
          `${plan.parameter.name} is already ${plan.version} (parameter version ${pre.current.version})`,
          pre.current.version,
        );
      }
      const description = formatProvenance({
        action: 'deploy',
        version: plan.version,
        commit: plan.source.commit,
        digest,
        actor: plan.source.actor,
        run: plan.source.runUrl,
      });
      const written = await parameters.put(plan.parameter.name, plan.parameter.value, description);
      return done(
        `${plan.parameter.name}: ${pre.current?.value ?? '(not set)'} → ${plan.version} (parameter version ${written.version})`,
        written.version,
      );
    });

    // 6. Trigger the infra deployment.
    const infra = workflows as InfraWorkflows;
    const run = await steps.run('trigger', async (progress) => {
      const wf = plan.workflow;
      progress(`dispatching ${wf.workflow} in ${wf.owner}/${wf.repo}@${wf.ref}`);
      const dispatched = await infra.dispatch(plan.workflow);
      reporter.emit({ type: 'run-dispatched', run: dispatched, at: clock.now() });
      return done(`run ${dispatched.id}: ${dispatched.url}`, dispatched);
    });
    result.run = run;

    // 7. Wait for it.
    if (!plan.wait.enabled) {
      steps.skip('wait', `not waiting: follow the run at ${run.url}`);
      steps.skip('report', 'deployment triggered; its outcome is not known');
      result.status = 'succeeded';
      return result;
    }
    const outcome = await steps.run('wait', async () => {
      const waited = await infra.wait(run, {
        timeoutMs: plan.wait.timeoutMs,
        signal: options.signal,
        cancelOnTimeout: plan.wait.cancelOnTimeout,
        cancelOnInterrupt: plan.wait.cancelOnInterrupt,
        onUpdate: (update) => reporter.emit({ type: 'run-update', update, at: clock.now() }),
      });
      return done(`run ${run.id} completed: ${waited.conclusion}`, waited);
    });
    result.conclusion = outcome.conclusion;
    result.failedJobs = outcome.failedJobs;

    // 8. Report.
    await steps.run('report', async () => {
      if (outcome.conclusion !== 'success') {
        throw new DeploymentFailedError(describeFailure(outcome), {
          fix: 'Open the run to see why it failed; the parameter now points at the new version.',
          details: { runUrl: run.url, conclusion: outcome.conclusion },
        });
      }
      return done(
        `${plan.application} ${plan.version} deployed to ${plan.environment} (${formatDuration(result.steps.reduce((t, s) => t + s.durationMs, 0))})`,
        undefined,
      );
    });
    result.status = 'succeeded';
  } catch (thrown) {
    result.error = thrown instanceof StepFailure ? thrown.error : toHostingError(thrown);
    result.status = 'failed';
  }
  return result;
}
