/**
 * End to end: the BUILT `hosting` bin, spawned as a user would, against the testkit peers — a real
 * docker-registry behind the AWS (ECR/SSM) test server, the GitHub test server — building with buildah.
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appCheckout, deployArgs, param, registryTags } from './kit/app.js';
import { requireBuiltBin, runBin, startBin } from './kit/bin.js';
import { expectNoSecret } from './kit/expect.js';
import { type Env, type Peers, startPeers } from './kit/peers.js';

const PARAM = param('hello-app', 'staging');
/** `hosting deploy` of the test app to staging; tests append their own flags. */
const DEPLOY = deployArgs('hello-app', 'staging');

let peers: Peers;
let app: string;
let sha: string;

/** The bin from the app's checkout: the peers, buildah on a private storage, HOME in the work dir. */
const run = (args: string[], extra: Env = {}) => runBin(args, { cwd: app, env: peers.env(extra) });
const tags = (repository: string) => registryTags(peers.aws, repository);

/**
 * A stand-in `buildah` (in `<dir>/bin`, put first on PATH) that records its pid and the `--authfile` it
 * was given, then waits until it is killed. `started()` reads that record once the build has begun.
 */
function fakeBuilder(dir: string) {
  const bin = path.join(dir, 'bin');
  const record = path.join(dir, 'started');
  mkdirSync(bin, { recursive: true });
  const script = [
    '#!/bin/sh',
    'auth=""; prev=""',
    'for a in "$@"; do [ "$prev" = "--authfile" ] && auth="$a"; prev="$a"; done',
    `printf '%s %s\\n' "$$" "$auth" > '${record}.tmp' && mv '${record}.tmp' '${record}'`,
    'exec sleep 120',
    '',
  ].join('\n');
  writeFileSync(path.join(bin, 'buildah'), script, { mode: 0o755 });
  return {
    bin,
    started(): { pid: number; authFile: string } | undefined {
      if (!existsSync(record)) return undefined;
      const [pid, authFile] = readFileSync(record, 'utf8').trim().split(' ');
      return { pid: Number(pid), authFile: authFile ?? '' };
    },
  };
}

/** Start a deploy, wait until its infra run is dispatched, then send a signal; resolves with the exit. */
function interruptAfterDispatch(args: string[], signal: NodeJS.Signals) {
  let sent = false;
  return runBin(args, {
    cwd: app,
    env: peers.env(),
    onOutput: ({ stdout }, child) => {
      if (sent || !stdout.includes('infra run: ')) return;
      sent = true;
      setTimeout(() => child.kill(signal), 300);
    },
  });
}

beforeAll(async () => {
  requireBuiltBin();
  peers = await startPeers({ buildah: true });
  app = path.join(peers.work, 'app');
  sha = appCheckout(app, { commit: 'e2e' });
  peers.aws.createRepository('hello-app');
}, 60_000);

afterAll(async () => {
  await peers?.stop();
});

describe('hosting deploy (built bin, real peers)', () => {
  it('refuses bad input with exit 2 and no request to any peer', async () => {
    const awsBefore = peers.aws.aws.requests.length;
    const ghBefore = peers.github.stats.requests;
    const r = await run(deployArgs('Hello', 'staging'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--app "Hello" is not a valid application name');
    expect(peers.aws.aws.requests.length).toBe(awsBefore);
    expect(peers.github.stats.requests).toBe(ghBefore);
  });

  it('dry run shows the plan and changes nothing', async () => {
    const r = await run([...DEPLOY, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${peers.aws.registry.host}/hello-app:${sha}`);
    expect(r.stdout).toContain(`(not set) → ${sha}`);
    expect(await tags('hello-app')).toEqual([]);
    expect(peers.github.stats.dispatches).toHaveLength(0);
  });

  it('builds, pushes, sets the version, triggers and waits', async () => {
    const r = await run([...DEPLOY, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      image: `${peers.aws.registry.host}/hello-app:${sha}`,
      version: sha,
      'parameter-name': PARAM,
      'parameter-version': '1',
      conclusion: 'success',
      status: 'succeeded',
    });
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await tags('hello-app')).toEqual([sha]);
    expect(peers.github.stats.dispatches.at(-1)).toMatchObject({
      ref: 'main',
      inputs: { application: 'hello-app', environment: 'staging' },
    });
    expect(out['run-url']).toBe(peers.github.infra.runUrl(Number(out['run-id'])));
    expectNoSecret(peers, r);
    // The builder got credentials through a temporary auth file, never the user's docker config.
    expect(existsSync(path.join(peers.work, '.docker', 'config.json'))).toBe(false);
  });

  it('a second run of the same version skips build and push', async () => {
    const r = await run(DEPLOY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('already in the registry');
    expect(r.stdout).toMatch(/Build image skipped/);
    expect(await tags('hello-app')).toEqual([sha]);
  });

  it('without a GitHub token refuses before any side effect (exit 2); --no-trigger only sets the version, exit 0', async () => {
    const ghBefore = peers.github.stats.requests;
    const production = deployArgs('hello-app', 'production');
    const prodParam = param('hello-app', 'production');
    const awsBefore = peers.aws.aws.requests.length;
    const refused = await run([...production, '--version', 'v-no-token'], { GITHUB_TOKEN: '' });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('GITHUB_TOKEN');
    expect(refused.stderr).toContain('--no-trigger');
    expect(peers.aws.aws.requests.slice(awsBefore).filter((r) => r.operation === 'PutParameter')).toEqual([]);
    expect(await tags('hello-app')).not.toContain('v-no-token');
    expect(peers.aws.aws.ssm.parameters.get(prodParam)).toBeUndefined();

    const r = await run([...production, '--no-trigger', '--json'], { GITHUB_TOKEN: '' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: sha, 'parameter-name': prodParam, 'run-id': '', triggered: false });
    expect(peers.aws.aws.ssm.parameters.get(prodParam)?.at(-1)?.Value).toBe(sha);
    const text = await run([...production, '--no-trigger', '--version', sha], { GITHUB_TOKEN: '' });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Version set, not deployed');
    expect(peers.github.stats.requests).toBe(ghBefore);
  });

  it('exits 1 naming the failed job and step when the infra run fails', async () => {
    peers.github.scenario.nextRun({ conclusion: 'failure' });
    const r = await run([...DEPLOY, '--version', 'v-fail']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/job "deploy" failure at step "/);
    expect(r.stderr).toContain('last lines of its log');
    expect(r.stderr).toContain(peers.github.webUrl);
  });

  it('names a missing ECR repository and region, exit 3, before building', async () => {
    const r = await run(deployArgs('other-app', 'staging', '--version', 'v1'));
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('other-app');
    expect(r.stderr).toContain(peers.aws.region);
    expect(await tags('other-app')).toEqual([]);
  });

  it('Ctrl-C during the wait cancels the remote run and exits 130', async () => {
    peers.github.scenario.nextRun({ hold: true }); // queued for good: never released
    const cancelsBefore = peers.github.stats.byOperation['actions/cancel-workflow-run'] ?? 0;
    const r = await interruptAfterDispatch([...DEPLOY, '--version', sha], 'SIGINT');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('Interrupted');
    expect(peers.github.stats.byOperation['actions/cancel-workflow-run'] ?? 0).toBe(cancelsBefore + 1);
  });

  it('SIGTERM with --no-cancel-on-interrupt leaves the remote run going', async () => {
    peers.github.scenario.nextRun({ hold: true }); // queued for good: never released
    const cancelsBefore = peers.github.stats.byOperation['actions/cancel-workflow-run'] ?? 0;
    const r = await interruptAfterDispatch(
      [...DEPLOY, '--version', sha, '--no-cancel-on-interrupt'],
      'SIGTERM',
    );
    expect(r.code).toBe(130);
    expect(peers.github.stats.byOperation['actions/cancel-workflow-run'] ?? 0).toBe(cancelsBefore);
    const last = peers.github.infra.runs().at(-1);
    expect(last && peers.github.infra.state(last.id)?.status).not.toBe('completed');
  });

  it('a run killed (SIGKILL) while it holds registry credentials leaves them; the next run removes them', async () => {
    // The registry cache makes the build hold an auth file. A stand-in buildah holds the build (as a slow
    // one would) until the run is killed: the clean-up is under test, not buildah (the tests above build).
    peers.aws.createRepository('hello-app/build-cache');
    const temp = path.join(peers.work, 'tmp-kill');
    mkdirSync(temp);
    const authDirs = () => readdirSync(temp).filter((n) => n.startsWith('hosting-auth-'));
    const builder = fakeBuilder(path.join(peers.work, 'fake-buildah'));
    // To production: the staging run the SIGTERM test left going would hold the next run at the lock.
    const deploy = deployArgs('hello-app', 'production');
    const killed = startBin([...deploy, '--version', 'v-killed', '--no-wait'], {
      cwd: app,
      env: peers.env({ PATH: `${builder.bin}${path.delimiter}${process.env.PATH ?? ''}`, TMPDIR: temp }),
    });
    const held = await vi.waitFor(() => builder.started() ?? expect.fail('the build has not started'), {
      timeout: 30_000,
      interval: 20,
    });
    expect(path.dirname(path.dirname(held.authFile))).toBe(temp);
    expect(existsSync(held.authFile)).toBe(true);
    const left = authDirs();
    expect(left).toEqual([path.basename(path.dirname(held.authFile))]);
    killed.child.kill('SIGKILL');
    process.kill(held.pid, 'SIGKILL');
    await killed.exit;
    expect(authDirs()).toEqual(left);

    const next = await run([...deploy, '--version', 'v-after-kill', '--no-wait'], { TMPDIR: temp });
    expect(next.code, next.stderr).toBe(0);
    expect(authDirs()).toEqual([]);
  }, 90_000);

  it('prints help fast, with no SDK loaded and no warnings', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hosting');
    expect(r.stderr).toBe('');
  });
});
