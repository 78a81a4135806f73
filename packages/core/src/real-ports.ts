import type { StepId } from './domain/steps.js';
import { createGitHubPorts, type GitHubPortsOptions } from './github-ports.js';
import type { AdapterNames } from './inputs/names.js';
import type { Ports } from './ports/bundles.js';
import type { Reporter } from './ports/events.js';
import type { BuilderName, Clock } from './ports/ports.js';
import { systemClock } from './ports/ports.js';

export interface CreatePortsOptions extends GitHubPortsOptions {
  builder: BuilderName | 'auto';
  region?: string | undefined;
  profile?: string | undefined;
  clock?: Clock | undefined;
  cwd?: string | undefined;
}

export interface RealPorts extends Ports {
  /** The GitHub token in use (a secret: adapters mask it), when one was found (not with an App). */
  githubToken: string | undefined;
  /** Release what the ports hold: revoke every GitHub App token minted. Call at the end, whatever happened. */
  close(): Promise<void>;
}

/**
 * The reporter, watched for the step in progress, and a way to add a progress line to that step (a
 * warning between steps): how the AWS ports say "retrying" while a request gets no answer.
 */
export function withStepProgress(reporter: Reporter, clock: Clock) {
  let current: StepId | undefined;
  const watched: Reporter = {
    emit: (event) => {
      if (event.type === 'step-start') current = event.step;
      else if ((event.type === 'step-end' || event.type === 'step-fail') && event.step === current)
        current = undefined;
      reporter.emit(event);
    },
    ...(reporter.registerSecret
      ? { registerSecret: (secret: string) => reporter.registerSecret?.(secret) }
      : {}),
  };
  const progress = (message: string) =>
    reporter.emit(
      current
        ? { type: 'step-progress', step: current, message, at: clock.now() }
        : { type: 'warning', message, at: clock.now() },
    );
  return { reporter: watched, progress };
}

/**
 * The real ports: ECR and SSM through the AWS SDK, GitHub through Octokit, the image builder chosen
 * lazily. SDKs are imported here, on demand, so that loading the engine stays cheap.
 */
export async function createPorts(options: CreatePortsOptions): Promise<RealPorts> {
  const clock = options.clock ?? systemClock;
  const { env } = options;
  const { reporter, progress } = withStepProgress(options.reporter, clock);
  const [{ createAwsPorts }, { workflows, githubToken }] = await Promise.all([
    import('./aws/index.js'),
    createGitHubPorts({ ...options, reporter, clock, onRetry: progress }),
  ]);
  const aws = await createAwsPorts({
    region: options.region,
    profile: options.profile,
    names: options.names,
    env,
    onRetry: progress,
  });
  let builder: Promise<import('./ports/ports.js').ImageBuilder> | undefined;
  return {
    builder: () => {
      builder ??= import('./builders/index.js').then(({ selectBuilder }) =>
        selectBuilder(options.builder, {
          env,
          builderInput: options.names.builder,
          log: (message: string) =>
            reporter.emit({ type: 'step-progress', step: 'build', message, at: clock.now() }),
        }),
      );
      return builder;
    },
    registry: aws.registry,
    parameters: aws.parameters,
    workflows,
    clock,
    reporter,
    githubToken,
    close: async () => {
      await workflows?.close();
    },
  };
}

interface CreateRolloutPortsOptions {
  env: Readonly<Record<string, string | undefined>>;
  reporter: Reporter;
  region?: string | undefined;
  profile?: string | undefined;
  names: AdapterNames;
  clock?: Clock | undefined;
}

/**
 * The real ports of a rollout: SSM and ECR (read, label) and ECS, through the AWS SDK, loaded on demand.
 * No GitHub and no builder: the rollout runs inside the infra repository's workflow.
 */
export async function createRolloutPorts(
  options: CreateRolloutPortsOptions,
): Promise<import('./run/rollout.js').RolloutPorts> {
  const clock = options.clock ?? systemClock;
  const { reporter, progress } = withStepProgress(options.reporter, clock);
  const { createAwsPorts, createContainerService } = await import('./aws/index.js');
  const settings = {
    region: options.region,
    profile: options.profile,
    names: options.names,
    env: options.env,
    debug: (message: string) => reporter.emit({ type: 'debug', message, at: clock.now() }),
    onRetry: progress,
  };
  const [aws, containers] = await Promise.all([createAwsPorts(settings), createContainerService(settings)]);
  return {
    registry: aws.registry,
    parameters: aws.parameters,
    containers,
    clock,
    reporter,
  };
}
