/**
 * The committed bundle with a GitHub App instead of a token (github-app-id, github-app-private-key), against
 * the testkit peers: its tokens are for the infra repository only and revoked when the main step ends; when
 * the main step is killed (SIGKILL) its post step revokes the tokens it left. The key is never printed.
 */
import { pushTestImage, type TestApp } from '@shared-hosting/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { APP_TOKENS_DONE, APP_TOKENS_STATE, RUN_STATE } from '../src/state.js';
import { jobEnv, NODE_RUNTIMES, type RunOptions, type RunResult, runStep, usePeers } from './runner.js';

const REVOKE = 'apps/revoke-installation-access-token';

const peers = usePeers({
  name: 'action-app',
  build: false,
  files: { 'hello.txt': 'hello\n', Dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\n' },
  github: { cancelDelayMs: 50 },
});
const node = NODE_RUNTIMES[0].path;
let app: TestApp;
let counter = 0;

const INPUTS = {
  application: 'hello-app',
  environment: 'staging',
  'infra-repository': 'acme/infra',
  timeout: '2m',
};

beforeAll(() => {
  app = peers.github.scenario.addApp({ tokenLifetimeSeconds: 5 });
});

/** A deploy of an image already in the registry (no build), with the App. */
async function deploy(onSpawn?: RunOptions['onSpawn']): Promise<RunResult> {
  counter++;
  const sha = counter.toString(16).padStart(40, 'b');
  await pushTestImage(peers.aws.registry, 'hello-app', sha, { content: sha });
  const inputs = { ...INPUTS, 'github-app-id': String(app.id), 'github-app-private-key': app.privateKey };
  return runStep(peers, {
    node,
    entry: 'index.js',
    inputs,
    env: jobEnv(peers, sha),
    ...(onSpawn ? { onSpawn } : {}),
  });
}

function expectNothingLeaked(r: RunResult): void {
  const printed = [
    r.stdout.replace(/^::add-mask::.*$/gm, ''),
    r.stderr,
    r.summary,
    JSON.stringify(r.outputs),
  ].join('\n');
  expect(printed).not.toContain('PRIVATE KEY');
  for (const line of app.privateKey.split('\n').filter((l) => l.length > 20))
    expect(printed).not.toContain(line);
  for (const t of peers.github.stats.appTokens) expect(printed).not.toContain(t.token);
}

/** Every token minted is revoked, or had expired by the end (a 5-second token used to the end of its life on a
 * busy machine needs no revoking): none is left valid. */
function expectAllRevoked(): void {
  const endedAt = Date.now();
  expect(peers.github.stats.appTokens.length).toBeGreaterThan(0);
  for (const t of peers.github.stats.appTokens) {
    expect(t.repositories).toEqual(['acme/infra']);
    expect(t.permissions).toEqual({ actions: 'write', contents: 'read', metadata: 'read' });
    if (t.revokedAt === undefined) expect(t.expiresAt, 'revoked or expired').toBeLessThanOrEqual(endedAt);
  }
  const refused = peers.github.stats.log.filter((l) => l.status === 401 && l.operationId !== REVOKE);
  expect(refused).toEqual([]);
}

describe('dist with a GitHub App', () => {
  it('deploys, then revokes every token it minted; the post step has nothing left to do', async () => {
    const r = await deploy();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.state[APP_TOKENS_STATE]).toBe(APP_TOKENS_DONE);
    expectAllRevoked();
    expectNothingLeaked(r);
  }, 120_000);

  it('a SIGKILLed main step: its post step revokes the tokens it left (and cancels the run)', async () => {
    // Tokens that outlive the gap between the kill and the post step (an expired one needs no revoking).
    peers.github.scenario.setTokenLifetime(app.id, 3600);
    peers.github.scenario.nextRun({
      queuedMs: 100,
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 60_000 }] }],
    });
    const main = await deploy((child) => {
      let seen = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        seen += chunk.toString();
        if (!child.killed && seen.includes('::group::Wait for infra deployment')) child.kill('SIGKILL');
      });
    });
    expect(main.signal).toBe('SIGKILL');
    const left = JSON.parse(main.state[APP_TOKENS_STATE] ?? '[]') as string[];
    expect(left.length).toBeGreaterThan(0);
    const live = peers.github.stats.appTokens.filter(
      (t) => left.includes(t.token) && t.revokedAt === undefined,
    );
    expect(live.length).toBeGreaterThan(0);
    const post = await runStep(peers, {
      node,
      entry: 'post.js',
      inputs: { 'github-app-id': String(app.id), 'github-app-private-key': app.privateKey },
      env: { GITHUB_API_URL: peers.github.url, AWS_REGION: 'eu-west-1' },
      state: {
        [APP_TOKENS_STATE]: main.state[APP_TOKENS_STATE] ?? '',
        [RUN_STATE]: main.state[RUN_STATE] ?? '',
      },
    });
    expect(post.status, post.stdout + post.stderr).toBe(0);
    expect(post.stdout).toMatch(/Revoked \d+ of the \d+ GitHub App token/);
    expect(post.stdout).toContain('cancelling it');
    expectAllRevoked();
    expectNothingLeaked(main);
    expectNothingLeaked(post);
    // The killed main step could not release its deployment lock: remove it as an operator would.
    const caller = {
      arn: 'arn:aws:iam::123456789012:user/test',
      region: 'eu-west-1',
      accountId: '123456789012',
    };
    peers.aws.aws.ssm.handle('DeleteParameter', { Name: '/shared-hosting/hello-app/staging/lock' }, caller);
  }, 120_000);
});
