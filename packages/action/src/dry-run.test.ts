// The Action's dry runs (issue 23, item 9): offered wherever the CLI offers one (deploy, rollback, promote,
// rollout), and the job summary says what was read and what was not.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { planRollback, prepareRollout, RecordingReporter, rollback, rollout } from '@shared-hosting/core';
import { createFakes } from '@shared-hosting/core/testing';
import { describe, expect, it } from 'vitest';
import { ACTION_NAMES, checkInputs } from './command-input.js';
import { ACTION_ROLLOUT_NAMES, envInput, readInputs } from './inputs.js';
import { renderSummary } from './summary.js';

const PARAM = '/shared-hosting/hello-app/staging/version';
const source = { commit: 'a'.repeat(40), actor: 'octocat', runUrl: undefined } as const;

function read(inputs: Record<string, string>) {
  const env = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  return readInputs(envInput(env), env);
}

describe('the dry-run input', () => {
  it('is read for every command and checked on the fast path, naming it', () => {
    for (const command of ['deploy', 'rollback', 'promote', 'rollout']) {
      const given = read({
        command,
        application: 'hello-app',
        environment: 'staging',
        'infra-repository': 'acme/infra',
        'from-environment': 'qa',
        'dry-run': 'perhaps',
      });
      expect(given.dryRun).toBe('perhaps');
      expect(() => checkInputs(given, '/tmp'), command).toThrow(/dry-run "perhaps" is not a boolean/);
    }
  });
});

describe('the summary of a dry run', () => {
  it('a release stopped at its preflight: the parameter not read, the image not looked up', async () => {
    const fakes = createFakes();
    fakes.registry.repositories.add('hello-app');
    await fakes.parameters.put(PARAM, 'v2', 'deployed');
    const plan = {
      ...planRollback(
        { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra', to: 'v1' },
        ACTION_NAMES,
      ),
      source,
    };
    const ports = { ...fakes, reporter: new RecordingReporter() };
    const result = await rollback(plan, ports, { dryRun: true });
    expect(result.status).toBe('failed');
    const html = renderSummary({ command: 'rollback', result });
    expect(html).toContain('❌ Rollback of hello-app in staging');
    expect(html).toContain(`<code>${PARAM}</code>: not read`);
    expect(html).toContain('(not looked up)');
    expect(html).not.toContain('(not set)');
    expect(html).not.toContain('in the registry');
  });

  it('a rollout whose version is not in ECR: the version read, the image not looked up, nothing registered', async () => {
    const fakes = createFakes();
    fakes.registry.repositories.add('hello-app');
    fakes.containers.addService('shared-staging', 'hello-app', {
      family: 'hello-app',
      containerDefinitions: [{ name: 'web', image: 'registry.example.test/hello-app:v1' }],
    });
    await fakes.parameters.put(PARAM, 'v9', 'never pushed');
    const dir = mkdtempSync(path.join(tmpdir(), 'action-dry-run-'));
    mkdirSync(path.join(dir, 'apps'));
    writeFileSync(
      path.join(dir, 'apps/hello-app.yaml'),
      'environments:\n  staging:\n    cluster: shared-staging\n    container: web\n',
    );
    const plan = await prepareRollout(
      { application: 'hello-app', environment: 'staging', dryRun: 'true' },
      ACTION_ROLLOUT_NAMES,
      dir,
    );
    const result = await rollout(plan, { ...fakes, reporter: new RecordingReporter() });
    const html = renderSummary({ command: 'rollout', result });
    expect(html).toContain('❌ Rollout of hello-app v9 to staging failed');
    expect(html).toContain('<tr><td>Image</td><td>not looked up</td></tr>');
    expect(fakes.containers.registered).toEqual([]);
  });
});
