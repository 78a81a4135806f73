import type { DeployPorts } from './ports/bundles.js';
import type { Reporter } from './ports/events.js';
import type { BuilderName, Clock } from './ports/ports.js';
import { systemClock } from './ports/ports.js';

export interface CreatePortsOptions {
  builder: BuilderName | 'auto';
  env: Readonly<Record<string, string | undefined>>;
  reporter: Reporter;
  /** Explicit token (Action input); else GITHUB_TOKEN, GH_TOKEN, then `gh auth token` when allowGhCli. */
  githubToken?: string | undefined;
  allowGhCli?: boolean | undefined;
  region?: string | undefined;
  profile?: string | undefined;
  clock?: Clock | undefined;
  cwd?: string | undefined;
}

export interface RealPorts extends DeployPorts {
  /** The GitHub token in use (a secret: adapters mask it), when one was found. */
  githubToken: string | undefined;
}

/**
 * The real ports: ECR and SSM through the AWS SDK, GitHub through Octokit, the image builder chosen
 * lazily. SDKs are imported here, on demand, so that loading the engine stays cheap.
 */
export async function createPorts(options: CreatePortsOptions): Promise<RealPorts> {
  const clock = options.clock ?? systemClock;
  const { env, reporter } = options;
  const [{ createAwsPorts }, { createGitHubWorkflows, resolveGitHubToken }] = await Promise.all([
    import('./aws/index.js'),
    import('./github/index.js'),
  ]);
  const githubToken = await resolveGitHubToken({
    input: options.githubToken,
    env,
    allowGhCli: options.allowGhCli ?? false,
  });
  if (githubToken) reporter.registerSecret?.(githubToken);
  const aws = await createAwsPorts({ region: options.region, profile: options.profile, env });
  const workflows = githubToken
    ? await createGitHubWorkflows({
        token: githubToken,
        baseUrl: env.GITHUB_API_URL,
        clock,
        log: (message: string) => reporter.emit({ type: 'debug', message, at: clock.now() }),
      })
    : undefined;
  let builder: Promise<import('./ports/ports.js').ImageBuilder> | undefined;
  return {
    builder: () => {
      builder ??= import('./builders/index.js').then(({ selectBuilder }) =>
        selectBuilder(options.builder, {
          env,
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
  };
}

export interface CreateRolloutPortsOptions {
  env: Readonly<Record<string, string | undefined>>;
  reporter: Reporter;
  region?: string | undefined;
  profile?: string | undefined;
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
  const { createAwsPorts, createContainerService } = await import('./aws/index.js');
  const settings = {
    region: options.region,
    profile: options.profile,
    env: options.env,
    debug: (message: string) => options.reporter.emit({ type: 'debug', message, at: clock.now() }),
  };
  const [aws, containers] = await Promise.all([createAwsPorts(settings), createContainerService(settings)]);
  return {
    registry: aws.registry,
    parameters: aws.parameters,
    containers,
    clock,
    reporter: options.reporter,
  };
}
