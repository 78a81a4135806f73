/**
 * Interrupts with real signals: the BUILT `hosting` bin, spawned, against the testkit peers.
 * Run `pnpm turbo run build --filter=@shared-hosting/cli` first.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsPeers,
  type GitHubPeer,
  pushTestImage,
  startAwsPeers,
  startGitHubPeer,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../dist/hosting.cjs');
const PARAM = '/shared-hosting/hello-app/staging/version';
const LOCK = '/shared-hosting/hello-app/staging/lock';
const DEPLOY = ['deploy', '--app', 'hello-app', '--env', 'staging', '--infra-repo', 'owner/infra'];
const INPUTS = { application: 'hello-app', environment: 'staging' };

let aws: AwsPeers;
let github: GitHubPeer;
let work: string;
let app: string;

/** Spawn `hosting`; `out()`/`err()` so far, `done` the exit. */
function spawnHosting(args: string[]) {
  const child: ChildProcess = spawn(process.execPath, [bin, ...args], {
    cwd: app,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: work,
      ...aws.env,
      GITHUB_API_URL: github.url,
      GITHUB_TOKEN: github.token,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => {
    stdout += d;
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, done, out: () => stdout };
}

/**
 * Someone else's run of the environment, queued until `release()`, then leaving the queue 300 ms later: it
 * holds the deploy at the lock for as long as the test needs (a fixed queue time let a slow preflight on a
 * busy machine find it already ended).
 */
function holdingRun() {
  const run = github.scenario.dispatchAs('colleague', { inputs: INPUTS, plan: { queuedMs: 3_600_000 } });
  return {
    release: () => {
      run.plan = { ...run.plan, queuedMs: Date.now() - run.createdAt + 300 };
    },
  };
}

const value = () => aws.aws.ssm.parameters.get(PARAM)?.at(-1)?.Value;
const cancels = () => github.stats.byOperation['actions/cancel-workflow-run'] ?? 0;

beforeAll(async () => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: build the CLI first (pnpm --filter @shared-hosting/cli build)`);
  work = mkdtempSync(path.join(tmpdir(), 'hosting-interrupts-'));
  app = path.join(work, 'app');
  mkdirSync(app);
  writeFileSync(path.join(app, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  writeFileSync(path.join(app, 'hello.txt'), 'hello\n');
  aws = await startAwsPeers();
  github = await startGitHubPeer({ owner: 'owner', repo: 'infra' });
  aws.createRepository('hello-app');
  for (const version of ['w1', 'w2', 'w3']) {
    await pushTestImage(aws.registry, 'hello-app', version, { content: `hello ${version}` });
  }
  const first = spawnHosting([...DEPLOY, '--version', 'w1']);
  const r = await first.done;
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await github?.stop();
  await aws?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('Ctrl-C during a release (built bin, real signals)', () => {
  it('during the version write: the new value is triggered (or the old one restored), said with a fix line', async () => {
    // Someone's run holds the deploy after it took the lock; then its version write is slowed down.
    const colleague = holdingRun();
    const dispatches = github.stats.dispatches.length;
    const cancelsBefore = cancels();
    const deploy = spawnHosting([...DEPLOY, '--version', 'w2']);
    await vi.waitFor(() => expect(deploy.out()).toContain('waiting for run'), { timeout: 15_000 });
    expect(aws.aws.ssm.parameters.has(LOCK)).toBe(true);
    // The next PutParameter is the version write: answered after 2 s (throttled, then retried).
    aws.aws.inject({ operation: 'PutParameter', errorType: 'ThrottlingException', delayMs: 2000 });
    colleague.release();
    await vi.waitFor(() => expect(deploy.out()).toContain(`\n  ${PARAM}: w1 → w2\n`), { timeout: 15_000 });
    deploy.child.kill('SIGINT');
    const r = await deploy.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stderr).toContain('Received SIGINT: stopping at the next safe point');
    expect(r.stderr).toMatch(/^Fix: /m);
    if (value() === 'w2') {
      // Finished: the write and the trigger, and the run is left to deploy it (not cancelled).
      expect(r.stderr).toContain('the write and the trigger were finished');
      expect(github.stats.dispatches.length).toBe(dispatches + 1);
      expect(cancels()).toBe(cancelsBefore);
    } else {
      expect(value()).toBe('w1');
      expect(r.stderr).toContain('restored to w1');
    }
    expect(aws.aws.ssm.parameters.has(LOCK)).toBe(false);
  }, 60_000);

  it('a second Ctrl-C quits at once and says what state it left, with the fix', async () => {
    const colleague = holdingRun();
    const before = value();
    const deploy = spawnHosting([...DEPLOY, '--version', 'w3']);
    await vi.waitFor(() => expect(deploy.out()).toContain('waiting for run'), { timeout: 15_000 });
    // The version write hangs for 20 s: the process is killed long before it is answered.
    aws.aws.inject({ operation: 'PutParameter', errorType: 'ThrottlingException', delayMs: 20_000 });
    colleague.release();
    await vi.waitFor(() => expect(deploy.out()).toContain(`\n  ${PARAM}: ${before} → w3\n`), {
      timeout: 15_000,
    });
    let stderr = '';
    deploy.child.stderr?.on('data', (d) => {
      stderr += d;
    });
    deploy.child.kill('SIGINT');
    await vi.waitFor(() => expect(stderr).toContain('Received SIGINT'));
    deploy.child.kill('SIGINT');
    const r = await deploy.done;
    expect(r.code).toBe(130);
    expect(r.stderr).toContain('Received SIGINT again: quitting at once.');
    expect(r.stderr).toContain(
      `Quit while ${PARAM} was being set to w3: it may hold it with nothing deploying it.`,
    );
    expect(r.stderr).toContain('Fix: check hosting status; deploy again, or go back with hosting rollback.');
    expect(r.stderr).toContain(
      `The lock ${LOCK} is still held; its lease lapses within 60 s and the next deployment takes it over. To remove it now: hosting unlock --app hello-app --env staging.`,
    );
    expect(aws.aws.ssm.parameters.has(LOCK)).toBe(true);
    const unlock = spawnHosting(['unlock', '--app', 'hello-app', '--env', 'staging', '--force']);
    const u = await unlock.done;
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toContain('Removed the lock of hello-app/staging');
    expect(aws.aws.ssm.parameters.has(LOCK)).toBe(false);
    aws.aws.clearInjections();
  }, 60_000);

  it('while waiting for someone else’s run: not ours, untouched, nothing changed', async () => {
    // Last in this file: that run stays in progress afterwards.
    const other = github.scenario.dispatchAs('colleague', { inputs: INPUTS, plan: { queuedMs: 60_000 } });
    const before = value();
    const cancelsBefore = cancels();
    const deploy = spawnHosting([...DEPLOY, '--version', 'w3']);
    await vi.waitFor(() => expect(deploy.out()).toContain(`waiting for run ${other.id}`), {
      timeout: 15_000,
    });
    deploy.child.kill('SIGINT');
    const r = await deploy.done;
    expect(r.code, r.stdout + r.stderr).toBe(130);
    expect(r.stderr).toContain(`Interrupted while waiting for run ${other.id}`);
    expect(r.stderr).toContain('another deployment started (not this command): it keeps running');
    expect(r.stderr).not.toContain('cancel-on-interrupt');
    expect(r.stderr).toMatch(/^Fix: /m);
    expect(cancels()).toBe(cancelsBefore);
    expect(github.infra.state(other.id)?.status).not.toBe('completed');
    expect(value()).toBe(before);
    expect(aws.aws.ssm.parameters.has(LOCK)).toBe(false);
  }, 60_000);
});
