/**
 * The committed bundle's `command` input (rollback, promote) and deploy's safety nets, run as the runner
 * runs it against the testkit peers. Images are pushed straight to the registry: nothing is built.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pushTestImage } from '@shared-hosting/testkit';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobEnv, NODE_24, type RunResult, runBundle, runnerFiles, usePeers } from './runner.js';

// On the Node that action.yml names (node24); bundle.e2e.test.ts has the smoke run on the machine's Node.
describe.each([NODE_24])('on $name', (runtime) => {
  // Fresh peers per Node: the tests below go through one history of deployments.
  const peers = usePeers({
    name: 'action-ops',
    build: false,
    // deploy checks its Dockerfile even when the image is already in the registry.
    files: { Dockerfile: 'FROM scratch\n' },
  });
  const digests: Record<string, string> = {};

  async function action(inputs: Record<string, string>): Promise<RunResult> {
    const files = await runnerFiles();
    return runBundle({
      node: runtime.path,
      entry: 'index.js',
      files,
      workspace: peers.workspace,
      inputs: {
        application: 'hello-app',
        'infra-repository': 'acme/infra',
        'github-token': peers.github.token,
        timeout: '2m',
        ...inputs,
      },
      env: {
        ...jobEnv(peers, 'c'.repeat(40)),
        GITHUB_RUN_ID: '42',
        // No builder on PATH: rollback and promote must not need one.
        PATH: path.join(peers.work, 'no-builders'),
      },
    });
  }

  beforeAll(async () => {
    expect(existsSync(runtime.path), `${runtime.path} is missing: run pnpm install`).toBe(true);
    for (const version of ['v1', 'v2', 'v3']) {
      digests[version] = await pushTestImage(peers.aws.registry, 'hello-app', version, { content: version });
    }
    for (const version of ['v1', 'v2']) {
      const r = await action({ environment: 'staging', version });
      expect(r.status, r.stdout).toBe(0);
    }
  }, 60_000);

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
      expect(r.outputs['run-url']).toBe(peers.github.infra.runUrl(Number(r.outputs['run-id'])));
      expect(r.summary).toContain('⏪ Rolled back hello-app in staging from v2 to v1');
    });

    it('rollback to an expired image fails with its reason and changes nothing', async () => {
      const res = await fetch(`${peers.aws.registry.url}/v2/hello-app/manifests/${digests.v2}`, {
        method: 'DELETE',
        headers: { authorization: peers.aws.registry.authorization },
      });
      expect(res.status).toBe(202);
      const puts = peers.aws.aws.calls('PutParameter').length;
      const r = await action({ command: 'rollback', environment: 'staging', to: 'v2' });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^::error title=Image no longer in ECR::.*lifecycle rule/m);
      expect(peers.aws.aws.calls('PutParameter')).toHaveLength(puts);
    });

    it('promote: the exact staging image, no build, no push; the summary names the source', async () => {
      const auth = peers.aws.aws.calls('GetAuthorizationToken').length;
      const r = await action({
        command: 'promote',
        'from-environment': 'staging',
        environment: 'production',
      });
      expect(r.status, r.stdout).toBe(0);
      expect(r.outputs).toMatchObject({ version: 'v1', digest: digests.v1, conclusion: 'success' });
      expect(r.summary).toContain('⏩ Promoted hello-app v1 from staging to production');
      expect(r.summary).toContain('Promoted from</td><td><code>staging</code>');
      expect(peers.aws.aws.calls('GetAuthorizationToken')).toHaveLength(auth);
      expect(peers.aws.aws.calls('PutImage')).toHaveLength(0);
    });

    it('rollback-on-failure restores the previous value and reports it in the summary', async () => {
      peers.github.scenario.nextRun({ conclusion: 'failure' });
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
      const before = peers.aws.aws.requests.length;
      const r = await action({ command: 'rollback', environment: 'Prod', to: 'not a tag' });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^::error title=Invalid input%3A environment::environment "Prod"/m);
      expect(r.stdout).toMatch(/^::error title=Invalid input%3A to::to "not a tag"/m);
      const p = await action({ command: 'promote', environment: 'production' });
      expect(p.status).toBe(1);
      expect(p.stdout).toMatch(
        /^::error title=Invalid input%3A from-environment::Input required and not supplied: from-environment/m,
      );
      expect(peers.aws.aws.requests.length).toBe(before);
    });

    it('dry-run for deploy, rollback and promote: changes nothing, and the summary says what was read', async () => {
      const writes = () =>
        ['PutParameter', 'DeleteParameter', 'PutImage'].map((op) => peers.aws.aws.calls(op).length);
      const before = { writes: writes(), dispatches: peers.github.stats.dispatches.length };
      const deploy = await action({ environment: 'staging', version: 'v3', 'dry-run': 'true' });
      expect(deploy.status, deploy.stdout).toBe(0);
      expect(deploy.summary).toContain('🔍 Dry run: deployment of hello-app v3 to staging');
      expect(deploy.summary).toContain('(in the registry)');
      expect(deploy.summary).toContain('(dry run: not changed)');
      const rollback = await action({
        command: 'rollback',
        environment: 'staging',
        to: 'v1',
        'dry-run': 'true',
      });
      expect(rollback.status, rollback.stdout).toBe(0);
      expect(rollback.summary).toContain('🔍 Dry run: rollback of hello-app in staging');
      const promote = await action({
        command: 'promote',
        'from-environment': 'staging',
        environment: 'production',
        'dry-run': 'true',
      });
      expect(promote.status, promote.stdout).toBe(0);
      expect(promote.summary).toContain('🔍 Dry run: promotion of hello-app');
      expect(writes()).toEqual(before.writes);
      expect(peers.github.stats.dispatches.length).toBe(before.dispatches);
      // A dry run that stops at the preflight (the source's image is gone) claims nothing it did not read.
      const gone = await action({ command: 'rollback', environment: 'staging', to: 'v2', 'dry-run': 'true' });
      expect(gone.status).toBe(1);
      expect(gone.summary).toContain('<code>/shared-hosting/hello-app/staging/version</code>: not read');
      expect(gone.summary).toContain('(not looked up)');
      expect(gone.summary).not.toContain('in the registry');
      const bad = await action({ environment: 'staging', 'dry-run': 'maybe' });
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(
        /^::error title=Invalid input%3A dry-run::dry-run "maybe" is not a boolean/m,
      );
    });

    it('refuses an unknown command on the fast path, naming the input', async () => {
      const r = await action({ command: 'undeploy', environment: 'staging' });
      expect(r.status).toBe(1);
      expect(r.stdout).toMatch(/^::error title=.*::command "undeploy" is not a command of this Action/m);
    });
  });
});
