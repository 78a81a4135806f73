// Types of sandbox.mjs (plain JavaScript so that `pnpm demo` runs it with node alone).
import type { AwsPeers, ExecutedRun, GitHubPeer } from '@shared-hosting/testkit';

export { CRASH_LABEL } from '@shared-hosting/testkit';
export declare const CLI: string;
export declare const APP: string;
export declare const ENV: string;
export declare const CLUSTER: string;
export declare const CONTAINER: string;
export declare const INFRA_REPO: string;
export declare const PARAMETER: string;
export declare const ROLLOUT_STEP: string;
export declare const INITIAL_VERSION: string;
export declare const PROD_ENV: string;
export declare const PROD_CLUSTER: string;
export declare const PROD_PARAMETER: string;
export declare const SHOP: string;
export declare const SHOP_PARAMETER: string;
export declare const SHOP_SERVICES: { web: string; worker: string };

/**
 * Seed the sandbox's platform on `aws`: the App specs under `infraDir/apps`, hello-app's and hello-shop's
 * services on the `initial` image, their parameters. Returns hello-app's initial digest.
 */
export declare function seedPlatform(aws: AwsPeers, infraDir: string): Promise<string>;

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** The parsed stdout when `--json` was given and it parsed. */
  json: Record<string, unknown> | undefined;
}

export interface CliOptions {
  cwd?: string;
  onStderrLine?: (line: string) => void;
}

export interface Running {
  /** `family:revision` of the service's task definition. */
  taskDefinition: string;
  taskDefinitionArn: string;
  /** The app container's image. */
  image: string;
  /** The digest the image is pinned by, when it is. */
  digest: string | undefined;
  containers: string[];
  deployments: Array<{ id: string; status: string; rolloutState: string }>;
  runningTasks: number;
}

export interface Sandbox {
  aws: AwsPeers;
  github: GitHubPeer;
  /** Temporary directory removed by stop(). */
  work: string;
  /** The infra repository's checkout (apps/hello-app.yaml), where the rollout runs. */
  infraDir: string;
  /** Digest of the image the seeded service runs (tag `initial`). */
  initialDigest: string;
  /** The environment a CLI in the sandbox gets: the peers', the GitHub token, buildah's storage. */
  env: Record<string, string>;
  /** `hosting deploy --app hello-app --env staging --infra-repo acme/infra <args>`. */
  deploy(args: string[], options?: CliOptions): Promise<CliResult>;
  /** `hosting deploy --app hello-shop --env staging --infra-repo acme/infra <args>`. */
  deployShop(args: string[], options?: CliOptions): Promise<CliResult>;
  /** What hello-shop's web and worker run now. */
  shop(): Record<
    'web' | 'worker',
    { taskDefinition: string; image: string; digest: string | undefined; steady: boolean }
  >;
  /** `hosting promote --app hello-app --from staging --to production --infra-repo acme/infra <args>`. */
  promote(args: string[], options?: CliOptions): Promise<CliResult>;
  /** The CLI as the infra side runs it (in the infra checkout, AWS only), e.g. `continue --app … --env …`. */
  infraCli(args: string[], options?: CliOptions): Promise<CliResult>;
  /** The log lines of an executed run's "Deploy to ECS" step. */
  runLog(runId: number): string[];
  /** What the service runs in `cluster` (default: staging's). */
  running(cluster?: string): Running;
  /** The manifest digest of hello-app:<tag> in the registry; undefined when there is none. */
  digestOf(tag: string): Promise<string | undefined>;
  stop(): Promise<void>;
}

export interface SandboxOptions {
  /** ms per ECS task transition (default 50). */
  ecsTickMs?: number;
  /** ms a dispatched run stays queued (default 0). */
  queuedMs?: number;
  onRunLine?: (run: ExecutedRun, line: string) => void;
  /** The deploys' HOSTING_BUILDER (default buildah); podman and buildah get a private storage. */
  builder?: 'auto' | 'docker' | 'podman' | 'buildah';
  /** Extra environment for the builder, e.g. a private dockerd's DOCKER_HOST and PATH. */
  builderEnv?: Record<string, string>;
}

export declare function startSandbox(options?: SandboxOptions): Promise<Sandbox>;
export declare function runCli(
  env: Record<string, string>,
  args: string[],
  options?: CliOptions,
): Promise<CliResult>;
