/**
 * GitHub App tokens through @octokit/auth-app against the testkit GitHub test server, on the real clock
 * (the server expires tokens in real time): least-privilege tokens for the infra repository only, re-minted
 * before they expire during a long wait, all revoked at the end; failures named before any side effect.
 */
import { inspect } from 'node:util';
import { type GitHubPeer, startGitHubPeer } from '@shared-hosting/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { HostingError } from '../errors/errors.js';
import { infraTarget } from '../testing/github.js';
import { ADAPTER_NAMES } from '../testing/names.js';
import { createGitHubWorkflows, type GitHubAccess, type GitHubAppCredentials } from './index.js';

const REVOKE = 'apps/revoke-installation-access-token';

let peers: GitHubPeer[] = [];
afterEach(async () => {
  const stopping = peers;
  peers = [];
  for (const p of stopping) await p.stop();
});

const target = infraTarget();

async function setup(
  credentials: (peer: GitHubPeer) => GitHubAppCredentials,
  access: GitHubAccess = 'write',
) {
  const peer = await startGitHubPeer();
  peers.push(peer);
  const logs: string[] = [];
  const minted: string[] = [];
  const gh = await createGitHubWorkflows({
    names: ADAPTER_NAMES,
    baseUrl: peer.url,
    app: { credentials: credentials(peer), access, onToken: (t) => minted.push(t) },
    log: (m) => logs.push(m),
    tuning: { retryAfterBaseValue: 1, writeMinTimeMs: 0 },
  });
  return { peer, gh, logs, minted };
}

async function caught(p: Promise<unknown>): Promise<HostingError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(e).toBeInstanceOf(HostingError);
  return e as HostingError;
}

const appOf = (peer: GitHubPeer, options?: Parameters<GitHubPeer['scenario']['addApp']>[0]) => {
  const app = peer.scenario.addApp(options);
  return { appId: String(app.id), privateKey: app.privateKey };
};

describe('GitHub App tokens', () => {
  it('a wait over three 5-second token lifetimes: no auth failure, tokens for the infra repo only, all revoked', async () => {
    let key = '';
    const { peer, gh, logs, minted } = await setup((p) => {
      const app = appOf(p, { tokenLifetimeSeconds: 5 });
      key = app.privateKey;
      return app;
    });
    peer.scenario.nextRun({
      queuedMs: 500,
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy application', durationMs: 16_000 }] }],
    });
    await gh.preflight(target);
    const run = await gh.dispatch(target);
    const result = await gh.wait(run, { timeoutMs: 120_000 });
    expect(result.conclusion).toBe('success');
    await gh.close();
    const endedAt = Date.now();
    const issued = peer.stats.appTokens;
    expect(issued.length).toBeGreaterThanOrEqual(4);
    expect(issued.map((t) => t.token)).toEqual(minted);
    for (const t of issued) {
      expect(t.repositories).toEqual(['acme/infra']);
      expect(t.permissions).toEqual({ actions: 'write', contents: 'read', metadata: 'read' });
      // Revoked, or expired by the end (one that expires before it is idle needs no revoking: on a busy
      // machine a 5-second token can); none is left valid.
      if (t.revokedAt === undefined)
        expect(t.expiresAt, 'every token revoked or expired').toBeLessThanOrEqual(endedAt);
    }
    expect(peer.stats.log.filter((l) => l.status === 401 && l.operationId !== REVOKE)).toEqual([]);
    expect(peer.stats.apiVersions).toEqual({ '2026-03-10': peer.stats.log.length });
    const text = inspect({ logs, result }, { depth: 8 });
    for (const secret of [key, ...key.split('\n').filter((l) => l.length > 20), ...minted])
      expect(text).not.toContain(secret);
  }, 60_000);

  it('read-only access mints actions: read only', async () => {
    const { peer, gh } = await setup((p) => appOf(p), 'read');
    await gh.activeRuns(target);
    await gh.close();
    expect(peer.stats.appTokens.map((t) => t.permissions)).toEqual([{ actions: 'read', metadata: 'read' }]);
  });

  it('names what is missing before any side effect: not installed, repository, permission, wrong id, bad key', async () => {
    const cases: Array<[string, (p: GitHubPeer) => GitHubAppCredentials, RegExp]> = [
      ['GITHUB_APP_NOT_INSTALLED', (p) => appOf(p, { installed: false }), /not installed on acme\/infra/],
      [
        'GITHUB_APP_REPOSITORY_MISSING',
        (p) => appOf(p, { repositories: ['acme/web'] }),
        /does not include the repository infra/,
      ],
      [
        'GITHUB_APP_PERMISSION_MISSING',
        (p) => appOf(p, { permissions: { actions: 'read' } }),
        /lacks a permission/,
      ],
      ['GITHUB_APP_UNAUTHORIZED', (p) => ({ ...appOf(p), appId: '4242' }), /App id is wrong/],
    ];
    for (const [code, credentials, message] of cases) {
      const { peer, gh, logs } = await setup(credentials);
      const e = await caught(gh.preflight(target));
      expect([e.code, e.kind]).toEqual([code, 'precondition']);
      expect(e.message).toMatch(message);
      expect(e.message).toMatch(/GitHub App \d+/);
      expect(e.fix).toBeTruthy();
      expect(peer.stats.dispatches).toHaveLength(0);
      expect(inspect({ e, logs }, { depth: 8 })).not.toContain('PRIVATE KEY');
    }
    const bad = await caught(
      createGitHubWorkflows({
        names: ADAPTER_NAMES,
        baseUrl: 'http://127.0.0.1:9',
        app: {
          credentials: {
            appId: '1',
            privateKey: '-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----',
          },
          access: 'write',
        },
      }),
    );
    expect([bad.code, bad.kind]).toEqual(['INVALID_INPUT', 'input']);
    expect(bad.message).not.toContain('not a key');
    expect(bad.fix).toMatch(/HOSTING_GITHUB_APP_PRIVATE_KEY/);
  });
});
