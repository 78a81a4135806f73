/**
 * The committed bundle's `command` input (rollback, promote) and deploy's safety nets, run as the runner
 * runs it against the testkit peers. Images are pushed straight to the registry: nothing is built.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  type AwsPeers,
  type GitHubPeer,
  pushTestImage,
  startAwsPeers,
  startGitHubPeer,
} from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunResult, runBundle, runnerFiles } from './runner.js';

let aws: AwsPeers;
let github: GitHubPeer;
let work: string;
let workspace: string;
const digests: Record<string, string> = {};

async function action(inputs: Record<string, string>): Promise<RunResult> {
  const files = await runnerFiles();
  return runBundle({
    entry: 'index.js',
    files,
    workspace,
    inputs: {
      application: 'hello-app',
      'infra-repository': 'acme/infra',
      'github-token': github.token,
      timeout: '2m',
      ...inputs,
    },
    env: {
      ...aws.env,
      GITHUB_SHA: 'c'.repeat(40),
      GITHUB_REPOSITORY: 'acme/hello-app',
      GITHUB_RUN_ID: '42',
      GITHUB_SERVER_URL: github.webUrl,
      GITHUB_API_URL: github.url,
      GITHUB_ACTOR: 'octocat',
      // No builder on PATH: rollback and promote must not need one.
      PATH: path.join(work, 'no-builders'),
    },
  });
}

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'action-ops-'));
  workspace = path.join(work, 'workspace');
  await mkdir(workspace);
  // deploy checks its Dockerfile even when the image is already in the registry.
  await writeFile(path.join(workspace, 'Dockerfile'), 'FROM scratch\n');
  aws = await startAwsPeers({ region: 'eu-west-1' });
  aws.createRepository('hello-app');
  github = await startGitHubPeer({ owner: 'acme', repo: 'infra' });
  for (const version of ['v1', 'v2', 'v3']) {
    digests[version] = await pushTestImage(aws.registry, 'hello-app', version, { content: version });
  }
  for (const version of ['v1', 'v2']) {
    const r = await action({ environment: 'staging', version });
    expect(r.status, r.stdout).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await github?.stop();
  await aws?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the command input of dist/index.js', () => {
  it('rollback: back to the previous version, outputs as for deploy, a summary saying what was rolled back', async () => {
    const r = await action({ command: 'rollback', environment: 'staging' });
    expect(r.status, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({
      version: 'v1',
      digest: digests.v1,
      'parameter-name': '/shared-hosting/hello-app/staging/version',
      'parameter-version': '3',
      conclusion: 'success',
    });
    expect(r.outputs['run-url']).toBe(github.infra.runUrl(Number(r.outputs['run-id'])));
    expect(r.summary).toContain('⏪ Rolled back hello-app in staging from v2 to v1');
  });

  it('rollback to an expired image fails with its reason and changes nothing', async () => {
    const res = await fetch(`${aws.registry.url}/v2/hello-app/manifests/${digests.v2}`, {
      method: 'DELETE',
      headers: { authorization: aws.registry.authorization },
    });
    expect(res.status).toBe(202);
    const puts = aws.aws.calls('PutParameter').length;
    const r = await action({ command: 'rollback', environment: 'staging', to: 'v2' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=Image no longer in ECR::.*lifecycle rule/m);
    expect(aws.aws.calls('PutParameter')).toHaveLength(puts);
  });

  it('promote: the exact staging image, no build, no push; the summary names the source', async () => {
    const auth = aws.aws.calls('GetAuthorizationToken').length;
    const r = await action({ command: 'promote', 'from-environment': 'staging', environment: 'production' });
    expect(r.status, r.stdout).toBe(0);
    expect(r.outputs).toMatchObject({ version: 'v1', digest: digests.v1, conclusion: 'success' });
    expect(r.summary).toContain('⏩ Promoted hello-app v1 from staging to production');
    expect(r.summary).toContain('Promoted from</td><td><code>staging</code>');
    expect(aws.aws.calls('GetAuthorizationToken')).toHaveLength(auth);
    expect(aws.aws.calls('PutImage')).toHaveLength(0);
  });

  it('rollback-on-failure restores the previous value and reports it in the summary', async () => {
    github.scenario.nextRun({ conclusion: 'failure' });
    const r = await action({ environment: 'production', version: 'v3', 'rollback-on-failure': 'true' });
    expect(r.status).toBe(1);
    expect(r.outputs).toMatchObject({ version: 'v3', conclusion: 'failure' });
    expect(r.summary).toContain('Rollback on failure');
    expect(r.summary).toContain('restored to v1');
    const status = await action({ command: 'rollback', environment: 'production', to: 'v1' });
    // v1 is what production holds again: nothing to write, the infra deployment is triggered anyway.
    expect(status.outputs['parameter-version']).toBe('3');
  });

  it('refuses bad rollback and promote inputs on the fast path, naming every input, before any request', async () => {
    const before = aws.aws.requests.length;
    const r = await action({ command: 'rollback', environment: 'Prod', to: 'not a tag' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=Invalid input%3A environment::environment "Prod"/m);
    expect(r.stdout).toMatch(/^::error title=Invalid input%3A to::to "not a tag"/m);
    const p = await action({ command: 'promote', environment: 'production' });
    expect(p.status).toBe(1);
    expect(p.stdout).toMatch(
      /^::error title=Invalid input%3A from-environment::Input required and not supplied: from-environment/m,
    );
    expect(aws.aws.requests.length).toBe(before);
  });

  it('refuses an unknown command on the fast path, naming the input', async () => {
    const r = await action({ command: 'undeploy', environment: 'staging' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error title=.*::command "undeploy" is not a command of this Action/m);
  });
});
