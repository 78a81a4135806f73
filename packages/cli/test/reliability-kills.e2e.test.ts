/**
 * Killed at each step, then deployed again (issue 24): the BUILT `hosting` bin, stopped while one request
 * of a step is in flight (a fault proxy holds it: `hang` for kill -9, so that it never reaches the server;
 * a short delay for SIGTERM, so that the step can finish as the interrupt path says), then a second deploy
 * of the same application and environment.
 * - kill -9: the killed holder's lock stays; the second deploy takes it over once its REAL 60 s lease has
 *   lapsed (no test-only lease), within 75 s of the kill, saying whose it was, and reports truthfully what
 *   it found (the previous value the killed one left).
 * - SIGTERM: exit 130, the lock released, and the version either triggered or restored, as said; the
 *   second deploy then needs no takeover.
 * Every case has its own application, proxies and HOME, and all of them run at once: the set costs about
 * one lease (~75 s), not one per step. The images are in the registry: no builder runs.
 * Run `pnpm --filter @shared-hosting/cli build` first.
 */
import path from 'node:path';
import type { ProxyRequest } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCheckout, application, deployArgs, lockOf, param, versionValue, waitUntil } from './kit/app.js';
import { type Exit, requireBuiltBin, startBin } from './kit/bin.js';
import { expectNoSecret, expectNothingLeft } from './kit/expect.js';
import { type Peers, startPeers } from './kit/peers.js';

let peers: Peers;

type Match = (r: ProxyRequest) => boolean;
const ssm =
  (operation: string, body: (b: Record<string, unknown>) => boolean): Match =>
  (r) =>
    String(r.headers['x-amz-target'] ?? '').endsWith(`.${operation}`) && body(JSON.parse(r.body));
const gh =
  (method: string, pathPattern: RegExp): Match =>
  (r) =>
    r.method === method && pathPattern.test(r.path);

/** One step: the request that holds it, and what a second deploy finds after each kind of kill. */
interface Point {
  step: string;
  side: 'aws' | 'github';
  match: Match;
  /** After kill -9: whether the killed one held the lock, and the value it left in the parameter. */
  kill: { lock: boolean; left: 'v1' | 'v2' };
  /** After SIGTERM: what the first one says it did, and the value it left. */
  term: { says: RegExp; left: 'v1' | 'v2' };
}

const POINTS: Point[] = [
  {
    step: 'preflight',
    side: 'aws',
    match: ssm('GetParameter', (b) => String(b.Name).endsWith('/version')),
    kill: { lock: false, left: 'v1' },
    term: { says: /Interrupted before [a-z ]+\. Nothing was changed\./, left: 'v1' },
  },
  {
    step: 'lock',
    side: 'github',
    match: gh('GET', /\/actions\/workflows\/[^/]+\/runs\?/),
    kill: { lock: true, left: 'v1' },
    term: { says: /Interrupted before [a-z ]+\. Nothing was changed\./, left: 'v1' },
  },
  {
    step: 'set-version',
    side: 'aws',
    match: ssm('PutParameter', (b) => String(b.Name).endsWith('/version') && b.Value === 'v2'),
    kill: { lock: true, left: 'v1' },
    term: { says: /the write and the trigger were finished, so run \d+ deploys v2/, left: 'v2' },
  },
  {
    step: 'trigger',
    side: 'github',
    match: gh('POST', /\/dispatches$/),
    // The limit of kill -9: v2 was written and nothing dispatched; the next deploy replaces it.
    kill: { lock: true, left: 'v2' },
    term: { says: /the write and the trigger were finished, so run \d+ deploys v2/, left: 'v2' },
  },
  {
    step: 'wait',
    side: 'github',
    match: gh('GET', /\/actions\/runs\/\d+(\?|$)/),
    kill: { lock: true, left: 'v2' },
    term: { says: /was cancelled.*restored to v1/s, left: 'v1' },
  },
];

/** A running bin: its exit, and the time it said it took the lock over (0: it did not). */
function start(args: string[], env: Record<string, string>, cwd: string) {
  let tookOverAt = 0;
  const running = startBin(args, {
    cwd,
    env,
    onOutput: ({ stderr }) => {
      if (!tookOverAt && stderr.includes('took over the lock')) tookOverAt = Date.now();
    },
  });
  return { ...running, tookOverAt: () => tookOverAt };
}

const versionOf = (app: string) => versionValue(peers.aws, param(app, 'staging'));
const deploy = (app: string, version: string) => deployArgs(app, 'staging', '--version', version, '--json');

interface Outcome {
  first: Exit;
  second: Exit;
  /** From the kill to the second deploy taking the lock over (0: it did not). */
  takeoverMs: number;
  afterFirst: { value: string | undefined; lock: boolean };
  home: string;
}

/** One case: a fresh application (v1 deployed; images v1, v2, v3), its own proxies, HOME and checkout. */
async function prepare(point: Point, signal: 'SIGKILL' | 'SIGTERM') {
  const name = `${signal === 'SIGKILL' ? 'k9' : 'term'}-${point.step}`;
  await application(peers.aws, name, 'staging', ['v1', 'v2', 'v3']);
  const user = await peers.behindProxies(name);
  const cwd = path.join(user.home, 'app');
  appCheckout(cwd);
  return { point, signal, name, user, cwd };
}

/** Deploy v2, stop it with `signal` while the point's request is held, then deploy v3. */
async function killThenDeploy(c: Awaited<ReturnType<typeof prepare>>): Promise<Outcome> {
  const { point, signal, name, user, cwd } = c;
  const proxy = user.proxy[point.side];
  proxy.inject({ match: point.match, fault: signal === 'SIGKILL' ? 'hang' : { delayMs: 1500 }, times: 1 });
  const first = start(deploy(name, 'v2'), user.env({ USER: 'first-deployer' }), cwd);
  // Ten deploys start at once: on a loaded 2-core machine reaching the point takes a while. The wait ends when
  // the request is held, or fails at once (below) when the deploy ended before it; the bound is the hook's.
  const held = () => proxy.seen.some((s) => s.fault !== undefined);
  await waitUntil(() => held() || first.child.exitCode !== null, 100_000, `${point.step} request`).catch(
    (error: Error) => {
      first.child.kill('SIGKILL');
      const { stdout, stderr } = first.output();
      throw new Error(`${error.message}; the deploy printed:\n${stdout}${stderr}`);
    },
  );
  if (!held()) {
    const { stdout, stderr } = first.output();
    throw new Error(
      `the deploy ended (exit ${first.child.exitCode}) before its ${point.step} request:\n${stdout}${stderr}`,
    );
  }
  first.child.kill(signal);
  const killedAt = Date.now();
  const firstExit = await first.exit;
  const afterFirst = {
    value: versionOf(name),
    lock: peers.aws.aws.ssm.parameters.get(lockOf(name, 'staging')) !== undefined,
  };
  const second = start(deploy(name, 'v3'), user.env({ USER: 'second-deployer' }), cwd);
  const secondExit = await second.exit;
  await user.stop();
  const takeoverMs = second.tookOverAt() ? second.tookOverAt() - killedAt : 0;
  return { first: firstExit, second: secondExit, takeoverMs, afterFirst, home: user.home };
}

/** The second deploy went through, reporting what it found, and left nothing behind. */
function expectSecondDeployed(o: Outcome, app: string, previous: 'v1' | 'v2'): void {
  expect(o.second.code, o.second.stderr).toBe(0);
  expect(JSON.parse(o.second.stdout)).toMatchObject({
    status: 'succeeded',
    version: 'v3',
    'previous-value': previous,
    conclusion: 'success',
  });
  expect(versionOf(app)).toBe('v3');
  // No lock, and no registry credentials left in HOME (the auth file is temporary), by either run.
  expectNothingLeft(peers, app, 'staging', o.home);
  expectNoSecret(peers, o.first, o.second);
}

const outcomes = new Map<string, Promise<Outcome>>();
const key = (point: Point, signal: string) => `${signal} ${point.step}`;

beforeAll(async () => {
  requireBuiltBin();
  peers = await startPeers({ github: { defaultRun: { queuedMs: 200 } } });
  // Every case prepared first (its images pushed: the test servers then only serve the deploys), then all
  // of them at once: they share only the test servers.
  const cases = await Promise.all(
    POINTS.flatMap((point) => (['SIGKILL', 'SIGTERM'] as const).map((signal) => prepare(point, signal))),
  );
  for (const c of cases) {
    const outcome = killThenDeploy(c);
    outcome.catch(() => {}); // awaited by its test
    outcomes.set(key(c.point, c.signal), outcome);
  }
}, 120_000);

afterAll(async () => {
  await Promise.allSettled(outcomes.values());
  await peers?.stop();
});

describe('kill -9 at each step, then a second deploy', () => {
  for (const point of POINTS) {
    it(`at ${point.step}: ${point.kill.lock ? 'the lock is taken over once its lease lapsed, saying whose' : 'nothing was held'}; the next deploy reports what it found`, async () => {
      const o = (await outcomes.get(key(point, 'SIGKILL'))) as Outcome;
      const app = `k9-${point.step}`;
      expect(o.afterFirst).toEqual({ value: point.kill.left, lock: point.kill.lock });
      expectSecondDeployed(o, app, point.kill.left);
      if (point.kill.lock) {
        expect(o.second.stderr).toMatch(
          /took over the lock of first-deployer \(deploy v2\).*its lease lapsed/,
        );
        expect(o.takeoverMs, 'from the kill to the takeover').toBeGreaterThan(0);
        expect(o.takeoverMs, 'from the kill to the takeover').toBeLessThanOrEqual(75_000);
        console.log(
          `kill -9 at ${point.step}: lock taken over ${(o.takeoverMs / 1000).toFixed(1)} s after the kill`,
        );
      } else {
        expect(o.second.stderr).not.toContain('took over');
      }
    }, 150_000);
  }
});

describe('SIGTERM at each step, then a second deploy', () => {
  for (const point of POINTS) {
    it(`at ${point.step}: exit 130, the lock released, ${point.term.left === 'v2' ? 'v2 triggered' : 'v1 left or restored'}, as said`, async () => {
      const o = (await outcomes.get(key(point, 'SIGTERM'))) as Outcome;
      const app = `term-${point.step}`;
      expect(o.first.code, o.first.stderr).toBe(130);
      expect(o.first.stdout + o.first.stderr).toMatch(point.term.says);
      expect(o.afterFirst).toEqual({ value: point.term.left, lock: false });
      expectSecondDeployed(o, app, point.term.left);
      expect(o.second.stderr).not.toContain('took over');
    }, 150_000);
  }
});
