/**
 * The reliability suite's long waits on the real clock (issue 24), the BUILT `hosting` bin against the testkit
 * peers: an AWS request that never answers (the 60 s call deadline), a GitHub dispatch that never answers (its
 * 60 s deadline), and kill -9 during the wait (the real 60 s lease before the next deploy takes the lock over).
 * What they check is the time they take, so they wait; they share nothing (each its own peers, fault proxies,
 * HOME and application) and run at the same time: the file costs the longest of them (~75 s), not their sum.
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appCheckout, application, deployArgs, lockOf, param, versionValue, waitUntil } from './kit/app.js';
import { requireBuiltBin, runBin, startBin } from './kit/bin.js';
import { expectNoSecret, expectNothingLeft } from './kit/expect.js';
import { type Peers, type ProxiedUser, startPeers } from './kit/peers.js';

beforeAll(() => requireBuiltBin());

/** Peers of the test's own, a user behind fault proxies of its own, and `name` deployed at v1 to staging. */
async function isolated(name: string, images?: string[]) {
  const peers = await startPeers({ github: { defaultRun: { queuedMs: 200 } } });
  const user = await peers.behindProxies(name);
  const cwd = path.join(peers.work, 'app');
  appCheckout(cwd);
  await application(peers.aws, name, 'staging', images);
  const stop = async () => {
    await user.stop();
    await peers.stop();
  };
  return { peers, user, cwd, stop };
}

/** Run `test` on isolated peers, stopping them after it whatever it did. */
async function withIsolated(
  name: string,
  images: string[] | undefined,
  test: (peers: Peers, user: ProxiedUser, cwd: string) => Promise<void>,
): Promise<void> {
  const { peers, user, cwd, stop } = await isolated(name, images);
  try {
    await test(peers, user, cwd);
  } finally {
    await stop();
  }
}

describe.concurrent('deadlines that hold, and the lease after kill -9 (all at once)', () => {
  it(
    'an AWS request that never answers ends the command within its deadline with exit 5',
    () =>
      withIsolated('hang-app', undefined, async (peers, user, cwd) => {
        user.proxy.aws.inject({ match: 'DescribeRepositories', fault: 'hang' });
        const r = await runBin(deployArgs('hang-app', 'staging', '--version', 'v2', '--dry-run'), {
          cwd,
          env: user.env(),
        });
        expect(r.code, r.stderr).toBe(5);
        // 60 s call deadline, 15 s per request, plus the process's start.
        expect(r.ms).toBeLessThan(75_000);
        expect(r.stderr).toContain('no answer');
        expect(versionValue(peers.aws, param('hang-app', 'staging'))).toBe('v1');
      }),
    90_000,
  );

  it(
    'a dispatch that never answers: retried within its deadline, then exit 5 naming GitHub, the version restored, within about a minute',
    () =>
      withIsolated('gh-hang-app', undefined, async (peers, user, cwd) => {
        const gh = user.proxy.github;
        gh.inject({ match: (r) => r.method === 'POST' && r.path.endsWith('/dispatches'), fault: 'hang' });
        const r = await runBin(deployArgs('gh-hang-app', 'staging', '--version', 'v2', '--json'), {
          cwd,
          env: user.env(),
        });
        expect(r.code, r.stderr).toBe(5);
        // 60 s for the dispatch (15 s per send, a search for its run between sends), plus the process and
        // the preflight: "within about a minute".
        expect(r.ms).toBeLessThan(90_000);
        console.log(
          `a GitHub dispatch that never answers: exit ${r.code} after ${(r.ms / 1000).toFixed(1)} s`,
        );
        expect(r.stderr).toMatch(/retrying the dispatch/);
        const out = JSON.parse(r.stdout);
        expect(out).toMatchObject({
          status: 'failed',
          triggered: false,
          recovery: { restored: true, value: 'v1' },
        });
        expect(out.error.message).toMatch(/^GitHub did not answer properly when trying to dispatch/);
        expect(out.error.message).toContain('was restored to v1');
        expect(gh.seen.filter((s) => s.fault === 'hang').length).toBeGreaterThanOrEqual(2);
        expect(versionValue(peers.aws, param('gh-hang-app', 'staging'))).toBe('v1');
        expectNothingLeft(peers, 'gh-hang-app', 'staging', user.home);
        expectNoSecret(peers, r);
      }),
    120_000,
  );

  it(
    'kill -9 during the wait: the next deploy takes the lock over within 75 s (the real 60 s lease), says whose it was, and deploys',
    () =>
      withIsolated('killed-app', ['v1', 'v2', 'v3'], async (peers, user, cwd) => {
        // The killed deploy's infra run takes 20 s: the next deploy waits for it too (no overlap).
        peers.github.scenario.nextRun({
          jobs: [{ name: 'deploy', steps: [{ name: 'Roll out', durationMs: 20_000 }] }],
        });
        const first = startBin(deployArgs('killed-app', 'staging', '--version', 'v2'), {
          cwd,
          env: user.env({ USER: 'first-deployer' }),
        });
        const printed = () => first.output().stdout + first.output().stderr;
        await waitUntil(() => /Wait for infra deployment/.test(printed()), 30_000, 'the wait');
        first.child.kill('SIGKILL');
        await first.exit;
        const killedAt = Date.now();
        expect(peers.aws.aws.ssm.parameters.get(lockOf('killed-app', 'staging'))).toBeDefined();

        let takenAt = 0;
        const r = await runBin(deployArgs('killed-app', 'staging', '--version', 'v3', '--json'), {
          cwd,
          env: user.env(),
          onOutput: ({ stderr }) => {
            if (!takenAt && stderr.includes('took over the lock')) takenAt = Date.now();
          },
        });
        expect(r.code, r.stderr).toBe(0);
        const seconds = (takenAt - killedAt) / 1000;
        expect(takenAt, r.stderr).toBeGreaterThan(0);
        expect(seconds).toBeLessThanOrEqual(75);
        console.log(`kill -9 to the next deploy taking the lock over: ${seconds.toFixed(1)} s`);
        expect(r.stderr).toMatch(/took over the lock of first-deployer \(deploy v2\).*its lease lapsed/);
        expect(JSON.parse(r.stdout)).toMatchObject({
          status: 'succeeded',
          version: 'v3',
          'previous-value': 'v2',
          conclusion: 'success',
        });
        expect(versionValue(peers.aws, param('killed-app', 'staging'))).toBe('v3');
        expectNothingLeft(peers, 'killed-app', 'staging', user.home);
        expectNoSecret(peers, r);
      }),
    150_000,
  );
});
