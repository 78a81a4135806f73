/**
 * Interrupts with real signals: the BUILT `hosting` bin, spawned, against the testkit peers.
 * Run `pnpm turbo run build --filter=@shared-hosting/cli` first.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appCheckout, deployArgs, lockOf, param, pushImages } from './kit/app.js';
import { requireBuiltBin, startBin } from './kit/bin.js';
import { type Peers, startPeers } from './kit/peers.js';

const PARAM = param('hello-app', 'staging');
const LOCK = lockOf('hello-app', 'staging');
const DEPLOY = deployArgs('hello-app', 'staging');
const INPUTS = { application: 'hello-app', environment: 'staging' };

let peers: Peers;
let app: string;

/** Start `hosting`; `out()` is its stdout so far, `done` the exit. */
function spawnHosting(args: string[]) {
  const running = startBin(args, { cwd: app, env: peers.env() });
  return { child: running.child, done: running.exit, out: () => running.output().stdout };
}

/**
 * Someone else's run of the environment, held in the queue until `release()`, then leaving it 300 ms later: it
 * holds the deploy at the lock for as long as the test needs (a fixed queue time let a slow preflight on a
 * busy machine find it already ended).
 */
function holdingRun() {
  const run = peers.github.scenario.dispatchAs('colleague', {
    inputs: INPUTS,
    plan: { hold: true, queuedMs: 300 },
  });
  return { release: () => peers.github.scenario.release(run.id) };
}

const value = () => peers.aws.aws.ssm.parameters.get(PARAM)?.at(-1)?.Value;
const cancels = () => peers.github.stats.byOperation['actions/cancel-workflow-run'] ?? 0;

beforeAll(async () => {
  requireBuiltBin();
  peers = await startPeers();
  app = path.join(peers.work, 'app');
  appCheckout(app);
  peers.aws.createRepository('hello-app');
  await pushImages(peers.aws, 'hello-app', ['w1', 'w2', 'w3']);
  const first = spawnHosting([...DEPLOY, '--version', 'w1']);
  const r = await first.done;
  expect(r.code, r.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await peers?.stop();
});

describe('Ctrl-C during a release (built bin, real signals)', () => {
  it('during the version write: the new value is triggered (or the old one restored), said with a fix line', async () => {
    // Someone's run holds the deploy after it took the lock; then its version write is slowed down.
    const colleague = holdingRun();
    const dispatches = peers.github.stats.dispatches.length;
    const cancelsBefore = cancels();
    const deploy = spawnHosting([...DEPLOY, '--version', 'w2']);
    await vi.waitFor(() => expect(deploy.out()).toContain('waiting for run'), { timeout: 15_000 });
    expect(peers.aws.aws.ssm.parameters.has(LOCK)).toBe(true);
    // The next PutParameter is the version write: answered after 2 s (throttled, then retried).
    peers.aws.aws.inject({ operation: 'PutParameter', errorType: 'ThrottlingException', delayMs: 2000 });
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
      expect(peers.github.stats.dispatches.length).toBe(dispatches + 1);
      expect(cancels()).toBe(cancelsBefore);
    } else {
      expect(value()).toBe('w1');
      expect(r.stderr).toContain('restored to w1');
    }
    expect(peers.aws.aws.ssm.parameters.has(LOCK)).toBe(false);
  }, 60_000);

  it('a second Ctrl-C quits at once and says what state it left, with the fix', async () => {
    const colleague = holdingRun();
    const before = value();
    const deploy = spawnHosting([...DEPLOY, '--version', 'w3']);
    await vi.waitFor(() => expect(deploy.out()).toContain('waiting for run'), { timeout: 15_000 });
    // The version write hangs for 20 s: the process is killed long before it is answered.
    peers.aws.aws.inject({ operation: 'PutParameter', errorType: 'ThrottlingException', delayMs: 20_000 });
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
    expect(peers.aws.aws.ssm.parameters.has(LOCK)).toBe(true);
    const unlock = spawnHosting(['unlock', '--app', 'hello-app', '--env', 'staging', '--force']);
    const u = await unlock.done;
    expect(u.code, u.stderr).toBe(0);
    expect(u.stdout).toContain('Removed the lock of hello-app/staging');
    expect(peers.aws.aws.ssm.parameters.has(LOCK)).toBe(false);
    peers.aws.aws.clearInjections();
  }, 60_000);

  it('while waiting for someone else’s run: not ours, untouched, nothing changed', async () => {
    // Last in this file: that run stays queued (never released) afterwards.
    const other = peers.github.scenario.dispatchAs('colleague', { inputs: INPUTS, plan: { hold: true } });
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
    expect(peers.github.infra.state(other.id)?.status).not.toBe('completed');
    expect(value()).toBe(before);
    expect(peers.aws.aws.ssm.parameters.has(LOCK)).toBe(false);
  }, 60_000);
});
