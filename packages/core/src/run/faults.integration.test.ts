/**
 * The fault matrix (issue 24): a whole deploy, in process, through the real AWS SDK and Octokit clients over
 * HTTP, with a fault-injecting proxy in front of the AWS test server and one in front of the GitHub test
 * server. For every step that makes requests (the preflight's reads, the lock's take, renewal and release,
 * the version write, the dispatch, finding the run, polling it, the restore) and every fault (5xx,
 * throttling or 429/403 with Retry-After, a request that never answers, a cut connection):
 * - once: retried, and the deploy succeeds;
 * - for good: the deploy ends with the error of the right kind naming the service (exit 5; 6 for a wait
 *   past <timeout>) within its deadline;
 * and in both: nothing left behind (the lock released or its leftover reported, the version restored or
 * what is left said), what is reported is what happened, and no secret appears in any event or the JSON result.
 * No image is built (the images are in the registry). Requests time out after 5 s and calls after 20 s (the
 * defaults are covered by the CLI's e2e tests): long enough that only a hang reaches them when the machine is
 * busy (with 1 s and 5 s, a loaded 2-core CI machine turned ordinary answers into timeouts); cases share nothing (each its own application, GitHub peer
 * and proxies) and run concurrently. The lock-renewal cases wait for the real 20 s heartbeat.
 */
import {
  type AwsPeers,
  type FaultProxy,
  type ProxyFault,
  type ProxyRequest,
  pushTestImage,
  startAwsPeers,
  startFaultProxy,
  startGitHubPeer,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsPorts } from '../aws/index.js';
import type { StepId } from '../domain/steps.js';
import type { ErrorKind } from '../errors/errors.js';
import { createGitHubWorkflows } from '../github/index.js';
import { parseDeployInputs } from '../inputs/inputs.js';
import { plan } from '../plan/deploy.js';
import { RecordingReporter } from '../ports/events.js';
import { systemClock } from '../ports/ports.js';
import { resultJson } from '../present.js';
import { withStepProgress } from '../real-ports.js';
import { ADAPTER_NAMES, INPUT_NAMES } from '../testing/names.js';
import { execute } from './deploy.js';

/** Per request and per call (see above). */
const REQUEST_TIMEOUT_MS = 5000;
const CALL_DEADLINE_MS = 20_000;

type Match = (request: ProxyRequest) => boolean;
type FaultName = '5xx' | 'throttled' | 'hang' | 'cut' | '429' | '403 Retry-After';

const AWS_FAULTS: Partial<Record<FaultName, ProxyFault>> = {
  '5xx': { status: 500, body: JSON.stringify({ __type: 'InternalServerError', message: 'injected' }) },
  throttled: {
    status: 400,
    body: JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }),
  },
  hang: 'hang',
  cut: 'cut',
};
const GITHUB_FAULTS: Partial<Record<FaultName, ProxyFault>> = {
  '5xx': { status: 502, body: JSON.stringify({ message: 'Bad Gateway' }) },
  '429': {
    status: 429,
    headers: { 'retry-after': '1' },
    body: JSON.stringify({ message: 'Too many requests' }),
  },
  '403 Retry-After': {
    status: 403,
    headers: { 'retry-after': '1' },
    body: JSON.stringify({ message: 'You have exceeded a secondary rate limit.' }),
  },
  hang: 'hang',
  cut: 'cut',
};
const AWS_ALL: FaultName[] = ['5xx', 'throttled', 'hang', 'cut'];
const GITHUB_ALL: FaultName[] = ['5xx', '429', '403 Retry-After', 'hang', 'cut'];

/** What a fault for good leaves. */
interface Permanent {
  status: 'failed' | 'succeeded';
  /** The step that failed, its error's kind and the service its message names. */
  step?: StepId;
  kind?: ErrorKind;
  service?: 'SSM' | 'ECR' | 'GitHub';
  /** The version parameter afterwards. */
  value: 'v1' | 'v2';
  /** `reported`: the lock is still there, and a warning says so with the command that removes it. */
  lock: 'released' | 'reported';
  recovery?: 'restored' | 'left';
  /** A warning that says what happened. */
  warning?: RegExp;
}

/** One step that makes requests: which requests, which faults, and what a fault for good leaves. */
interface Point {
  name: string;
  side: 'aws' | 'github';
  match: Match;
  faults: FaultName[];
  permanent: Permanent;
  /** GitHub without run ids in the dispatch's answer (GHES): the run is found in the run list. */
  ghes?: boolean;
  /** How long the infra run takes (the lock's renewal needs one longer than the 20 s heartbeat). */
  runMs?: number;
  /** Faults every case of this point also gets (the restore's: a dispatch GitHub rejects). */
  also?: (aws: FaultProxy, github: FaultProxy) => void;
  /** After a fault once: the parameter's value, and the recovery (default v2, none). */
  once?: { value: 'v1' | 'v2'; status: 'failed' | 'succeeded'; recovery?: 'restored' };
  /** The whole case must end within this (default 60 s). */
  deadlineMs?: number;
  /** The wait's <timeout> (default 30s: more than a call's deadline, so a poll that fails for good ends as a
   * remote error, not a timeout). */
  timeout?: string;
}

/** An SSM or ECR operation, by its X-Amz-Target, and optionally by its JSON body. */
function aws(operation: string, body: (b: Record<string, unknown>) => boolean = () => true): Match {
  return (r) => String(r.headers['x-amz-target'] ?? '').endsWith(`.${operation}`) && body(JSON.parse(r.body));
}
const named = (suffix: string) => (b: Record<string, unknown>) => String(b.Name).endsWith(suffix);
const github =
  (method: string, path: RegExp): Match =>
  (r) =>
    r.method === method && path.test(r.path);
const DISPATCH = github('POST', /\/dispatches$/);
const REJECT_DISPATCH: ProxyFault = {
  status: 422,
  body: JSON.stringify({ message: 'Unexpected inputs provided: ["environment"]' }),
};

const remote = (step: StepId, service: 'SSM' | 'ECR' | 'GitHub', value: 'v1' | 'v2' = 'v1'): Permanent => ({
  status: 'failed',
  step,
  kind: 'remote',
  service,
  value,
  lock: 'released',
});

const POINTS: Point[] = [
  {
    name: 'preflight: SSM GetParameter',
    side: 'aws',
    match: aws('GetParameter', named('/version')),
    faults: AWS_ALL,
    permanent: remote('preflight', 'SSM'),
  },
  {
    name: 'preflight: ECR DescribeImages',
    side: 'aws',
    match: aws('DescribeImages'),
    faults: AWS_ALL,
    permanent: remote('preflight', 'ECR'),
  },
  {
    name: 'preflight: GitHub workflow',
    side: 'github',
    match: github('GET', /\/actions\/workflows\/deploy\.yaml$/),
    faults: GITHUB_ALL,
    permanent: remote('preflight', 'GitHub'),
  },
  {
    name: 'lock: take (SSM PutParameter)',
    side: 'aws',
    match: aws('PutParameter', (b) => named('/lock')(b) && b.Overwrite !== true),
    faults: AWS_ALL,
    permanent: remote('lock', 'SSM'),
  },
  {
    name: 'lock: runs in flight (GitHub run list)',
    side: 'github',
    match: github('GET', /\/runs\?/),
    faults: GITHUB_ALL,
    permanent: remote('lock', 'GitHub'),
  },
  {
    name: 'lock: renew (SSM PutParameter, every 20 s)',
    side: 'aws',
    match: aws('PutParameter', (b) => named('/lock')(b) && b.Overwrite === true),
    faults: ['5xx', 'hang'],
    runMs: 23_000,
    timeout: '60s',
    deadlineMs: 75_000,
    permanent: { status: 'succeeded', value: 'v2', lock: 'released', warning: /Could not renew the lock/ },
  },
  {
    name: 'lock: release (SSM DeleteParameter)',
    side: 'aws',
    match: aws('DeleteParameter', named('/lock')),
    faults: AWS_ALL,
    permanent: {
      status: 'succeeded',
      value: 'v2',
      lock: 'reported',
      warning: /Could not remove the lock .*Remove it with hosting unlock --app/,
    },
  },
  {
    name: 'set version (SSM PutParameter)',
    side: 'aws',
    match: aws('PutParameter', (b) => named('/version')(b) && b.Value === 'v2'),
    faults: AWS_ALL,
    permanent: remote('set-version', 'SSM'),
  },
  {
    name: 'trigger: dispatch',
    side: 'github',
    match: DISPATCH,
    faults: GITHUB_ALL,
    permanent: { ...remote('trigger', 'GitHub'), recovery: 'restored' },
  },
  {
    name: 'trigger: finding the run (no run id in the answer)',
    side: 'github',
    ghes: true,
    match: github('GET', /\/runs\?.*actor=/),
    faults: GITHUB_ALL,
    // GitHub accepted the dispatch: its run deploys v2, followed or not. Nothing to restore.
    permanent: remote('trigger', 'GitHub', 'v2'),
  },
  {
    name: 'wait: polling the run',
    side: 'github',
    match: github('GET', /\/actions\/runs\/\d+(\?|$)/),
    faults: GITHUB_ALL,
    // The run was dispatched and deploys v2 whatever the wait learns: nothing to restore.
    permanent: remote('wait', 'GitHub', 'v2'),
  },
  {
    name: 'restore (SSM PutParameter), after a dispatch GitHub rejected',
    side: 'aws',
    match: aws('PutParameter', (b) => named('/version')(b) && b.Value === 'v1'),
    also: (_aws, gh) => gh.inject({ match: DISPATCH, fault: REJECT_DISPATCH }),
    faults: AWS_ALL,
    once: { value: 'v1', status: 'failed', recovery: 'restored' },
    permanent: {
      status: 'failed',
      step: 'trigger',
      kind: 'precondition',
      value: 'v2',
      lock: 'released',
      recovery: 'left',
    },
  },
];

let peers: AwsPeers;
const SECRETS: string[] = [];
let cases = 0;

/** One ECR repository for every case's images (v1 and v2): the lock and the parameter are per application. */
const REPOSITORY = 'fault-matrix';

beforeAll(async () => {
  peers = await startAwsPeers();
  peers.createRepository(REPOSITORY);
  for (const tag of ['v1', 'v2']) await pushTestImage(peers.registry, REPOSITORY, tag, { content: tag });
  SECRETS.push(peers.env.AWS_SECRET_ACCESS_KEY, peers.env.AWS_ACCESS_KEY_ID, peers.registry.password);
});
afterAll(async () => {
  await peers?.stop();
});

/** A fresh application (v1 deployed, images v1 and v2 in its repository) and a GitHub peer of its own. */
async function fixture(point: Point) {
  const app = `faults-${++cases}`;
  peers.aws.ssm.seed(`/shared-hosting/${app}/staging/version`, 'v1');
  const gh = await startGitHubPeer({
    owner: 'acme',
    repo: 'infra',
    ...(point.ghes ? { returnRunDetails: false } : {}),
    defaultRun: {
      queuedMs: 100,
      jobs: [{ name: 'deploy', steps: [{ name: 'Roll out', durationMs: point.runMs ?? 300 }] }],
    },
  });
  SECRETS.push(gh.token);
  const [awsProxy, ghProxy] = await Promise.all([
    startFaultProxy(peers.env.AWS_ENDPOINT_URL),
    startFaultProxy(gh.url),
  ]);
  return { app, gh, awsProxy, ghProxy };
}

/** The real ports through the proxies, with short request timeouts and deadlines. */
async function ports(f: Awaited<ReturnType<typeof fixture>>, recording: RecordingReporter) {
  const { reporter, progress } = withStepProgress(recording, systemClock);
  const log = (message: string) => reporter.emit({ type: 'debug', message, at: Date.now() });
  const [awsPorts, workflows] = await Promise.all([
    createAwsPorts({
      env: { ...peers.env, AWS_ENDPOINT_URL: f.awsProxy.url },
      names: ADAPTER_NAMES,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      callDeadlineMs: CALL_DEADLINE_MS,
      retry: { baseDelayMs: 20, maxDelayMs: 200 },
      onRetry: progress,
      debug: log,
    }),
    createGitHubWorkflows({
      token: f.gh.token,
      baseUrl: f.ghProxy.url,
      names: ADAPTER_NAMES,
      log,
      onRetry: progress,
      tuning: {
        requestTimeoutMs: REQUEST_TIMEOUT_MS,
        callDeadlineMs: CALL_DEADLINE_MS,
        retryAfterBaseValue: 10,
        writeMinTimeMs: 0,
        findRunTimeoutMs: CALL_DEADLINE_MS,
        findAfterFailureMs: 1500,
      },
    }),
  ]);
  reporter.registerSecret?.(f.gh.token);
  return {
    builder: () => Promise.reject(new Error('no build: the image is in the registry')),
    registry: awsPorts.registry,
    parameters: awsPorts.parameters,
    workflows,
    clock: systemClock,
    reporter,
  };
}

/** Deploy v2 with the fault injected (`times` of it; undefined: for good). */
async function deployWithFault(point: Point, fault: FaultName, times: number | undefined) {
  const f = await fixture(point);
  point.also?.(f.awsProxy, f.ghProxy);
  const proxy = point.side === 'aws' ? f.awsProxy : f.ghProxy;
  const injected = (point.side === 'aws' ? AWS_FAULTS : GITHUB_FAULTS)[fault] as ProxyFault;
  proxy.inject({ match: point.match, fault: injected, ...(times ? { times } : {}) });
  const recording = new RecordingReporter();
  const options = parseDeployInputs(
    {
      application: f.app,
      environment: 'staging',
      repository: REPOSITORY,
      infraRepository: 'acme/infra',
      version: 'v2',
      timeout: point.timeout ?? '30s',
    },
    INPUT_NAMES,
    '/src/app',
  );
  const deployPlan = plan(options, {
    commit: 'a'.repeat(40),
    dirty: false,
    repositoryUrl: undefined,
    actor: 'fault-tester',
    runUrl: undefined,
    ci: 'local',
  });
  const started = Date.now();
  const result = await execute(deployPlan, await ports(f, recording), {});
  const ms = Date.now() - started;
  const hits = proxy.seen.filter((s) => s.fault !== undefined).length;
  await Promise.all([f.awsProxy.stop(), f.ghProxy.stop()]);
  await f.gh.stop();
  return { ...f, result, recording, ms, hits };
}

type Outcome = Awaited<ReturnType<typeof deployWithFault>>;

const lockName = (app: string) => `/shared-hosting/${app}/staging/lock`;
const versionOf = (app: string) =>
  peers.aws.ssm.parameters.get(`/shared-hosting/${app}/staging/version`)?.at(-1)?.Value;
const text = (o: Outcome) =>
  [
    JSON.stringify(o.recording.events),
    JSON.stringify(resultJson({ command: 'deploy', result: o.result })),
    o.result.error?.message ?? '',
    o.result.error?.fix ?? '',
  ].join('\n');

/** Nothing secret anywhere the adapters print from. */
function expectNoSecret(o: Outcome): void {
  const all = text(o);
  for (const secret of SECRETS) expect(all).not.toContain(secret);
}

function expectDeployed(o: Outcome): void {
  expect(o.result.status, o.result.error?.message).toBe('succeeded');
  expect(o.result.conclusion).toBe('success');
  expect(versionOf(o.app)).toBe('v2');
  expect(peers.aws.ssm.parameters.get(lockName(o.app))).toBeUndefined();
}

/** The step that failed, the error's kind, the service it names, and a result that says the same. */
function expectFailure(o: Outcome, want: Permanent): void {
  const { result } = o;
  expect(result.status).toBe('failed');
  expect(result.error?.kind, result.error?.message).toBe(want.kind);
  // "SSM …", "AWS kept throttling ssm:GetParameter …", "GitHub …".
  if (want.service) expect(result.error?.message.toLowerCase()).toContain(want.service.toLowerCase());
  const failed = result.steps.find((s) => s.status === 'failed');
  expect(failed?.step, JSON.stringify(result.steps)).toBe(want.step);
  const json = resultJson({ command: 'deploy', result });
  expect(json).toMatchObject({ status: 'failed', error: { code: result.error?.code } });
}

function expectLock(o: Outcome, want: Permanent): void {
  const lock = peers.aws.ssm.parameters.get(lockName(o.app));
  if (want.lock === 'released') {
    expect(lock).toBeUndefined();
    return;
  }
  expect(lock).toBeDefined();
  peers.aws.ssm.parameters.delete(lockName(o.app));
}

function expectRecovery(o: Outcome, want: 'restored' | 'left' | undefined): void {
  const recovery = o.result.recovery;
  if (want === undefined) {
    expect(recovery).toBeUndefined();
    return;
  }
  if (want === 'restored') {
    expect(recovery).toMatchObject({ restored: true, value: 'v1' });
    expect(o.result.error?.message).toContain('was restored to v1');
    return;
  }
  const undo = `aws ssm put-parameter --name /shared-hosting/${o.app}/staging/version --value v1 --type String --overwrite`;
  expect(recovery).toMatchObject({ restored: false, left: { value: 'v2', previous: 'v1', undo } });
  expect(o.result.error?.message).toContain('Left behind: v2');
}

const warnings = (o: Outcome) => o.recording.ofType('warning').map((w) => w.message);
const progress = (o: Outcome) => o.recording.ofType('step-progress').map((p) => p.message);

interface Case {
  title: string;
  point: Point;
  fault: FaultName;
  /** 1: once; undefined: for good. */
  times: 1 | undefined;
}

/** The slow ones (the lock's renewal waits for the 20 s heartbeat) first, so that they start at once. */
const CASES: Case[] = [...POINTS]
  .sort((a, b) => (b.runMs ?? 0) - (a.runMs ?? 0))
  .flatMap((point) =>
    point.faults.flatMap((fault) => [
      {
        title: `${point.name}, ${fault} once: retried, and the deploy goes on`,
        point,
        fault,
        times: 1 as const,
      },
      {
        title: `${point.name}, ${fault} for good: ends within its deadline, says so, leaves nothing`,
        point,
        fault,
        times: undefined,
      },
    ]),
  );

/**
 * The cases run side by side, CONCURRENCY at a time (they share nothing but the AWS test server, and most
 * of their time is spent waiting out timeouts): the matrix costs about its cases' total over CONCURRENCY.
 * More at once would starve this one process (peers, proxies and clients share its event loop) and turn
 * answers into timeouts.
 */
const CONCURRENCY = 16;
const outcomes = new Map<Case, Promise<Outcome>>();
beforeAll(() => {
  let running = 0;
  const queue: (() => void)[] = [];
  const slot = () =>
    running < CONCURRENCY ? Promise.resolve(running++) : new Promise<void>((r) => queue.push(r));
  const free = () => {
    const next = queue.shift();
    if (next) next();
    else running--;
  };
  for (const c of CASES) {
    const outcome = slot().then(() => deployWithFault(c.point, c.fault, c.times).finally(free));
    outcome.catch(() => {}); // awaited by its test
    outcomes.set(c, outcome);
  }
});

function expectOnce(o: Outcome, c: Case): void {
  expect(o.hits, `the fault was injected (the deploy: ${o.result.error?.message ?? 'no error'})`).toBe(1);
  const once = c.point.once ?? { value: 'v2', status: 'succeeded' };
  if (once.status === 'succeeded') expectDeployed(o);
  else {
    expect(o.result.status).toBe('failed');
    expect(versionOf(o.app)).toBe(once.value);
  }
  expectRecovery(o, once.recovery);
  if ((c.fault === 'hang' || c.fault === 'cut') && !/polling|finding/.test(c.point.name)) {
    expect([...progress(o), ...warnings(o)].join('\n')).toMatch(/retrying/);
  }
}

function expectForGood(o: Outcome, c: Case): void {
  expect(
    o.hits,
    `the fault was injected (the deploy: ${o.result.error?.message ?? 'no error'})`,
  ).toBeGreaterThanOrEqual(1);
  const want = c.point.permanent;
  if (want.status === 'failed') expectFailure(o, want);
  else {
    expect(o.result.status, o.result.error?.message).toBe('succeeded');
    expect(o.result.conclusion).toBe('success');
  }
  if (want.warning) expect(warnings(o).join('\n')).toMatch(want.warning);
  expect(versionOf(o.app)).toBe(want.value);
  expectLock(o, want);
  expectRecovery(o, want.recovery);
}

describe('the fault matrix: every step that makes requests, every fault, once and for good', () => {
  for (const c of CASES) {
    it(c.title, async () => {
      const o = await (outcomes.get(c) as Promise<Outcome>);
      if (c.times === 1) expectOnce(o, c);
      else expectForGood(o, c);
      expect(o.ms, 'within its deadline').toBeLessThan(c.point.deadlineMs ?? 60_000);
      expectNoSecret(o);
    }, 150_000);
  }
});
