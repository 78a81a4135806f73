/**
 * Deploys of one application and environment running at the same time, in process: the CLI's `run()`
 * with the real ports against the testkit peers (real registry behind the ECR/SSM server, the GitHub
 * server executing each infra run as the rollout does: read the parameter, deploy, move the `deployed`
 * label). Every report must be true: a deploy that exits 0 deployed what it names, in the run it names,
 * and the parameter ends on what runs.
 */
import path from 'node:path';
import { requireBuildah } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type InfraSide, infraSide } from './infra-side.js';
import { appCheckout, deployArgs, lockOf, param, pushImages } from './kit/app.js';
import { startInProcess } from './kit/in-process.js';
import { type Peers, startPeers } from './kit/peers.js';

const PARAM = param('hello-app', 'staging');
const LOCK = lockOf('hello-app', 'staging');
const DEPLOY = deployArgs('hello-app', 'staging', '--json');

let peers: Peers;
let infra: InfraSide;
let app: string;

/** Start `hosting` in process; `err()` is its progress so far (stderr with --json). */
function start(args: string[]) {
  const running = startInProcess(args, { cwd: app, env: peers.env({ USER: 'integration' }) });
  const done = running.done.then((r) => ({
    code: r.code,
    stderr: r.stderr,
    json: JSON.parse(r.stdout) as Record<string, unknown>,
  }));
  return { done, err: running.stderr };
}

const versions = () => peers.aws.aws.ssm.parameters.get(PARAM) ?? [];
const live = () => versions().find((v) => v.Labels.includes('deployed'));

/** The report of a deploy that waited is true: its run read exactly the version it says it wrote. */
function expectTrue(report: Record<string, unknown>) {
  const runId = Number(report['run-id']);
  expect(infra.readBy(runId), `run ${runId}`).toEqual({
    version: Number(report['parameter-version']),
    value: report.version,
  });
}

beforeAll(async () => {
  requireBuildah();
  peers = await startPeers({
    buildah: true,
    github: (aws) => {
      infra = infraSide(aws, PARAM);
      return { executor: infra.executor };
    },
  });
  app = path.join(peers.work, 'app');
  appCheckout(app);
  peers.aws.createRepository('hello-app');
  await pushImages(peers.aws, 'hello-app', ['c0', 'cb']);
}, 120_000);

afterAll(async () => {
  await peers?.stop();
});

describe('deploys running at the same time', () => {
  it('--no-wait c0, then cb and, while it waits, c0 again: every report is true', async () => {
    // c0's run stays in flight (queued 5 s) until cb waits for it, even on a loaded machine.
    peers.github.scenario.nextRun({ queuedMs: 5000 });
    const first = await start([...DEPLOY, '--version', 'c0', '--no-wait']).done;
    expect(first.code, first.stderr).toBe(0);
    const cb = start([...DEPLOY, '--version', 'cb']);
    // cb holds the lock and waits for the --no-wait deploy's run, which no lock covers any more.
    await vi.waitFor(() => expect(cb.err()).toContain('waiting for run'), { timeout: 10_000 });
    const again = start([...DEPLOY, '--version', 'c0']);
    const [b, c] = await Promise.all([cb.done, again.done]);
    expect(b.code, b.stderr).toBe(0);
    expect(c.code, c.stderr).toBe(0);
    expect(c.stderr).toContain('waited for the lock held by integration (deploy cb)');
    // Each one deployed what it names, in the run it names.
    await peers.github.infra.settled(Number(first.json['run-id']));
    expectTrue(first.json);
    expectTrue(b.json);
    expectTrue(c.json);
    expect(b.json).toMatchObject({ version: 'cb', 'previous-value': 'c0', verified: true });
    expect(c.json).toMatchObject({ version: 'c0', 'previous-value': 'cb', verified: true });
    expect(c.json.steps).toContainEqual(expect.objectContaining({ step: 'set-version', status: 'done' }));
    // The parameter ends on what runs, and no lock is left.
    expect(versions().at(-1)).toMatchObject({ Value: 'c0', Labels: ['deployed'] });
    expect(peers.aws.aws.ssm.parameters.has(LOCK)).toBe(false);
  }, 90_000);

  it('a slow --rollback-on-failure deploy racing a good one never undoes it', async () => {
    // Someone's run is in flight: the good deploy (cb) takes the lock and waits for it, so the slow one
    // reads the parameter (c0) in its preflight before cb is written.
    peers.github.scenario.dispatchAs('colleague', {
      inputs: { application: 'hello-app', environment: 'staging' },
      plan: { queuedMs: 6000, simulate: true },
    });
    peers.github.scenario.nextRun({}, { conclusion: 'failure', simulate: true });
    if (versions().at(-1)?.Value !== 'c0') peers.aws.aws.ssm.seed(PARAM, 'c0');
    const good = start([...DEPLOY, '--version', 'cb']);
    await vi.waitFor(() => expect(good.err()).toContain('waiting for run'), { timeout: 10_000 });
    const slow = start([...DEPLOY, '--version', 'slow-1', '--rollback-on-failure']);
    await vi.waitFor(() => expect(slow.err()).toMatch(/✓ Preflight checks.*c0 → slow-1/), {
      timeout: 10_000,
    });
    const [g, s] = await Promise.all([good.done, slow.done]);
    expect(g.code, g.stderr).toBe(0);
    // The slow one built, then waited for the lock, wrote over cb, failed, and restored cb (read under
    // the lock), not the c0 its preflight saw.
    expect(s.code, s.stderr).toBe(1);
    expect(s.json).toMatchObject({
      version: 'slow-1',
      'previous-value': 'cb',
      conclusion: 'failure',
      recovery: { restored: true, value: 'cb' },
    });
    expect(versions().at(-1)?.Value).toBe('cb');
    expect(live()?.Value).toBe('cb');
    expectTrue(g.json);
    expect(g.json).toMatchObject({ version: 'cb', verified: true });
    expect(peers.aws.aws.ssm.parameters.has(LOCK)).toBe(false);
  }, 120_000);

  it('status shows a held lock: who, since, expiry', async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const expires = new Date(Date.now() + 3_600_000).toISOString();
    const record = { id: 'x', holder: 'dave', operation: 'rollback', version: 'c0', since, expires };
    peers.aws.aws.ssm.seed(LOCK, JSON.stringify(record));
    try {
      const r = await start(['status', '--app', 'hello-app', '--env', 'staging', '--json']).done;
      expect(r.code, r.stderr).toBe(0);
      expect((r.json.environments as unknown[])[0]).toMatchObject({
        lock: { name: LOCK, holder: 'dave', operation: 'rollback', since, expires, expired: false },
        'deployed-label': { version: 'cb' },
      });
      const refused = await start(['unlock', '--app', 'hello-app', '--env', 'staging', '--json']).done;
      expect(refused.code).toBe(3);
      expect(refused.json).toMatchObject({ removed: false, error: { code: 'LOCK_HELD' } });
      const removed = await start(['unlock', '--app', 'hello-app', '--env', 'staging', '--force', '--json'])
        .done;
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.json).toMatchObject({ removed: true, lock: { holder: 'dave' } });
      expect(peers.aws.aws.ssm.parameters.has(LOCK)).toBe(false);
    } finally {
      peers.aws.aws.ssm.parameters.delete(LOCK);
    }
  });
});
