// The transcripts of the docs (```text transcript="<id>" blocks), made by real runs of the built `hosting`
// against the testkit peers: two stories, whose commands are the pages' commands. The app side's is below;
// the infra side's (`hosting rollout` on ECS) is in transcripts-rollout.mjs.
//   - the app side: an application repository (one commit per version, alice@example.com), its images
//     pushed to the registry behind the ECR test server, the parameters in the SSM test server;
//   - the infra side: the GitHub test server, whose runs have the job and step names of the shipped
//     template (docs/assets/infra-deployment-workflow.yaml), succeeding or failing as the story needs.
// `node test/transcripts.mjs --write` runs the story and rewrites the pages' blocks;
// test/transcripts.e2e.test.ts runs it and fails when a page drifts (times, dates and ports aside).
// Plain JavaScript so that node runs it alone; types in transcripts.d.mts.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pushTestImage, startAwsPeers, startGitHubPeer } from '@shared-hosting/testkit';
import { runRolloutStory } from './transcripts-rollout.mjs';
import { hostingBin, sh, shown } from './transcripts-shell.mjs';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const TEMPLATE = path.join(repoRoot, 'docs/assets/infra-deployment-workflow.yaml');
/** The pages with transcripts; each block names its story step: ```text transcript="<id>". */
export const PAGES = [
  'docs/operations/index.md',
  'docs/operations/status.md',
  'docs/operations/history.md',
  'docs/operations/rollback.md',
  'docs/operations/promote.md',
  'docs/operations/locking.md',
  'docs/platform/app-spec.mdx',
  'docs/platform/rollout.md',
  'docs/platform/multi-service.md',
];
const APP = 'hello-app';
const ECR_HOST = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
const VERSIONS = ['v1.3.0', 'v1.4.0', 'v1.4.1', 'v1.5.0'];

/** The job and step names of the shipped infra template, for a run of `application` to `environment`. */
export function templateJob(application, environment) {
  const text = readFileSync(TEMPLATE, 'utf8');
  const inputs = (s) =>
    s
      .replace(/\$\{\{\s*inputs\.application\s*\}\}/g, application)
      .replace(/\$\{\{\s*inputs\.environment\s*\}\}/g, environment);
  const job = /^ {4}name: (.+)$/m.exec(text)?.[1];
  const steps = [...text.matchAll(/^ {6}- name: (.+)$/gm)].map((m) => m[1]);
  if (!job || steps.length === 0) throw new Error(`${TEMPLATE}: no job name or steps found`);
  return { name: inputs(job), steps: steps.map(inputs) };
}

/**
 * A simulated infra run of the template: queued 1.5 s, the set-up steps over in 1 ms each, the rollout step
 * 2.6 s, so that the CLI's first poll (right after the dispatch) sees it queued and its 1 s polls see it in
 * the rollout step, even on a loaded machine (at load 29 on 2 cores a 300 ms queue was missed, and a poll
 * landed in a 50 ms set-up step).
 */
function infraRun(environment, conclusion = 'success', queuedMs = 1500, rolloutMs = 2600) {
  const job = templateJob(APP, environment);
  const last = job.steps.length - 1;
  return {
    queuedMs,
    conclusion,
    jobs: [
      {
        name: job.name,
        steps: job.steps.map((name, i) => ({
          name,
          durationMs: i === last ? rolloutMs : 1,
          ...(i === last && conclusion !== 'success' ? { conclusion } : {}),
        })),
      },
    ],
  };
}

function git(cwd, ...args) {
  return execFileSync('git', args, { cwd, env: { ...process.env, ...gitEnv } })
    .toString()
    .trim();
}
const gitEnv = {
  GIT_AUTHOR_NAME: 'Alice',
  GIT_AUTHOR_EMAIL: 'alice@example.com',
  GIT_COMMITTER_NAME: 'Alice',
  GIT_COMMITTER_EMAIL: 'alice@example.com',
  GIT_AUTHOR_DATE: '2026-11-26T06:00:00Z',
  GIT_COMMITTER_DATE: '2026-11-26T06:00:00Z',
};

/** The application's repository: one commit (and tag) per version, so each version has its commit. */
function appRepository(work) {
  const app = path.join(work, APP);
  mkdirSync(app);
  git(app, 'init', '-q', '-b', 'main');
  git(app, 'config', 'user.email', 'alice@example.com');
  writeFileSync(path.join(app, 'Dockerfile'), 'FROM scratch\nCOPY version.txt /version.txt\n');
  for (const version of VERSIONS) {
    writeFileSync(path.join(app, 'version.txt'), `${version}\n`);
    git(app, 'add', '.');
    git(app, 'commit', '-qm', `Release ${version}`);
    git(app, 'tag', version);
  }
  return app;
}

async function startWorld() {
  const work = mkdtempSync(path.join(tmpdir(), 'hosting-transcripts-'));
  const bin = hostingBin(work);
  const aws = await startAwsPeers();
  const github = await startGitHubPeer({
    owner: 'acme',
    repo: 'infra',
    workflowYaml: readFileSync(TEMPLATE, 'utf8'),
    login: 'alice',
  });
  aws.createRepository(APP);
  const digests = {};
  for (const version of VERSIONS)
    digests[version] = await pushTestImage(aws.registry, APP, version, { content: `${APP} ${version}` });
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    HOME: work,
    ...gitEnv,
    ...aws.env,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: github.token,
    NO_COLOR: '1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const app = appRepository(work);
  // The infrastructure repository's checkout, where `hosting rollout` reads apps/<application>.yaml.
  const infra = path.join(work, 'infra');
  mkdirSync(path.join(infra, 'apps'), { recursive: true });
  const caller = {
    arn: 'arn:aws:iam::123456789012:user/alice',
    region: aws.region,
    accountId: '123456789012',
  };
  const stop = async () => {
    await github.stop();
    await aws.stop();
    rmSync(work, { recursive: true, force: true });
  };
  return { work, aws, github, env, app, infra, digests, caller, stop };
}

/**
 * The app side's commands of the story. `deploy` checks out the version's commit first; `options.conclusion`
 * is how its infra run ends, `options.competing` queues someone else's run of the same environment first
 * (for that many ms), whose end the deploy waits for; `options.quick` makes its run a quick one (set-up steps).
 */
function commands(w) {
  const scenario = w.github.scenario;
  let competing;
  const deploy = (environment, version, extra = '', options = {}) => ({
    before: () => {
      git(w.app, 'checkout', '-q', version);
      competing = undefined;
      if (options.competing)
        competing = scenario.dispatchAs('bob', {
          inputs: { application: APP, environment },
          plan: { ...infraRun(environment, 'success', options.competing), hold: true },
        });
      // The story's set-up (no block shows it) needs no run the CLI's polls can watch: a quick one.
      scenario.nextRun(
        options.quick ? infraRun(environment, 'success', 0, 100) : infraRun(environment, options.conclusion),
      );
    },
    // Someone else's run is held in the queue until this deploy says it waits for it, then leaves the queue
    // `options.competing` ms later (a loaded machine's slow preflight cannot let it end first).
    onOutput: (out) => {
      if (!competing || !out.includes(`waiting for run ${competing.id}`)) return;
      scenario.release(competing.id);
      competing = undefined;
    },
    line: `hosting deploy --app ${APP} --env ${environment} --version ${version}${extra} --infra-repo acme/infra`,
  });
  const promote = (extra = '', quick = false) => ({
    before: () =>
      scenario.nextRun(quick ? infraRun('production', 'success', 0, 100) : infraRun('production')),
    line: `hosting promote --app ${APP} --from staging --to production${extra} --infra-repo acme/infra`,
  });
  const rollback = (extra, runs = []) => ({
    before: () => scenario.nextRun(...runs),
    line: `hosting rollback --app ${APP} --env production${extra} --infra-repo acme/infra`,
  });
  const expire = async (version) => {
    const res = await fetch(`${w.aws.registry.url}/v2/${APP}/manifests/${w.digests[version]}`, {
      method: 'DELETE',
      headers: { authorization: w.aws.registry.authorization },
    });
    if (res.status !== 202) throw new Error(`registry: deleting ${version} answered ${res.status}`);
  };
  return { deploy, promote, rollback, expire };
}

/** The story: what happens before each command, the command, and the id of the page's block it fills. */
function story(w) {
  const { deploy, promote, rollback, expire } = commands(w);
  const production = infraRun('production');
  return [
    deploy('preview', 'v1.3.0', '', { quick: true }),
    deploy('staging', 'v1.3.0', '', { quick: true }),
    promote('', true),
    deploy('staging', 'v1.4.0', '', { quick: true }),
    promote('', true),
    deploy('staging', 'v1.4.1', '', { quick: true }),
    deploy('staging', 'v1.5.0', '', { quick: true }),
    { ...promote(), id: 'promote' },
    { id: 'status', line: `hosting status --app ${APP} --infra-repo acme/infra` },
    {
      id: 'status-json',
      line: `hosting status --app ${APP} --env production --infra-repo acme/infra --json`,
    },
    { id: 'history-production', line: `hosting history --app ${APP} --env production` },
    { id: 'history-staging', line: `hosting history --app ${APP} --env staging --limit 3` },
    { id: 'history-json', line: `hosting history --app ${APP} --env production --limit 1 --json` },
    {
      id: 'rollback-dry-run',
      line: `hosting rollback --app ${APP} --env production --infra-repo acme/infra --dry-run`,
    },
    { ...rollback('', [production]), id: 'rollback' },
    { ...rollback(' --to v1.3.0'), id: 'rollback-expired', before: () => expire('v1.3.0') },
    {
      id: 'status-expired',
      line: `hosting status --app ${APP} --env preview --env staging --env production --infra-repo acme/infra`,
    },
    { ...promote(' --version release-2026-11'), id: 'promote-version' },
    {
      ...deploy('staging', 'v1.4.1', ' --rollback-on-failure', { conclusion: 'failure' }),
      id: 'deploy-rollback-on-failure',
    },
    {
      ...rollback(' --to v1.4.1 --rollback-on-failure --redeploy-on-rollback', [
        infraRun('production', 'failure'),
        production,
      ]),
      id: 'rollback-redeploy',
    },
    { id: 'history-production-rollbacks', line: `hosting history --app ${APP} --env production --limit 4` },
    // Someone else's deployment of staging, queued: this one waits for it.
    { ...deploy('staging', 'v1.4.0', '', { competing: 1000 }), id: 'deploy-waits' },
    ...lockStory(w),
    {
      id: 'app-spec-errors',
      cwd: w.infra,
      before: () =>
        writeFileSync(path.join(w.infra, `apps/${APP}.yaml`), 'environments:\n  e1:\n    clustr: x\n'),
      line: `hosting rollout --app ${APP} --env e1      # apps/${APP}.yaml has "clustr: x" on line 3`,
    },
    ...interruptStory(w, deploy),
    // Someone else's, queued for a minute: this one refuses at once.
    {
      ...deploy('staging', 'v1.5.0', ' --no-wait-for-lock', { competing: 60_000 }),
      id: 'deploy-no-wait',
    },
  ];
}

/** A lock held by alice's deploy of v3 (as a deploy writes it: a 60 s lease, renewed by her heartbeat). */
function holdLock(w) {
  const since = new Date();
  const lock = {
    id: '5b0e9c2a-1f3d-4c55-9a8e-2d7f3b1c6e40',
    holder: 'alice',
    operation: 'deploy',
    version: 'v3',
    since: since.toISOString(),
    expires: new Date(since.getTime() + 60_000).toISOString(),
    lease: 60_000,
  };
  w.aws.aws.ssm.seed(`/shared-hosting/${APP}/staging/lock`, JSON.stringify(lock));
}

/** The lock of staging: a deploy waits for it, status shows it, unlock removes it. */
function lockStory(w) {
  const scenario = w.github.scenario;
  const lockName = `/shared-hosting/${APP}/staging/lock`;
  let released = false;
  return [
    {
      id: 'lock-wait',
      excerpt: [/^▸ Wait for running deployment/, /^✓ Wait for running deployment/],
      before: () => {
        git(w.app, 'checkout', '-q', 'v1.5.0');
        holdLock(w);
        scenario.nextRun(infraRun('staging'));
      },
      // alice's deploy ends 1.5 s after this one started waiting for it, and deletes its lock.
      onOutput: (out) => {
        if (!out.includes('waiting for the lock') || released) return;
        released = true;
        setTimeout(() => w.aws.aws.ssm.handle('DeleteParameter', { Name: lockName }, w.caller), 1500);
      },
      line: `hosting deploy --app ${APP} --env staging --version v1.5.0 --infra-repo acme/infra`,
    },
    {
      id: 'lock-status',
      excerpt: [/^! staging: locked/, /^! staging: locked/],
      before: () => holdLock(w),
      line: `hosting status --app ${APP} --env staging`,
    },
    {
      id: 'unlock',
      line: [
        `hosting unlock --app ${APP} --env staging`,
        `hosting unlock --app ${APP} --env staging --force`,
      ],
    },
  ];
}

/**
 * Ctrl-C twice while the version is being written: the write hangs (the SSM test server answers it 10 s
 * late), so the second Ctrl-C finds it in flight and quits at once; then the lock it left is removed.
 */
function interruptStory(w, deploy) {
  // The progress line of the write (the preflight's summary says the same after "✓ …; ").
  const writing = new RegExp(`\n {2}/shared-hosting/${APP}/staging/version: \\S+ → v1\\.4\\.1\n`);
  const step = deploy('staging', 'v1.4.1', '', { competing: 500 });
  const sent = new Set();
  const once = (what, condition, action) => {
    if (!condition || sent.has(what)) return;
    sent.add(what);
    action();
  };
  const fault = { operation: 'PutParameter', errorType: 'ThrottlingException', delayMs: 10_000 };
  return [
    {
      ...step,
      id: 'interrupt-twice',
      excerpt: [/^Received SIGINT again/, /^The lock .* is still held/],
      onOutput: (out, child) => {
        // Under the lock, waiting for someone else's run: the next PutParameter is the version write.
        once('fault', /waiting for run \d+/.test(out), () => w.aws.aws.inject(fault));
        step.onOutput(out);
        once('first', writing.test(out), () => child.kill('SIGINT'));
        once('second', out.includes('Received SIGINT'), () => child.kill('SIGINT'));
      },
    },
    { before: () => w.aws.aws.clearInjections(), line: `hosting unlock --app ${APP} --env staging --force` },
  ];
}

/** What a reader sees instead of the test servers' addresses. */
function present(w, text) {
  const web = new URL(w.github.url).origin;
  return text
    .replaceAll(`${web}/_web/`, 'https://github.com/')
    .replaceAll(w.aws.registry.host, ECR_HOST)
    .replace(/\s+$/, '');
}

/**
 * Runs both stories at once, the app side's (below) and the infra side's (transcripts-rollout.mjs); returns
 * each block's text by id: `$ <command>`, its output, `$ echo $?` and the code (or the step's excerpt).
 */
export async function runStory() {
  const [app, infra] = await Promise.all([runAppStory(), runRolloutStory()]);
  return { ...app, ...infra };
}

async function runAppStory() {
  const w = await startWorld();
  const transcripts = {};
  try {
    for (const step of story(w)) {
      await step.before?.();
      const blocks = [];
      for (const line of [step.line].flat()) {
        const result = await sh(w.env, line, step.cwd ?? w.app, step.onOutput);
        if (!step.id && result.code !== 0)
          throw new Error(`story: "${line}" exited ${result.code}:\n${result.out}`);
        blocks.push(shown(step, line, present(w, result.out), result.code));
      }
      if (step.id) transcripts[step.id] = blocks.join('\n');
    }
  } finally {
    await w.stop();
  }
  return transcripts;
}

const BLOCK = /^```text transcript="([^"]+)"\n([\s\S]*?)^```$/gm;

/** The transcript blocks of a page: id and text. */
export function pageTranscripts(markdown) {
  return [...markdown.matchAll(BLOCK)].map((m) => ({ id: m[1], text: m[2].replace(/\n$/, '') }));
}

/** The page with its transcript blocks replaced by `transcripts` (ids it does not know stay). */
export function rewritePage(markdown, transcripts) {
  return markdown.replace(BLOCK, (block, id) =>
    transcripts[id] === undefined ? block : `\`\`\`text transcript="${id}"\n${transcripts[id]}\n\`\`\``,
  );
}

/**
 * What changes from run to run, replaced by placeholders before comparing: durations, dates, times, the ids
 * ECS makes up (tasks, deployments, service deployments, hooks), and the order in which the lines of several
 * services followed at once interleave (each service's own lines keep their order).
 */
export function normalise(text) {
  const normalised = text
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<iso-date>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d UTC/g, '<date>')
    .replace(/\b\d+(\.\d+)?(ms|s)\b/g, '<duration>')
    .replace(/"duration-ms": \d+/g, '"duration-ms": <n>')
    .replace(/\b[0-9a-f]{32}\b/g, '<task-id>')
    .replace(/\becs-svc\/\d+/g, 'ecs-svc/<id>')
    .replace(/(deployment |hook |service-deployment\/[^/\s]+\/[^/\s]+\/)[A-Za-z0-9]{22}\b/g, '$1<id>');
  return deinterleave(normalised);
}

/** Each maximal run of lines of services followed at once (`  <name>: …`), grouped by service, stably. */
function deinterleave(text) {
  const names = [...text.matchAll(/^ {2}(\S+): following service deployment/gm)].map((m) => m[1]);
  if (names.length < 2) return text;
  const own = (line) => names.findIndex((name) => line.startsWith(`  ${name}: `));
  const lines = text.split('\n');
  for (let start = 0; start < lines.length; start++) {
    if (own(lines[start]) < 0) continue;
    let end = start;
    while (end < lines.length && own(lines[end]) >= 0) end++;
    const run = lines.slice(start, end).sort((a, b) => own(a) - own(b));
    lines.splice(start, run.length, ...run);
    start = end;
  }
  return lines.join('\n');
}

if (process.argv[1] === import.meta.filename && process.argv.includes('--write')) {
  const transcripts = await runStory();
  for (const page of PAGES) {
    const file = path.join(repoRoot, page);
    const before = readFileSync(file, 'utf8');
    const after = rewritePage(before, transcripts);
    if (after !== before) writeFileSync(file, after);
    console.log(
      `${page}: ${pageTranscripts(after).length} transcripts${after === before ? '' : ' (updated)'}`,
    );
  }
}
