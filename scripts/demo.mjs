// `pnpm demo`: the whole deployment diagram, both halves, in a local sandbox (packages/cli/test/sandbox.mjs):
//   - the app side: the real `hosting deploy` builds examples/hello-app (with the builder `--builder` picks),
//     pushes it to a real OCI registry behind the ECR test server, sets the version in SSM, dispatches the
//     infra workflow and waits for it;
//   - the infra side: the GitHub test server runs that workflow for real, its step "Deploy to ECS" runs
//     `hosting rollout` against the ECS test server, whose tasks pull the image from the registry.
// Then a promotion to production, whose ECS service deploys blue/green with a pause hook: the rollout
// announces the pause with the command that resumes it, the demo gives that command (`hosting continue`,
// as an approver would), traffic moves, and the promotion succeeds.
// Then a crashing commit: its tasks exit, the circuit breaker rolls the service back, the infra run fails
// and the app side names the failed step and the stopped tasks' reason.
// Then hello-shop, a web and a worker of one image with a database migration run before either changes:
// a version whose migration exits 3 changes nothing (the cause and the logs named), the fixed one migrates
// and both services roll out together.
// Exits non-zero when any phase does not behave as described.
//
// `pnpm demo --builder docker|podman|buildah` picks the image builder (default `auto`: whichever the machine
// has, as `hosting deploy` picks it: a docker daemon that answers, else podman, else buildah). podman and
// buildah use a private storage; `--builder docker` uses the machine's daemon when one answers, else starts a
// private dockerd (Debian's docker.io, as root) for the demo's length.
import { execFileSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(import.meta.dirname, '..');
const sandboxModule = await import(path.join(root, 'packages/cli/test/sandbox.mjs'));
const {
  APP,
  CLUSTER,
  CRASH_LABEL,
  ENV,
  PARAMETER,
  PROD_CLUSTER,
  PROD_ENV,
  PROD_PARAMETER,
  ROLLOUT_STEP,
  INITIAL_VERSION,
  SHOP,
  SHOP_PARAMETER,
  SHOP_SERVICES,
  startSandbox,
} = sandboxModule;
const { BUILDER_CHOICES } = await import(path.join(root, 'packages/core/dist/builders/registry.js'));
const { EXIT_CODE_LABEL, startDockerDaemon } = await import(
  path.join(root, 'packages/testkit/dist/index.js')
);

const { values: flags } = parseArgs({ options: { builder: { type: 'string', default: 'auto' } } });
if (!BUILDER_CHOICES.includes(flags.builder)) {
  console.error(`--builder must be one of ${BUILDER_CHOICES.join(', ')} (got "${flags.builder}").`);
  process.exit(2);
}

/** `--builder docker` without a daemon that answers: a private one, stopped at the end. */
async function dockerFor(builder) {
  if (builder !== 'docker') return undefined;
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], { stdio: 'ignore', timeout: 3000 });
    return undefined;
  } catch {
    console.log('No docker daemon answers: starting a private dockerd for the demo.');
    return startDockerDaemon();
  }
}

const tty = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (s) => (tty ? `\x1b[1m${s}\x1b[22m` : s);
const dim = (s) => (tty ? `\x1b[2m${s}\x1b[22m` : s);
const short = (digest) => (digest ? `${digest.slice(0, 19)}…` : '(none)');
let phase = 0;
const heading = (title) => console.log(`\n${bold(`── ${++phase}. ${title} ──`)}`);

/** A phase that did not behave as described: the demo fails with this message. */
class DemoFailure extends Error {}
function check(condition, what) {
  if (!condition) throw new DemoFailure(what);
  console.log(`  ✓ ${what}`);
}

/** Wait (at most `ms`) until `probe()` is truthy; the ECS test server moves on its own ticks. */
async function eventually(probe, ms = 5000) {
  const deadline = Date.now() + ms;
  while (!probe() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return probe();
}

/**
 * The CLI shows a failure twice: on its failed step's line (✗ …) and again as the final "Error: …". This
 * filter lets the final error's first line through and folds the lines it repeats.
 */
function repeatFolder() {
  let block;
  let skipping = false;
  return (line) => {
    const text = line.trim();
    if (text.startsWith('✗ ')) {
      block = new Set();
      return true;
    }
    if (block && text.startsWith('Error: ')) {
      skipping = true;
      return true;
    }
    if (skipping && block?.has(line)) {
      folded.repeats++;
      return false;
    }
    skipping = false;
    block?.add(line);
    return true;
  };
}
const folded = { repeats: 0 };
const runFolds = {};
/** Called with each infra run line while a phase waits for one (the pause announcement). */
let onInfraLine;

const started = Date.now();
const daemon = await dockerFor(flags.builder);
const sandbox = await startSandbox({
  builder: flags.builder,
  builderEnv: daemon?.env,
  ecsTickMs: 150,
  queuedMs: 300,
  onRunLine: (run, line) => {
    runFolds[run.id] ??= repeatFolder();
    if (runFolds[run.id](line)) console.log(dim(`  infra │ run ${run.runNumber} │ ${line}`));
    onInfraLine?.(line);
  },
});
const { aws, github } = sandbox;

// The application: a copy of examples/hello-app in its own git repository, so the version is its commit.
const app = path.join(sandbox.work, APP);
cpSync(path.join(root, 'examples/hello-app'), app, { recursive: true });
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], { cwd: app })
    .toString()
    .trim();

/** `hosting deploy --json`: its progress lines shown as they come (the builder's own output folded). */
async function deploy(application = APP, cwd = app) {
  console.log(bold(`$ hosting deploy --app ${application} --env ${ENV} --infra-repo acme/infra --json`));
  let buildLines = 0;
  folded.repeats = 0;
  const show = repeatFolder();
  const run = application === APP ? sandbox.deploy : sandbox.deployShop;
  const result = await run(['--json'], {
    cwd,
    onStderrLine: (line) => {
      if (/^ {2}│ /.test(line)) buildLines++;
      else if (show(line)) console.log(`  app   │ ${line}`);
    },
  });
  const notes = [`${buildLines} lines of ${flags.builder === 'auto' ? 'builder' : flags.builder} output`];
  if (folded.repeats > 0) notes.push(`${folded.repeats} repeated lines of the final error`);
  console.log(dim(`  (folded: ${notes.join(', ')})`));
  return result;
}

function showState(label) {
  const now = sandbox.running();
  const labels = aws.aws.ssm.labels(PARAMETER);
  console.log(`  ${label}`);
  console.log(`    ECS ${CLUSTER}/${APP}  ${now.taskDefinition}, ${now.runningTasks} tasks running`);
  console.log(`      containers ${now.containers.join(', ')}; web image ${now.image}`);
  console.log(`    SSM ${PARAMETER}  label "deployed" on version ${labels.deployed ?? '(none)'}`);
  return { ...now, deployed: labels.deployed };
}

/**
 * Promote staging's image to production, whose service deploys blue/green and pauses before production
 * traffic moves: when the infra run announces the pause, approve it with `hosting continue`.
 */
async function promoteWithApproval(staged) {
  heading(`Promote to ${PROD_ENV}: blue/green, paused for approval, resumed with hosting continue`);
  console.log(
    bold(`$ hosting promote --app ${APP} --from ${ENV} --to ${PROD_ENV} --infra-repo acme/infra --json`),
  );
  let approval;
  onInfraLine = (line) => {
    if (approval || !line.includes('Rollout paused for approval')) return;
    const command = /Resume it with: (hosting continue [^()]+?) \(/.exec(line)?.[1] ?? '';
    console.log(bold(`$ ${command}`));
    approval = sandbox.infraCli(command.split(' ').slice(1)).then((result) => {
      for (const l of result.stdout.trim().split('\n')) console.log(`  approver │ ${l}`);
      return result;
    });
  };
  const show = repeatFolder();
  const promoted = await sandbox.promote(['--json'], {
    onStderrLine: (line) => show(line) && console.log(`  app   │ ${line}`),
  });
  onInfraLine = undefined;
  const approved = await approval;
  heading(`What went out to ${PROD_ENV}`);
  check(
    approved?.code === 0,
    `hosting continue exited 0 (${approved?.stdout.includes('ContinueServiceDeployment CONTINUE') ? 'ContinueServiceDeployment CONTINUE' : 'no ECS call'})`,
  );
  check(promoted.code === 0, `hosting promote exited 0 (got ${promoted.code})`);
  const prod = sandbox.running(PROD_CLUSTER);
  check(
    prod.digest === staged.digest,
    `${PROD_CLUSTER}/${APP} runs ${prod.taskDefinition}, the digest staging runs`,
  );
  const labels = aws.aws.ssm.labels(PROD_PARAMETER);
  check(
    labels.deployed === Number(promoted.json?.['parameter-version']),
    `"deployed" moved to ${PROD_PARAMETER} version ${labels.deployed}`,
  );
  summary.push({
    what: `promotion to ${PROD_ENV}`,
    digest: promoted.json?.digest,
    parameterVersion: promoted.json?.['parameter-version'],
    outcome: `${prod.taskDefinition} running blue/green after the approval (${prod.runningTasks} tasks)`,
  });
}

/**
 * hello-shop, a web and a worker of one image with a database migration (the release task): a version whose
 * migration fails changes nothing and names why and where its logs are; the fixed version migrates, then
 * both services roll out together.
 */
async function multiService() {
  const dir = path.join(sandbox.work, SHOP);
  cpSync(path.join(root, 'examples/hello-app'), dir, { recursive: true });
  const shopGit = (...args) =>
    execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], { cwd: dir })
      .toString()
      .trim();
  const dockerfile = path.join(dir, 'Dockerfile');
  const fixed = readFileSync(dockerfile, 'utf8');
  writeFileSync(
    dockerfile,
    `${fixed}# bin/migrate of this version fails: the sandbox's ECS makes this image's one-off tasks exit 3\nLABEL ${EXIT_CODE_LABEL}=3\n`,
  );
  shopGit('init', '-q', '-b', 'main');
  shopGit('remote', 'add', 'origin', 'https://github.com/acme/hello-shop.git');
  shopGit('add', '.');
  shopGit('commit', '-qm', 'hello-shop with a migration that fails');
  heading(`${SHOP}: a web and a worker, one image; its migration fails: nothing changes`);
  const before = sandbox.shop();
  const updates = () =>
    aws.aws
      .calls('UpdateService', 'ecs')
      .filter((c) => Object.values(SHOP_SERVICES).includes(c.params?.service)).length;
  const failed = await deploy(SHOP, dir);
  check(failed.code === 1, `hosting deploy exited 1 (got ${failed.code})`);
  check(failed.stderr.includes('exited with code 3'), "it names the migration's exit code 3");
  const logs = `CloudWatch Logs group /ecs/${SHOP_SERVICES.web}`;
  check(failed.stderr.includes(logs), `and where its logs are (${logs}, its stream)`);
  const after = sandbox.shop();
  check(
    after.web.taskDefinition === before.web.taskDefinition &&
      after.worker.taskDefinition === before.worker.taskDefinition &&
      updates() === 0,
    `no service changed: web on ${after.web.taskDefinition}, worker on ${after.worker.taskDefinition}, no UpdateService`,
  );
  const unmoved = aws.aws.ssm.labels(SHOP_PARAMETER).deployed;
  check(unmoved === 1, `"deployed" stayed on version ${unmoved}`);

  heading(`${SHOP}: the migration fixed; it runs, then the web and the worker roll out together`);
  writeFileSync(dockerfile, fixed);
  shopGit('commit', '-qam', 'fix the migration');
  const good = await deploy(SHOP, dir);
  check(good.code === 0, `hosting deploy exited 0 (got ${good.code})`);
  const now = sandbox.shop();
  const digest = good.json?.digest;
  check(
    now.web.digest === digest && now.worker.digest === digest,
    `web runs ${now.web.taskDefinition}, worker ${now.worker.taskDefinition}: both pinned by ${short(digest)}`,
  );
  const tasks = aws.aws.ecs
    .standaloneTasks(CLUSTER)
    .filter((t) => t.taskDefinition.includes(SHOP_SERVICES.web));
  check(
    tasks.length === 2,
    `the migration ran twice in all (exit ${tasks.map((t) => t.containers[0]?.exitCode).join(', then ')})`,
  );
  const moved = aws.aws.ssm.labels(SHOP_PARAMETER).deployed;
  check(moved === Number(good.json?.['parameter-version']), `"deployed" moved to version ${moved}`);
  summary.push({
    what: `${SHOP} (web + worker)`,
    digest,
    parameterVersion: good.json?.['parameter-version'],
    outcome: `migration failed once (nothing changed), then web ${now.web.taskDefinition} and worker ${now.worker.taskDefinition}`,
  });
}

const summary = [];
let exitCode = 1;
try {
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', 'https://github.com/acme/hello-app.git');
  git('add', '.');
  git('commit', '-qm', 'hello-app');
  const good = git('rev-parse', 'HEAD');

  heading('The sandbox');
  console.log(`  registry ${aws.registry.url}   AWS (ECR, SSM, ECS) ${aws.aws.url}   GitHub ${github.url}`);
  console.log(
    `  infra repository acme/infra: apps/${APP}.yaml, workflow deploy.yaml → step "${ROLLOUT_STEP}"`,
  );
  const before = showState(`before: ${APP} ${INITIAL_VERSION} runs in ${ENV}`);

  heading(
    `Deploy commit ${good.slice(0, 7)}: build, push, set version, dispatch; the infra run rolls out on ECS`,
  );
  const first = await deploy();
  const r = first.json ?? {};
  heading('What went out');
  check(first.code === 0, `hosting deploy exited 0 (got ${first.code})`);
  check(r.conclusion === 'success', `infra run ${r['run-id']} concluded success`);
  const after = showState('after:');
  const pinned = `${aws.registry.host}/${APP}@${r.digest}`;
  check(after.image === pinned, `the service runs ${after.taskDefinition}, pinned by digest: ${pinned}`);
  check(after.taskDefinition !== before.taskDefinition, `a new revision (was ${before.taskDefinition})`);
  const pulls = aws.aws.ecs.pulls.filter((p) => p.image === pinned && p.fetched && p.ok).length;
  check(pulls >= 2, `ECS tasks pulled the image from the registry (${pulls} pulls)`);
  check(after.deployed === Number(r['parameter-version']), `"deployed" moved to version ${after.deployed}`);
  summary.push({
    what: `commit ${good.slice(0, 7)}`,
    digest: r.digest,
    parameterVersion: r['parameter-version'],
    outcome: `${after.taskDefinition} running (${after.runningTasks} tasks)`,
  });

  await promoteWithApproval(r);

  heading('A crashing commit: its tasks exit, the circuit breaker rolls back, the infra run fails');
  appendFileSync(
    path.join(app, 'Dockerfile'),
    `# the sandbox's ECS stops tasks of images with this label\nLABEL ${CRASH_LABEL}=true\n`,
  );
  git('commit', '-qam', 'a change that crashes on start');
  const bad = git('rev-parse', 'HEAD');
  const second = await deploy();
  heading('What the app side reported');
  check(second.code === 1, `hosting deploy exited 1 (got ${second.code})`);
  check(second.stderr.includes(`at step "${ROLLOUT_STEP}"`), `it names the failed step "${ROLLOUT_STEP}"`);
  const reason = 'Essential container in task exited';
  check(second.stderr.includes(reason), `it shows the stopped tasks' reason: "${reason}"`);
  const crashImage = `${aws.registry.host}/${APP}@${second.json?.digest}`;
  const crashPulls = aws.aws.ecs.pulls.filter((p) => p.image === crashImage && p.ok).length;
  check(crashPulls >= 3, `ECS pulled and started the crashing image ${crashPulls} times before giving up`);
  await eventually(() => sandbox.running().taskDefinition === after.taskDefinition);
  const back = showState('after:');
  check(back.taskDefinition === after.taskDefinition, `the service is back on ${after.taskDefinition}`);
  check(back.deployed === after.deployed, `"deployed" stayed on version ${after.deployed}`);
  const crashed = aws.aws.ecs.findTaskDefinition(APP);
  summary.push({
    what: `commit ${bad.slice(0, 7)}`,
    digest: second.json?.digest,
    parameterVersion: second.json?.['parameter-version'],
    outcome: `${crashed?.family}:${crashed?.revision} rolled back by the circuit breaker to ${back.taskDefinition}`,
  });
  summary.parameter = aws.aws.ssm.parameters.get(PARAMETER)?.at(-1);
  summary.deployed = back.deployed;
  await multiService();
  exitCode = 0;
} catch (error) {
  console.error(`\nDemo failed: ${error instanceof DemoFailure ? error.message : (error?.stack ?? error)}`);
} finally {
  await sandbox.stop().catch((e) => {
    console.error(`Stopping the sandbox: ${e.message}`);
    exitCode = 1;
  });
  await daemon?.stop();
}

if (summary.length > 0) {
  heading('Summary');
  console.log(`  image ${aws.registry.host}/${APP}, ECS ${CLUSTER}/${APP}, parameter ${PARAMETER}`);
  for (const s of summary) {
    console.log(`  ${s.what}  digest ${short(s.digest)}  parameter version ${s.parameterVersion}`);
    console.log(`    → ${s.outcome}`);
  }
  if (summary.parameter) {
    const { Value, Version } = summary.parameter;
    console.log(
      `  parameter = ${Value.slice(0, 7)} (version ${Version}); "deployed" on version ${summary.deployed}`,
    );
  }
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(exitCode === 0 ? bold(`\nDemo complete (${seconds} s).`) : `\nDemo failed after ${seconds} s.`);
process.exit(exitCode);
