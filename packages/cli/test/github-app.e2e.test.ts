/**
 * A GitHub App instead of a token, end to end: the BUILT `hosting` bin with HOSTING_GITHUB_APP_ID and
 * HOSTING_GITHUB_APP_PRIVATE_KEY[_FILE], against the testkit peers. The App's tokens live 5 seconds and the
 * infra run lasts over three lifetimes: no request may fail authentication, every token is for the infra
 * repository only with only actions: write and contents: read, and every one is revoked at the end, also
 * after Ctrl-C. Every request sends REST API 2026-03-10. The private key appears in no output.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestApp } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraSide } from './infra-side.js';
import { appCheckout, deployArgs, param, pushImages } from './kit/app.js';
import { type Exit, requireBuiltBin, runBin } from './kit/bin.js';
import { type Env, INFRA_REPO, type Peers, startPeers } from './kit/peers.js';

const REVOKE = 'apps/revoke-installation-access-token';
const DEPLOY = deployArgs('hello-app', 'staging');

let peers: Peers;
let app: TestApp;
let cwd: string;

/** The bin with a GitHub App's environment instead of a token; `interrupt`: SIGINT 1.5 s after the dispatch. */
function hosting(args: string[], env: Env, interrupt = false): Promise<Exit> {
  let sent = false;
  const { GITHUB_TOKEN: _token, ...peerEnv } = peers.env();
  return runBin(args, {
    cwd,
    env: { ...peerEnv, ...env },
    onOutput: ({ stdout, stderr }, child) => {
      if (!interrupt || sent || !`${stdout}${stderr}`.includes('infra run: ')) return;
      sent = true;
      setTimeout(() => child.kill('SIGINT'), 1500);
    },
  });
}

const appEnv = () => ({
  HOSTING_GITHUB_APP_ID: String(app.id),
  HOSTING_GITHUB_APP_PRIVATE_KEY: app.privateKey,
});

function expectNoKey(r: Exit): void {
  const text = r.stdout + r.stderr;
  expect(text).not.toContain('PRIVATE KEY');
  for (const line of app.privateKey.split('\n').filter((l) => l.length > 20))
    expect(text).not.toContain(line);
  for (const t of peers.github.stats.appTokens) expect(text).not.toContain(t.token);
}

function expectLeastTokensAllRevoked(): void {
  expect(peers.github.stats.appTokens.length).toBeGreaterThan(0);
  for (const t of peers.github.stats.appTokens) {
    expect(t.repositories).toEqual([INFRA_REPO]);
    expect(t.permissions).toEqual({ actions: 'write', contents: 'read', metadata: 'read' });
    expect(t.revokedAt, `token issued at ${t.issuedAt} revoked`).toBeDefined();
  }
  // No request of the operation failed authentication (a revocation racing an expiry would not be one).
  const refused = peers.github.stats.log.filter((l) => l.status === 401 && l.operationId !== REVOKE);
  expect(refused).toEqual([]);
}

beforeAll(async () => {
  requireBuiltBin();
  peers = await startPeers({
    github: (aws) => {
      const infra = infraSide(aws, param('hello-app', 'staging'));
      return {
        // The infra run lasts over three token lifetimes (5 s) before it rolls out.
        executor: async (run, io) => {
          await io.step('Wait for approval', ({ signal }) => sleep(16_000, signal));
          await infra.executor(run, io);
        },
      };
    },
  });
  app = peers.github.scenario.addApp({ tokenLifetimeSeconds: 5 });
  cwd = path.join(peers.work, 'app');
  appCheckout(cwd);
  peers.aws.createRepository('hello-app');
  await pushImages(peers.aws, 'hello-app', ['v1', 'v2']);
}, 60_000);

afterAll(async () => {
  await peers?.stop();
});

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(new Error('cancelled'));
    });
  });
}

describe('hosting with a GitHub App (built bin)', () => {
  it('a deploy whose run outlives three 5-second tokens succeeds: no auth failure, least tokens, all revoked', async () => {
    const r = await hosting([...DEPLOY, '--version', 'v1'], appEnv());
    expect(r.code, r.stderr).toBe(0);
    expectLeastTokensAllRevoked();
    expect(peers.github.stats.appTokens.length).toBeGreaterThanOrEqual(4);
    expect(peers.github.stats.log.map((l) => l.apiVersion)).toEqual(
      peers.github.stats.log.map(() => '2026-03-10'),
    );
    expect(peers.github.stats.deprecated).toEqual([]);
    expect(peers.github.stats.dispatches.at(-1)).toMatchObject({
      apiVersion: '2026-03-10',
      returnRunDetails: undefined,
    });
    expectNoKey(r);
  }, 90_000);

  it('Ctrl-C during the wait: the run is cancelled and every token is revoked (key from a file)', async () => {
    const before = peers.github.stats.appTokens.length;
    const keyFile = path.join(peers.work, 'app.pem');
    writeFileSync(keyFile, app.privateKey, { mode: 0o600 });
    const r = await hosting(
      [...DEPLOY, '--version', 'v2'],
      { HOSTING_GITHUB_APP_ID: String(app.id), HOSTING_GITHUB_APP_PRIVATE_KEY_FILE: keyFile },
      true,
    );
    expect(r.code, r.stderr).not.toBe(0);
    expect(peers.github.stats.appTokens.length).toBeGreaterThan(before);
    expectLeastTokensAllRevoked();
    expectNoKey(r);
  }, 90_000);

  it('a token and an App both given: bad input (exit 2) naming both, nothing asked of GitHub', async () => {
    const before = peers.github.stats.requests;
    const r = await hosting([...DEPLOY, '--version', 'v1'], {
      ...appEnv(),
      GITHUB_TOKEN: peers.github.token,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GITHUB_TOKEN/);
    expect(r.stderr).toMatch(/HOSTING_GITHUB_APP_ID/);
    expect(peers.github.stats.requests).toBe(before);
    expectNoKey(r);
  });
});
