/**
 * A GitHub App instead of a token, end to end: the BUILT `hosting` bin with HOSTING_GITHUB_APP_ID and
 * HOSTING_GITHUB_APP_PRIVATE_KEY[_FILE], against the testkit peers. The App's tokens live 5 seconds and the
 * infra run lasts over three lifetimes: no request may fail authentication, every token is for the infra
 * repository only with only actions: write and contents: read, and every one is revoked at the end, also
 * after Ctrl-C. Every request sends REST API 2026-03-10. The private key appears in no output.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsPeers,
  type GitHubPeer,
  pushTestImage,
  startAwsPeers,
  startGitHubPeer,
  type TestApp,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InfraSide, infraSide } from './infra-side.js';

const REVOKE = 'apps/revoke-installation-access-token';

const bin = path.resolve(import.meta.dirname, '../dist/hosting.cjs');
const PARAM = '/shared-hosting/hello-app/staging/version';
const DEPLOY = ['deploy', '--app', 'hello-app', '--env', 'staging', '--infra-repo', 'acme/infra'];

let aws: AwsPeers;
let github: GitHubPeer;
let infra: InfraSide;
let app: TestApp;
let work: string;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Spawn the bin; `interrupt` sends SIGINT once the infra run is dispatched. */
function hosting(args: string[], env: Record<string, string>, interrupt = false): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: work,
      env: { PATH: process.env.PATH ?? '', HOME: work, ...aws.env, GITHUB_API_URL: github.url, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    const watch = () => {
      if (interrupt && !sent && `${stdout}${stderr}`.includes('infra run: ')) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
      }
    };
    child.stdout.on('data', (d) => {
      stdout += d;
      watch();
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      watch();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
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
  for (const t of github.stats.appTokens) expect(text).not.toContain(t.token);
}

function expectLeastTokensAllRevoked(): void {
  expect(github.stats.appTokens.length).toBeGreaterThan(0);
  for (const t of github.stats.appTokens) {
    expect(t.repositories).toEqual(['acme/infra']);
    expect(t.permissions).toEqual({ actions: 'write', contents: 'read', metadata: 'read' });
    expect(t.revokedAt, `token issued at ${t.issuedAt} revoked`).toBeDefined();
  }
  // No request of the operation failed authentication (a revocation racing an expiry would not be one).
  const refused = github.stats.log.filter((l) => l.status === 401 && l.operationId !== REVOKE);
  expect(refused).toEqual([]);
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'hosting-app-'));
  mkdirSync(path.join(work, 'home'));
  writeFileSync(path.join(work, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  writeFileSync(path.join(work, 'hello.txt'), 'hello\n');
  aws = await startAwsPeers();
  infra = infraSide(aws, PARAM);
  github = await startGitHubPeer({
    owner: 'acme',
    repo: 'infra',
    // The infra run lasts over three token lifetimes (5 s) before it rolls out.
    executor: async (run, io) => {
      await io.step('Wait for approval', ({ signal }) => sleep(16_000, signal));
      await infra.executor(run, io);
    },
  });
  app = github.scenario.addApp({ tokenLifetimeSeconds: 5 });
  aws.createRepository('hello-app');
  for (const version of ['v1', 'v2'])
    await pushTestImage(aws.registry, 'hello-app', version, { content: version });
}, 60_000);

afterAll(async () => {
  await github?.stop();
  await aws?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
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
    expect(github.stats.appTokens.length).toBeGreaterThanOrEqual(4);
    expect(github.stats.log.map((l) => l.apiVersion)).toEqual(github.stats.log.map(() => '2026-03-10'));
    expect(github.stats.deprecated).toEqual([]);
    expect(github.stats.dispatches.at(-1)).toMatchObject({
      apiVersion: '2026-03-10',
      returnRunDetails: undefined,
    });
    expectNoKey(r);
  }, 90_000);

  it('Ctrl-C during the wait: the run is cancelled and every token is revoked (key from a file)', async () => {
    const before = github.stats.appTokens.length;
    const keyFile = path.join(work, 'app.pem');
    writeFileSync(keyFile, app.privateKey, { mode: 0o600 });
    const r = await hosting(
      [...DEPLOY, '--version', 'v2'],
      { HOSTING_GITHUB_APP_ID: String(app.id), HOSTING_GITHUB_APP_PRIVATE_KEY_FILE: keyFile },
      true,
    );
    expect(r.code, r.stderr).not.toBe(0);
    expect(github.stats.appTokens.length).toBeGreaterThan(before);
    expectLeastTokensAllRevoked();
    expectNoKey(r);
  }, 90_000);

  it('a token and an App both given: bad input (exit 2) naming both, nothing asked of GitHub', async () => {
    const before = github.stats.requests;
    const r = await hosting([...DEPLOY, '--version', 'v1'], { ...appEnv(), GITHUB_TOKEN: github.token });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/GITHUB_TOKEN/);
    expect(r.stderr).toMatch(/HOSTING_GITHUB_APP_ID/);
    expect(github.stats.requests).toBe(before);
    expectNoKey(r);
  });
});
