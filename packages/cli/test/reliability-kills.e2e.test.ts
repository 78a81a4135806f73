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
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsPeers,
  type FaultProxy,
  type GitHubPeer,
  type ProxyRequest,
  pushTestImage,
  startAwsPeers,
  startFaultProxy,
  startGitHubPeer,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../dist/hosting.cjs');

let aws: AwsPeers;
let github: GitHubPeer;
let work: string;

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

interface Exit {
  code: number;
  stdout: string;
  stderr: string;
}

/** A running bin: its exit, and the time something matched its output. */
function start(args: string[], env: Record<string, string>, cwd: string) {
  const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let tookOverAt = 0;
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
    if (!tookOverAt && stderr.includes('took over the lock')) tookOverAt = Date.now();
  });
  const exit = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : -1), stdout, stderr })),
  );
  return { child, exit, tookOverAt: () => tookOverAt };
}

const param = (app: string) => `/shared-hosting/${app}/staging/version`;
const lockOf = (app: string) => `/shared-hosting/${app}/staging/lock`;
const versionOf = (app: string) => aws.aws.ssm.parameters.get(param(app))?.at(-1)?.Value;

async function waitUntil(done: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A fresh application (v1 deployed; images v1, v2, v3), its own proxies and HOME. */
async function fixture(name: string) {
  aws.createRepository(name);
  for (const tag of ['v1', 'v2', 'v3'])
    await pushTestImage(aws.registry, name, tag, { content: `${name} ${tag}` });
  aws.aws.ssm.seed(param(name), 'v1');
  const [awsProxy, ghProxy] = await Promise.all([
    startFaultProxy(aws.env.AWS_ENDPOINT_URL),
    startFaultProxy(github.url),
  ]);
  const home = mkdtempSync(path.join(work, `${name}-home-`));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    ...aws.env,
    AWS_ENDPOINT_URL: awsProxy.url,
    GITHUB_API_URL: ghProxy.url,
    GITHUB_TOKEN: github.token,
    HOSTING_BUILDER: 'buildah',
  };
  return { name, awsProxy, ghProxy, home, env };
}

const deployArgs = (app: string, version: string) => [
  'deploy',
  ...['--app', app, '--env', 'staging', '--infra-repo', 'owner/infra', '--version', version, '--json'],
];

interface Outcome {
  first: Exit;
  second: Exit;
  /** From the kill to the second deploy taking the lock over (0: it did not). */
  takeoverMs: number;
  afterFirst: { value: string | undefined; lock: boolean };
  home: string;
}

/** Deploy v2, stop it with `signal` while the point's request is held, then deploy v3. */
async function killThenDeploy(point: Point, signal: 'SIGKILL' | 'SIGTERM'): Promise<Outcome> {
  const f = await fixture(`${signal === 'SIGKILL' ? 'k9' : 'term'}-${point.step}`);
  const proxy: FaultProxy = point.side === 'aws' ? f.awsProxy : f.ghProxy;
  proxy.inject({ match: point.match, fault: signal === 'SIGKILL' ? 'hang' : { delayMs: 1500 }, times: 1 });
  const cwd = mkdtempSync(path.join(work, `${f.name}-app-`));
  writeFileSync(path.join(cwd, 'Dockerfile'), 'FROM scratch\n');
  const first = start(deployArgs(f.name, 'v2'), { ...f.env, USER: 'first-deployer' }, cwd);
  await waitUntil(() => proxy.seen.some((s) => s.fault !== undefined), 30_000, `${point.step} request`);
  first.child.kill(signal);
  const killedAt = Date.now();
  const firstExit = await first.exit;
  const afterFirst = {
    value: versionOf(f.name),
    lock: aws.aws.ssm.parameters.get(lockOf(f.name)) !== undefined,
  };
  const second = start(deployArgs(f.name, 'v3'), { ...f.env, USER: 'second-deployer' }, cwd);
  const secondExit = await second.exit;
  await Promise.all([f.awsProxy.stop(), f.ghProxy.stop()]);
  const takeoverMs = second.tookOverAt() ? second.tookOverAt() - killedAt : 0;
  return { first: firstExit, second: secondExit, takeoverMs, afterFirst, home: f.home };
}

function expectNoSecret(...exits: Exit[]): void {
  for (const e of exits)
    for (const secret of [github.token, aws.env.AWS_SECRET_ACCESS_KEY, aws.registry.password])
      expect(e.stdout + e.stderr).not.toContain(secret);
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
  expect(aws.aws.ssm.parameters.get(lockOf(app))).toBeUndefined();
  // No registry credentials left in HOME (the auth file is temporary), by either run.
  expect(readdirSync(o.home).filter((f) => f.startsWith('.') && f !== '.cache')).toEqual([]);
  expectNoSecret(o.first, o.second);
}

const outcomes = new Map<string, Promise<Outcome>>();
const key = (point: Point, signal: string) => `${signal} ${point.step}`;

beforeAll(async () => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: build the CLI first (pnpm --filter @shared-hosting/cli build)`);
  work = mkdtempSync(path.join(tmpdir(), 'hosting-kills-'));
  aws = await startAwsPeers();
  github = await startGitHubPeer({ owner: 'owner', repo: 'infra', defaultRun: { queuedMs: 200 } });
  // Every case at once: they share only the test servers.
  for (const point of POINTS) {
    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      const outcome = killThenDeploy(point, signal);
      outcome.catch(() => {}); // awaited by its test
      outcomes.set(key(point, signal), outcome);
    }
  }
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(outcomes.values());
  await github?.stop();
  await aws?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
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
