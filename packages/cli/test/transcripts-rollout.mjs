// The infra side's transcripts (docs/platform/rollout.md, docs/platform/multi-service.md): the built
// `hosting rollout` and `hosting continue` against the ECS test server, on the platform `pnpm demo` seeds
// (test/sandbox.mjs: hello-app's rolling staging service and blue/green production service paused for
// approval, hello-shop's web and worker with their migration).
// ECS moves only when the rollout looks: the server's own timer is off, and a proxy in front of it runs one
// scheduler tick of a service just before each DescribeServiceDeployments of it (a release task: to its end
// on its second DescribeTasks). What each service goes through is then the same on every run, whatever
// the machine's load; only ids, times and the interleaving of several services' lines differ.

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CRASH_LABEL, EXIT_CODE_LABEL, pushTestImage, startAwsPeers } from '@shared-hosting/testkit';
import {
  APP,
  CLUSTER,
  PARAMETER,
  PROD_PARAMETER,
  SHOP,
  SHOP_PARAMETER,
  SHOP_SERVICES,
  seedPlatform,
} from './sandbox.mjs';
import { hostingBin, sh, shown } from './transcripts-shell.mjs';

const ECR_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const quiet = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', NO_COLOR: '1' };

/** Resolves once no task of `tasks()` is still pulling its images (the scheduler waits for pulls). */
async function pullsSettled(tasks) {
  const deadline = Date.now() + 10_000;
  while (tasks().some((t) => t.pull && !t.pull.settled)) {
    if (Date.now() > deadline) throw new Error('story: image pulls did not settle within 10 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * The ticks a request earns: each service deployment asked about, or the release task (see the top).
 * `hold(service, until)` keeps a service still until `until()` is true (a story that needs one service's
 * deployment to end before another's moves).
 */
function ticker(ecs) {
  const described = new Set();
  const holds = new Map();
  const deployments = async (arns) => {
    for (const arn of arns) {
      // arn:aws:ecs:<region>:<account>:service-deployment/<cluster>/<service>/<id>
      const [, cluster = '', service = ''] = arn.split(':').at(-1).split('/');
      if (holds.get(service)?.() === false) continue;
      holds.delete(service);
      await pullsSettled(() => ecs.tasksOf(service, cluster));
      ecs.tick({ cluster, service });
    }
  };
  const releaseTasks = async (arns) => {
    const ours = () => ecs.standaloneTasks().filter((t) => arns.includes(t.arn));
    if (ours().length === 0 || arns.some((arn) => !described.has(arn))) {
      for (const arn of arns) described.add(arn);
      return;
    }
    for (let i = 0; i < 50 && ours().some((t) => t.lastStatus !== 'STOPPED'); i++) {
      await pullsSettled(ours);
      ecs.tick('standalone');
    }
  };
  // Once `settling`: each DescribeServices (the wait of a service put back) finds the service settled.
  let settling = false;
  const settle = async ({ cluster = 'default', services = [] }) => {
    for (const name of services) {
      const moving = () => ecs.service(name, cluster).deployments.some((d) => d.rolloutState !== 'COMPLETED');
      for (let i = 0; i < 100 && moving(); i++) {
        await pullsSettled(() => ecs.tasksOf(name, cluster));
        ecs.tick({ cluster, service: name });
      }
    }
  };
  const onRequest = async (target, body) => {
    if (target.endsWith('.DescribeServiceDeployments'))
      await deployments(JSON.parse(body).serviceDeploymentArns ?? []);
    if (target.endsWith('.DescribeTasks')) await releaseTasks(JSON.parse(body).tasks ?? []);
    if (settling && target.endsWith('.DescribeServices')) await settle(JSON.parse(body));
  };
  return {
    onRequest,
    hold: (service, until) => holds.set(service, until),
    settle: (on) => {
      settling = on;
    },
  };
}

/** A proxy in front of the AWS test server that ticks ECS as the requests pass (signatures untouched). */
async function tickingProxy(aws) {
  const upstream = new URL(aws.aws.url);
  const ticks = ticker(aws.aws.ecs);
  const errors = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      await ticks
        .onRequest(String(req.headers['x-amz-target'] ?? ''), body.toString())
        .catch((e) => errors.push(e));
      const options = { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method };
      const forward = http.request({ ...options, headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', (e) => res.destroy(e));
      forward.end(body);
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve(errors)));
  };
  return { url: `http://127.0.0.1:${server.address().port}`, ticks, stop };
}

/**
 * The versions of the story: hello-app's v1.4.0 runs, v1.4.1 crashes; hello-shop's v2.0.0 cannot migrate,
 * v2.0.1 runs, v2.0.2's worker crashes.
 */
async function pushVersions(aws) {
  const push = (repository, tag, labels = {}) =>
    pushTestImage(aws.registry, repository, tag, { content: `${repository} ${tag}`, labels });
  await push(APP, 'v1.4.0');
  await push(APP, 'v1.4.1', { [CRASH_LABEL]: 'true' });
  await push(SHOP, 'v2.0.0', { [EXIT_CODE_LABEL]: '3' });
  await push(SHOP, 'v2.0.1');
  await push(SHOP, 'v2.0.2', { [CRASH_LABEL]: 'worker' });
}

async function startWorld() {
  const work = mkdtempSync(path.join(tmpdir(), 'hosting-rollout-transcripts-'));
  // ECS minutes pass 60 times faster (a 2 min bake: 2 s); the scheduler's own timer never fires.
  const aws = await startAwsPeers({ ecsTickMs: 3_600_000, ecs: { clockFactor: 60 } });
  const infra = path.join(work, 'infra');
  await seedPlatform(aws, infra);
  await pushVersions(aws);
  const proxy = await tickingProxy(aws);
  const base = { PATH: `${hostingBin(work)}:${process.env.PATH ?? ''}`, HOME: work, ...quiet };
  const caller = {
    arn: 'arn:aws:iam::123456789012:role/app-deploy',
    region: aws.region,
    accountId: '123456789012',
  };
  const stop = async () => {
    const errors = await proxy.stop();
    await aws.stop();
    rmSync(work, { recursive: true, force: true });
    if (errors.length > 0) throw new Error(`story: the ticking proxy failed: ${errors.join('\n')}`);
  };
  return {
    aws,
    infra,
    // The rollout's requests go through the proxy; another terminal's (hosting continue) straight to AWS.
    env: { ...base, ...aws.env, AWS_ENDPOINT_URL: proxy.url },
    approverEnv: { ...base, ...aws.env },
    ticks: proxy.ticks,
    present: (text) => text.replaceAll(aws.registry.host, ECR_HOST).replace(/\s+$/, ''),
    setVersion: (name, value) =>
      aws.aws.ssm.handle(
        'PutParameter',
        { Name: name, Value: value, Type: 'String', Overwrite: true },
        caller,
      ),
    stop,
  };
}

/**
 * The approval: when the rollout announces its pause, `hosting continue` from another terminal, as the
 * announcement says. Its transcript is the block `id`.
 */
function approver(w, id) {
  let approval;
  return {
    onOutput: (out) => {
      const command = /Resume it with: (hosting continue [^()]+?) \(/.exec(out)?.[1];
      if (!command || approval) return;
      approval = sh(w.approverEnv, command, w.infra).then((r) => ({
        [id]: shown({}, command, w.present(r.out), r.code),
      }));
    },
    after: async () => {
      if (!approval) throw new Error('story: the rollout never announced its pause');
      return approval;
    },
  };
}

/** The story: each step's set-up, the command as the page shows it, and the id of its block. */
function story(w) {
  const rollout = (env, extra = '') => `hosting rollout --app ${APP} --env ${env}${extra}`;
  const shop = `hosting rollout --app ${SHOP} --env staging`;
  const release = /^▸ Run release task/;
  return [
    {
      id: 'rollout-dry-run',
      before: () => w.setVersion(PARAMETER, 'v1.4.0'),
      line: rollout('staging', ' --dry-run'),
    },
    { id: 'rollout', line: rollout('staging') },
    { id: 'rollout-again', line: rollout('staging') },
    { id: 'rollout-crash', before: () => w.setVersion(PARAMETER, 'v1.4.1'), line: rollout('staging') },
    {
      id: 'rollout-approval',
      before: () => w.setVersion(PROD_PARAMETER, 'v1.4.0'),
      ...approver(w, 'continue'),
      excerpt: [/^▸ Wait for ECS deployment/, /^ {2}parameter /],
      line: rollout('production'),
    },
    {
      id: 'release-failed',
      before: () => w.setVersion(SHOP_PARAMETER, 'v2.0.0'),
      excerpt: [release, /^Fix: /],
      line: shop,
    },
    {
      id: 'release-rollout',
      before: () => w.setVersion(SHOP_PARAMETER, 'v2.0.1'),
      excerpt: [release, /^ {2}parameter /],
      line: shop,
    },
    {
      id: 'all-or-nothing',
      before: () => {
        w.setVersion(SHOP_PARAMETER, 'v2.0.2');
        // The web's deployment ends before the worker's tasks start (and crash): the web is updated back.
        const web = () => w.aws.aws.ecs.serviceDeploymentsOf(SHOP_SERVICES.web, CLUSTER)[0]?.status;
        w.ticks.hold(SHOP_SERVICES.worker, () => web() === 'SUCCESSFUL');
      },
      // Putting the services back: each look finds it done (the wait's own progress is not shown).
      onOutput: (out) => w.ticks.settle(out.includes('▸ Roll back the other services')),
      excerpt: [/^Error: /, /^Fix: /],
      line: shop,
    },
  ];
}

/** Runs the infra side's story; returns each block's text by id. */
export async function runRolloutStory() {
  const w = await startWorld();
  const transcripts = {};
  try {
    for (const step of story(w)) {
      await step.before?.();
      const result = await sh(w.env, step.line, w.infra, step.onOutput);
      transcripts[step.id] = shown(step, step.line, w.present(result.out), result.code);
      Object.assign(transcripts, await step.after?.());
    }
  } finally {
    await w.stop();
  }
  return transcripts;
}
