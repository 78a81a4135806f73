import type { ReleaseResult } from '@shared-hosting/core';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './command-input.js';
import { COMMANDS } from './commands.js';
import { type ActionInputs, envInput, readInputs } from './inputs.js';
import { renderSummary, summaryHeading } from './summary.js';

const context = {
  cwd: '/tmp',
  env: { GITHUB_ACTIONS: 'true', GITHUB_SHA: 'a'.repeat(40), GITHUB_ACTOR: 'octocat' },
};

function read(inputs: Record<string, string>) {
  const env = Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v]));
  return readInputs(envInput(env), env);
}

/** Validate and plan the command the inputs ask for, as main.ts does. */
function prepareCommand(given: ActionInputs, ctx: typeof context) {
  return COMMANDS[parseCommand(given.command)](given, ctx, () => '');
}

describe('the command input', () => {
  it('defaults to deploy and names the input when unknown', () => {
    expect(parseCommand(undefined)).toBe('deploy');
    expect(parseCommand('Rollback')).toBe('rollback');
    expect(() => parseCommand('undeploy')).toThrow(/command "undeploy" is not a command of this Action/);
  });

  it('reads the operation inputs apart from the deploy inputs', () => {
    const given = read({
      command: 'promote',
      application: 'hello-app',
      environment: 'production',
      'from-environment': 'staging',
      'rollback-on-failure': 'true',
      'wait-for-lock': 'false',
    });
    expect(given.command).toBe('promote');
    expect(given.operation).toEqual({ from: 'staging', rollbackOnFailure: 'true', waitForLock: 'false' });
    expect(given.inputs).toEqual({ application: 'hello-app', environment: 'production' });
  });

  it('plans a rollback and a promote with the Action input names in errors', async () => {
    const rollback = await prepareCommand(
      read({
        command: 'rollback',
        application: 'hello-app',
        environment: 'production',
        'infra-repository': 'acme/infra',
      }),
      context,
    );
    expect(rollback).toMatchObject({ cancels: { owner: 'acme', repo: 'infra' } });
    await expect(
      prepareCommand(
        read({
          command: 'promote',
          application: 'hello-app',
          environment: 'production',
          'infra-repository': 'acme/infra',
        }),
        context,
      ),
    ).rejects.toThrow(/Input required and not supplied: from-environment/);
    await expect(
      prepareCommand(
        read({
          command: 'rollback',
          application: 'hello-app',
          environment: 'staging',
          'infra-repository': 'acme/infra',
          'redeploy-on-rollback': 'true',
        }),
        context,
      ),
    ).rejects.toThrow(/redeploy-on-rollback only applies together with rollback-on-failure/);
  });
});

describe('the summary of a rollback or promote', () => {
  const base: ReleaseResult = {
    status: 'succeeded',
    dryRun: false,
    error: undefined,
    application: 'hello-app',
    environment: 'production',
    version: 'v1',
    image: 'r/hello-app:v1',
    digest: 'sha256:abc',
    imageExisted: true,
    builder: undefined,
    parameterName: '/shared-hosting/hello-app/production/version',
    parameterVersion: 4,
    previousValue: 'v2',
    run: { id: 5, url: 'https://github.test/acme/infra/actions/runs/5' },
    conclusion: 'success',
    failedJobs: [],
    steps: [],
  };

  it('says what was rolled back, from what to what', () => {
    const result = {
      command: 'rollback' as const,
      result: { ...base, operation: 'rollback' as const, from: 'v2' },
    };
    expect(summaryHeading(result)).toBe('⏪ Rolled back hello-app in production from v2 to v1');
    expect(renderSummary(result)).toContain('<tr><td>Rolled back from</td><td><code>v2</code></td></tr>');
  });

  it('says what was promoted from where, and the recovery after a failure', () => {
    const promoted = {
      ...base,
      status: 'failed' as const,
      conclusion: 'failure',
      operation: 'promote' as const,
      sourceEnvironment: 'staging',
      sourceVersion: 'v1',
      retagged: false,
      recovery: {
        restored: true,
        value: 'v2',
        parameterVersion: 5,
        summary: 'The parameter was restored to v2.',
        run: { id: 6, url: 'https://github.test/acme/infra/actions/runs/6' },
        conclusion: 'success',
      },
    };
    const result = { command: 'promote' as const, result: promoted };
    expect(summaryHeading(result)).toBe('❌ Promotion of hello-app v1 from staging to production failed');
    const html = renderSummary(result);
    expect(html).toContain('Promoted from</td><td><code>staging</code> (<code>v1</code>)');
    expect(html).toContain('The parameter was restored to v2.');
    expect(html).toContain('<a href="https://github.test/acme/infra/actions/runs/6">run 6</a>: success');
  });

  it('keeps the deploy heading', () => {
    expect(summaryHeading({ command: 'deploy', result: base })).toBe(
      '✅ Deployed hello-app v1 to production',
    );
  });
});
