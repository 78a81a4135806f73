import { readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubPeer, startGitHubPeer } from './index.js';
import { ROUTES } from './routes/index.js';

let peer: GitHubPeer | undefined;
afterEach(async () => {
  await peer?.stop();
  peer = undefined;
});

function client(p: GitHubPeer, version?: string): Octokit {
  const o = new Octokit({ auth: p.token, baseUrl: p.url });
  if (version)
    o.hook.before('request', (options) => {
      options.headers['x-github-api-version'] = version;
    });
  return o;
}

const repo = { owner: 'acme', repo: 'infra' };
const dispatch = { ...repo, workflow_id: 'deploy.yaml', ref: 'main' };
const inputs = { application: 'a', environment: 'b' };

describe('GitHub test server: REST API versions', () => {
  it('serves the pruned descriptions it records, and routes exactly the operations they keep', () => {
    for (const name of ['api.github.com', 'ghes-3.19']) {
      const file = new URL(`./description/${name}.json`, import.meta.url);
      const d = JSON.parse(readFileSync(file, 'utf8')) as {
        'x-pruned-from': { package: string; version: string; operations: string[] };
      };
      expect(d['x-pruned-from'].package).toBe('@octokit/openapi');
      expect(d['x-pruned-from'].version).toMatch(/^\d+\.\d+\.\d+$/);
      expect([...d['x-pruned-from'].operations].sort()).toEqual(Object.keys(ROUTES).sort());
    }
  });

  it('2026-03-10: the dispatch answers 200 with the run; return_run_details and `rate` are gone', async () => {
    peer = await startGitHubPeer();
    const o = client(peer, '2026-03-10');
    const d = await o.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
      ...dispatch,
      inputs,
    });
    expect(d.status).toBe(200);
    const run = peer.infra.runs()[0];
    expect(d.data).toEqual({
      workflow_run_id: run?.id,
      run_url: `${peer.url}/repos/acme/infra/actions/runs/${run?.id}`,
      html_url: peer.infra.runUrl(run?.id ?? 0),
    });
    const limits = await o.request('GET /rate_limit');
    expect(limits.data).not.toHaveProperty('rate');
    const old = await client(peer).request('GET /rate_limit');
    expect(old.data).toHaveProperty('rate');
    expect(peer.stats.apiVersions).toEqual({ '2026-03-10': 2, none: 1 });
    expect(peer.stats.deprecated).toEqual([]);
    peer.assertValid();
    await expect(
      o.request('POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches', {
        ...dispatch,
        inputs,
        return_run_details: true,
      }),
    ).rejects.toMatchObject({ status: 422 });
    expect(peer.stats.violations.join('\n')).toMatch(/return_run_details.*not a permitted key/);
    peer.stats.violations.length = 0;
  });

  it('2022-11-28: 204 without return_run_details, 200 with it', async () => {
    peer = await startGitHubPeer();
    const o = client(peer, '2022-11-28');
    const url = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
    expect((await o.request(url, { ...dispatch, inputs })).status).toBe(204);
    const d = await o.request(url, { ...dispatch, inputs, return_run_details: true });
    expect(d.status).toBe(200);
    expect(peer.stats.dispatches.map((x) => x.apiVersion)).toEqual(['2022-11-28', '2022-11-28']);
  });

  it('an unknown version is a 400 naming the header', async () => {
    peer = await startGitHubPeer();
    await expect(client(peer, '2099-01-01').request('GET /repos/{owner}/{repo}', repo)).rejects.toMatchObject(
      {
        status: 400,
        message: expect.stringMatching(/X-GitHub-Api-Version/),
      },
    );
  });

  it('older GHES: /api/v3, 2026-03-10 refused naming the header, return_run_details refused, 204 dispatch', async () => {
    peer = await startGitHubPeer({ ghes: true });
    expect(peer.url).toMatch(/\/api\/v3$/);
    expect(peer.apiVersions).toEqual(['2022-11-28']);
    const url = 'POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches';
    await expect(client(peer, '2026-03-10').request(url, { ...dispatch, inputs })).rejects.toMatchObject({
      status: 400,
      message: expect.stringMatching(/X-GitHub-Api-Version.*2026-03-10/),
    });
    const o = client(peer, '2022-11-28');
    await expect(o.request(url, { ...dispatch, inputs, return_run_details: true })).rejects.toMatchObject({
      status: 422,
      message: expect.stringMatching(/return_run_details/),
    });
    expect((await o.request(url, { ...dispatch, inputs })).status).toBe(204);
    expect((await client(peer).request('GET /repos/{owner}/{repo}', repo)).status).toBe(200);
    peer.assertValid();
  });
});
