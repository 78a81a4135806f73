import { createPrivateKey, sign } from 'node:crypto';
import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubPeer, startGitHubPeer, type TestApp } from './index.js';

let peer: GitHubPeer | undefined;
afterEach(async () => {
  await peer?.stop();
  peer = undefined;
});

const repo = { owner: 'acme', repo: 'infra' };
const dispatch = {
  ...repo,
  workflow_id: 'deploy.yaml',
  ref: 'main',
  inputs: { application: 'a', environment: 'b' },
};

function appClient(p: GitHubPeer, app: TestApp): Octokit {
  return new Octokit({
    baseUrl: p.url,
    authStrategy: createAppAuth,
    auth: { appId: app.id, privateKey: app.privateKey },
  });
}

/** A JWT signed by hand, to send what a correct library never would. */
function jwt(app: TestApp, claims: Record<string, unknown>, key = app.privateKey): string {
  const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const body = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ iss: app.id, ...claims })}`;
  return `${body}.${sign('RSA-SHA256', Buffer.from(body), createPrivateKey(key)).toString('base64url')}`;
}

describe('GitHub test server: Apps', () => {
  it('JWT → installation → a token for one repository and the asked permissions, until it expires or is revoked', async () => {
    peer = await startGitHubPeer();
    const app = peer.scenario.addApp({ tokenLifetimeSeconds: 10 });
    const o = appClient(peer, app);
    const inst = await o.rest.apps.getRepoInstallation(repo);
    expect(inst.data.id).toBe(app.installationId);
    const minted = await o.rest.apps.createInstallationAccessToken({
      installation_id: inst.data.id,
      repositories: ['infra'],
      permissions: { actions: 'write', contents: 'read' },
    });
    expect(minted.status).toBe(201);
    const t = new Octokit({ auth: minted.data.token, baseUrl: peer.url });
    expect((await t.rest.repos.get(repo)).status).toBe(200);
    expect(
      (await t.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', dispatch))
        .status,
    ).toBe(204);
    await expect(t.rest.users.getAuthenticated()).rejects.toMatchObject({ status: 403 });
    await expect(t.rest.repos.get({ owner: 'acme', repo: 'other' })).rejects.toMatchObject({ status: 403 });
    expect(peer.stats.appTokens).toMatchObject([
      { repositories: ['acme/infra'], permissions: { actions: 'write', contents: 'read', metadata: 'read' } },
    ]);
    const expiresAt = peer.stats.appTokens[0]?.expiresAt ?? 0;
    await new Promise((r) => setTimeout(r, expiresAt - Date.now() + 50));
    await expect(t.rest.repos.get(repo)).rejects.toMatchObject({
      status: 401,
      message: expect.stringMatching(/Bad credentials/),
    });
    const second = await o.rest.apps.createInstallationAccessToken({
      installation_id: inst.data.id,
      repositories: ['infra'],
    });
    const t2 = new Octokit({ auth: second.data.token, baseUrl: peer.url });
    expect((await t2.rest.apps.revokeInstallationAccessToken()).status).toBe(204);
    await expect(t2.rest.repos.get(repo)).rejects.toMatchObject({ status: 401 });
    expect(peer.stats.appTokens[1]?.revokedAt).toBeDefined();
    expect(peer.stats.unauthorized).toBe(2);
    peer.assertValid();
  });

  it('refuses what GitHub refuses: no installation, a repository or permission beyond it, a read token dispatching', async () => {
    peer = await startGitHubPeer();
    const missing = peer.scenario.addApp({ installed: false });
    await expect(appClient(peer, missing).rest.apps.getRepoInstallation(repo)).rejects.toMatchObject({
      status: 404,
    });
    const narrow = peer.scenario.addApp({ repositories: ['acme/web'], permissions: { actions: 'read' } });
    const o = appClient(peer, narrow);
    const id = narrow.installationId ?? 0;
    expect((await o.rest.apps.getRepoInstallation(repo)).data.id).toBe(id);
    await expect(
      o.rest.apps.createInstallationAccessToken({ installation_id: id, repositories: ['infra'] }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/not accessible to the parent installation/),
    });
    await expect(
      o.rest.apps.createInstallationAccessToken({ installation_id: id, permissions: { actions: 'write' } }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/permissions requested are not granted/),
    });
    const read = await o.rest.apps.createInstallationAccessToken({
      installation_id: id,
      permissions: { actions: 'read' },
    });
    const t = new Octokit({ auth: read.data.token, baseUrl: peer.url });
    await expect(
      t.rest.actions.getWorkflow({ owner: 'acme', repo: 'web', workflow_id: 'deploy.yaml' }),
    ).rejects.toMatchObject({ status: 404 });
    await expect(t.rest.repos.get(repo)).rejects.toMatchObject({
      status: 403,
      message: expect.stringMatching(/integration/),
    });
    peer.assertValid();
  });

  it('verifies the JWT: RS256 by the App key, iat not ahead, exp in the future and at most 10 minutes on', async () => {
    peer = await startGitHubPeer();
    const app = peer.scenario.addApp();
    const other = peer.scenario.addApp();
    const now = Math.floor(Date.now() / 1000);
    const get = (token: string) =>
      fetch(`${peer?.url}/repos/acme/infra/installation`, { headers: { authorization: `Bearer ${token}` } });
    expect((await get(jwt(app, { iat: now - 60, exp: now + 540 }))).status).toBe(200);
    const refused = [
      jwt(app, { iat: now - 60, exp: now + 540 }, other.privateKey),
      jwt(app, { iat: now + 120, exp: now + 300 }),
      jwt(app, { iat: now - 700, exp: now - 100 }),
      jwt(app, { iat: now - 60, exp: now + 900 }),
      jwt({ ...app, id: 1 }, { iat: now - 60, exp: now + 540 }),
    ];
    for (const token of refused) expect((await get(token)).status, token).toBe(401);
    const jwtOnRepo = await fetch(`${peer.url}/repos/acme/infra`, {
      headers: { authorization: `Bearer ${jwt(app, { iat: now - 60, exp: now + 540 })}` },
    });
    expect(jwtOnRepo.status).toBe(403);
    peer.assertValid();
  });
});
