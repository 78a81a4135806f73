// The whole deployment diagram on local peers, shared by `pnpm demo` (scripts/demo.mjs) and
// test/sandbox.integration.test.ts. The testkit knows no product code; this module is the wiring:
//   - the AWS peers (a real docker-registry behind ECR, SSM, ECS whose tasks pull from that registry),
//     with the ECS service of hello-app seeded: two containers, environment, roles, logs, tags;
//   - an infra repository on disk holding the App spec apps/hello-app.yaml;
//   - the GitHub test server, whose dispatched runs execute the infra workflow for real: one step
//     "Deploy to ECS" running the built `hosting rollout` with the run's inputs (log = its output
//     lines, conclusion = its exit code);
//   - `deploy()`: the built `hosting deploy`, spawned as a user would, building with buildah.
// Plain JavaScript so that the demo runs it with `node` alone; types in sandbox.d.mts.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  createBuilderStorage,
  pushTestImage,
  RegistryApi,
  requireBuildah,
  runCommand,
  startAwsPeers,
  startGitHubPeer,
} from '@shared-hosting/testkit';

export { CRASH_LABEL } from '@shared-hosting/testkit';

export const CLI = path.resolve(import.meta.dirname, '../dist/hosting.cjs');
export const APP = 'hello-app';
export const ENV = 'staging';
export const CLUSTER = 'shared-staging';
export const CONTAINER = 'web';
export const INFRA_REPO = 'acme/infra';
export const PARAMETER = `/shared-hosting/${APP}/${ENV}/version`;
/** Production: a blue/green service whose deployments pause for approval before production traffic moves. */
export const PROD_ENV = 'production';
export const PROD_CLUSTER = 'shared-production';
export const PROD_PARAMETER = `/shared-hosting/${APP}/${PROD_ENV}/version`;
/** The name of the infra run's step that runs `hosting rollout`. */
// The step name of the shipped infra template (docs/assets/infra-deployment-workflow.yaml).
export const ROLLOUT_STEP = 'Deploy to ECS';
/** The version the seeded service runs before the sandbox's first deploy. */
export const INITIAL_VERSION = 'initial';
/**
 * A second application, of two services (a web and a worker, one image version) and a release task (its
 * database migration) that runs before either changes, in the staging cluster.
 */
export const SHOP = 'hello-shop';
export const SHOP_PARAMETER = `/shared-hosting/${SHOP}/${ENV}/version`;
export const SHOP_SERVICES = { web: `${SHOP}-web`, worker: `${SHOP}-worker` };

const ACCOUNT = '123456789012';
const quiet = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1' };

/** The App spec the infra repository holds for hello-app. */
const APP_SPEC = `# The App spec of hello-app in the platform's infra repository (read by hosting rollout).
repository: ${APP}
parameter: /shared-hosting/${APP}/{environment}/version
environments:
  ${ENV}:
    cluster: ${CLUSTER}
    service: ${APP}
    container: ${CONTAINER}
  ${PROD_ENV}:
    cluster: ${PROD_CLUSTER}
    service: ${APP}
    container: ${CONTAINER}
`;

/** The App spec of hello-shop: two services, one image version, a migration before any service changes. */
const SHOP_SPEC = `# The App spec of hello-shop: a web and a worker of one image, and its database migration.
environments:
  ${ENV}:
    cluster: ${CLUSTER}
    services:
      web: { service: ${SHOP_SERVICES.web}, container: web }
      worker: { service: ${SHOP_SERVICES.worker}, container: worker }
    release:
      service: web
      command: [bin/migrate, --up]
      timeout: 5m
`;

/**
 * The production service's deployment configuration, as the platform's infrastructure code sets it:
 * blue/green, a pause hook before production traffic moves (60 ECS minutes, then rolled back), a bake.
 */
const BLUE_GREEN = {
  strategy: 'BLUE_GREEN',
  bakeTimeInMinutes: 2,
  deploymentCircuitBreaker: { enable: true, rollback: true },
  lifecycleHooks: [
    {
      targetType: 'PAUSE',
      lifecycleStages: ['PRODUCTION_TRAFFIC_SHIFT'],
      timeoutConfiguration: { timeoutInMinutes: 60, action: 'ROLLBACK' },
    },
  ],
};

/** The task definition the service runs at first: the app container plus a log router sidecar. */
function seededTaskDefinition(image) {
  return {
    family: APP,
    taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${APP}-task`,
    executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-task-execution`,
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    cpu: '256',
    memory: '512',
    containerDefinitions: [
      {
        name: CONTAINER,
        image,
        essential: true,
        portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
        environment: [
          { name: 'GREETING', value: 'hello' },
          { name: 'PORT', value: '8080' },
        ],
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': `/ecs/${APP}`,
            'awslogs-region': 'eu-west-1',
            'awslogs-stream-prefix': CONTAINER,
          },
        },
      },
      {
        name: 'log-router',
        image: 'public.ecr.aws/aws-observability/aws-for-fluent-bit:stable',
        essential: false,
        firelensConfiguration: { type: 'fluentbit' },
      },
    ],
    tags: [
      { key: 'team', value: 'platform' },
      { key: 'application', value: APP },
    ],
  };
}

/** Seed the service (2 tasks of the initial image) and the parameter (initial, labelled `deployed`). */
async function seed(aws) {
  const digest = await pushTestImage(aws.registry, APP, INITIAL_VERSION, {
    content: 'hello-app, the release before the sandbox',
  });
  aws.aws.ecs.addService({
    cluster: CLUSTER,
    service: APP,
    taskDefinition: seededTaskDefinition(`${aws.registry.host}/${APP}@${digest}`),
    desiredCount: 2,
    circuitBreaker: { enable: true, rollback: true },
    tags: [{ key: 'team', value: 'platform' }],
  });
  aws.aws.ecs.addService({
    cluster: PROD_CLUSTER,
    service: APP,
    taskDefinition: {
      ...seededTaskDefinition(`${aws.registry.host}/${APP}@${digest}`),
      family: `${APP}-${PROD_ENV}`,
    },
    desiredCount: 2,
    deploymentConfiguration: BLUE_GREEN,
    tags: [{ key: 'team', value: 'platform' }],
  });
  for (const name of [PARAMETER, PROD_PARAMETER]) seedParameter(aws, name);
  await seedShop(aws);
  return digest;
}

/**
 * The platform as the sandbox has it, for any story on these peers (`pnpm demo`, the docs' transcripts): the
 * infra repository's App specs written under `infraDir/apps`, hello-app's ECR repository, its staging
 * (rolling) and production (blue/green, paused for approval) services and hello-shop's web and worker, all on
 * the `initial` image, the parameters labelled `deployed`. Returns hello-app's initial digest.
 */
export async function seedPlatform(aws, infraDir) {
  mkdirSync(path.join(infraDir, 'apps'), { recursive: true });
  writeFileSync(path.join(infraDir, `apps/${APP}.yaml`), APP_SPEC);
  writeFileSync(path.join(infraDir, `apps/${SHOP}.yaml`), SHOP_SPEC);
  aws.createRepository(APP);
  return seed(aws);
}

/** hello-shop: its web (rolling) and worker (blue/green) on the initial image, each with its own logs. */
async function seedShop(aws) {
  aws.createRepository(SHOP);
  const digest = await pushTestImage(aws.registry, SHOP, INITIAL_VERSION, { content: 'hello-shop' });
  for (const [name, service] of Object.entries(SHOP_SERVICES)) {
    aws.aws.ecs.addService({
      cluster: CLUSTER,
      service,
      taskDefinition: {
        family: service,
        taskRoleArn: `arn:aws:iam::${ACCOUNT}:role/${SHOP}-task`,
        executionRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecs-task-execution`,
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        cpu: '256',
        memory: '512',
        containerDefinitions: [
          {
            name,
            image: `${aws.registry.host}/${SHOP}@${digest}`,
            essential: true,
            command: name === 'web' ? ['bin/serve'] : ['bin/work'],
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': `/ecs/${service}`,
                'awslogs-region': 'eu-west-1',
                'awslogs-stream-prefix': 'ecs',
              },
            },
          },
        ],
        tags: [{ key: 'application', value: SHOP }],
      },
      desiredCount: name === 'web' ? 2 : 1,
      launchType: 'FARGATE',
      networkConfiguration: {
        awsvpcConfiguration: { subnets: ['subnet-0a1b2c3d'], securityGroups: ['sg-0a1b2c3d'] },
      },
      deploymentConfiguration: { strategy: name === 'web' ? 'ROLLING' : 'BLUE_GREEN', bakeTimeInMinutes: 1 },
    });
  }
  seedParameter(aws, SHOP_PARAMETER);
}

/** The parameter at the initial version, labelled `deployed`. */
function seedParameter(aws, name) {
  const caller = {
    arn: `arn:aws:iam::${ACCOUNT}:role/platform-seed`,
    region: aws.region,
    accountId: ACCOUNT,
  };
  const put = { Name: name, Value: INITIAL_VERSION, Type: 'String', Description: 'seeded by the sandbox' };
  const { Version } = aws.aws.ssm.handle('PutParameter', put, caller);
  aws.aws.ssm.handle(
    'LabelParameterVersion',
    { Name: name, ParameterVersion: Version, Labels: ['deployed'] },
    caller,
  );
}

/**
 * The infra workflow, executed: one step running `hosting rollout` in the infra repository's checkout with
 * the AWS peers' environment (nothing of this process's own). `onLine(run, line)` sees each log line.
 */
function infraWorkflow({ aws, infraDir, onLine }) {
  return async (run, io) => {
    const application = run.inputs.application ?? '';
    const environment = run.inputs.environment ?? '';
    const args = [CLI, 'rollout', '--app', application, '--env', environment];
    await io.step(ROLLOUT_STEP, (stepIo) =>
      runCommand(
        {
          signal: stepIo.signal,
          log: (line) => {
            stepIo.log(line);
            onLine?.(run, line);
          },
        },
        {
          command: process.execPath,
          args: [...args, '--spec', `apps/${application}.yaml`],
          env: { PATH: process.env.PATH ?? '', HOME: infraDir, ...aws.env, ...quiet },
          cwd: infraDir,
        },
      ),
    );
  };
}

/**
 * Start the sandbox. `ecsTickMs`: ms per ECS task transition; `queuedMs`: how long a dispatched run stays
 * queued; `onRunLine(run, line)`: each line the infra run logs, as it is logged; `builder`: the deploys'
 * HOSTING_BUILDER (default buildah), with `builderEnv` for it (e.g. a private dockerd's DOCKER_HOST and PATH).
 * buildah and podman always get a private storage of the sandbox's own.
 */
export async function startSandbox(options = {}) {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build the CLI first (pnpm demo does).`);
  const builder = options.builder ?? 'buildah';
  if (builder === 'buildah') requireBuildah();
  const work = mkdtempSync(path.join(tmpdir(), 'hosting-sandbox-'));
  const infraDir = path.join(work, 'infra');
  const stack = [() => rmSync(work, { recursive: true, force: true })];
  const stop = async () => {
    for (const undo of stack.reverse()) await undo();
    stack.length = 0;
  };
  try {
    const storage = await createBuilderStorage();
    stack.push(() => storage.remove());
    // One ECS minute per real second: bakes and hook timeouts take seconds.
    const aws = await startAwsPeers({ ecsTickMs: options.ecsTickMs ?? 50, ecs: { clockFactor: 60 } });
    stack.push(() => aws.stop());
    const initialDigest = await seedPlatform(aws, infraDir);
    const [owner, repo] = INFRA_REPO.split('/');
    const github = await startGitHubPeer({
      owner,
      repo,
      defaultRun: { queuedMs: options.queuedMs ?? 0 },
      executor: infraWorkflow({ aws, infraDir, onLine: options.onRunLine }),
      executorJobName: 'deploy',
    });
    stack.push(() => github.stop());
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ...aws.env,
      ...quiet,
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: github.token,
      HOSTING_BUILDER: builder,
      ...storage.env,
      ...options.builderEnv,
    };
    return {
      aws,
      github,
      work,
      infraDir,
      initialDigest,
      env,
      deploy: (args, deployOptions) => runCli(env, ['deploy', ...deployArgs(), ...args], deployOptions),
      deployShop: (args, deployOptions) =>
        runCli(
          env,
          ['deploy', '--app', SHOP, '--env', ENV, '--infra-repo', INFRA_REPO, ...args],
          deployOptions,
        ),
      shop: () => shop(aws),
      promote: (args, cliOptions) =>
        runCli(
          env,
          ['promote', '--app', APP, '--from', ENV, '--to', PROD_ENV, '--infra-repo', INFRA_REPO, ...args],
          cliOptions,
        ),
      infraCli: (args, cliOptions) =>
        runCli({ PATH: env.PATH, HOME: infraDir, ...aws.env, ...quiet }, args, {
          cwd: infraDir,
          ...cliOptions,
        }),
      runLog: (runId) => runLog(github, runId),
      running: (cluster = CLUSTER) => running(aws, cluster),
      digestOf: async (tag) =>
        (await new RegistryApi(aws.registry.url, aws.registry.authorization).getManifest(APP, tag))?.digest,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

const deployArgs = () => ['--app', APP, '--env', ENV, '--infra-repo', INFRA_REPO];

/** What the ECS service runs now: its task definition, the app container's image and the deployments. */
function running(aws, cluster) {
  const ecs = aws.aws.ecs;
  const service = ecs.service(APP, cluster);
  const definition = ecs.currentTaskDefinition(APP, cluster);
  const containers = definition.input.containerDefinitions ?? [];
  const image = String(containers.find((c) => c.name === CONTAINER)?.image ?? '');
  return {
    taskDefinition: `${definition.family}:${definition.revision}`,
    taskDefinitionArn: definition.arn,
    image,
    digest: image.split('@')[1],
    containers: containers.map((c) => String(c.name)),
    deployments: service.deployments.map((d) => ({
      id: d.id,
      status: d.status,
      rolloutState: d.rolloutState,
    })),
    runningTasks: ecs.tasksOf(APP, cluster).filter((t) => t.lastStatus === 'RUNNING').length,
  };
}

/** What hello-shop's services run: per service, its task definition and the app container's image. */
function shop(aws) {
  const ecs = aws.aws.ecs;
  return Object.fromEntries(
    Object.entries(SHOP_SERVICES).map(([name, service]) => {
      const definition = ecs.currentTaskDefinition(service, CLUSTER);
      const container = (definition.input.containerDefinitions ?? []).find((c) => c.name === name);
      const image = String(container?.image ?? '');
      const deployments = ecs.service(service, CLUSTER).deployments;
      return [
        name,
        {
          taskDefinition: `${definition.family}:${definition.revision}`,
          image,
          digest: image.split('@')[1],
          steady: deployments.length === 1 && deployments[0]?.rolloutState === 'COMPLETED',
        },
      ];
    }),
  );
}

/** The log lines of an executed run's rollout step, as the job log holds them. */
function runLog(github, runId) {
  const step = github.infra
    .state(runId)
    ?.jobs.flatMap((job) => job.steps)
    .find((s) => s.name === ROLLOUT_STEP);
  return [...(step?.log ?? [])];
}

/**
 * Spawn the built CLI with `env`. Resolves with the exit code, stdout, stderr and, with `--json`, the parsed
 * result. `onStderrLine` sees each stderr line as it comes (the progress, with --json).
 */
export function runCli(env, args, options = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd: options.cwd ?? process.cwd(),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      stderr += `${line}\n`;
      options.onStderrLine?.(line);
    });
    child.once('error', reject);
    child.once('close', (code) => {
      let json;
      if (args.includes('--json')) {
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
      }
      resolve({ code: code ?? -1, stdout, stderr, json });
    });
  });
}
