/**
 * The core's messages name the Action's inputs, never the CLI's flags: the Action passes its names in
 * (ACTION_ADAPTER_NAMES). The CLI's own test holds the core's sources to naming no flag.
 */
import {
  checkRolloutInputs,
  createPorts,
  type HostingError,
  parseDeployInputs,
  planPromote,
  silentReporter,
} from '@shared-hosting/core';
import { newReleaseLive } from '@shared-hosting/core/adapter';
import { inputsNamed } from '@shared-hosting/core/testing';
import { describe, expect, it } from 'vitest';
import { ACTION_NAMES } from './command-input.js';
import { COMMANDS } from './commands.js';
import {
  ACTION_ADAPTER_NAMES,
  ACTION_INPUT_NAMES,
  ACTION_ROLLOUT_NAMES,
  envInput,
  readInputs,
} from './inputs.js';

/** Static credentials in the environment given: no credential chain, no request. */
const AWS_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
};

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => expect.unreachable('it should fail'),
    (error: unknown) => error as HostingError,
  );

describe("the core's messages in the Action", () => {
  it("name the Action's inputs in the core's input messages", () => {
    expect(inputsNamed(() => parseDeployInputs({}, ACTION_INPUT_NAMES, '/'))).toEqual([
      'application',
      'environment',
      'infra-repository',
    ]);
    const rollout = { application: 'Hello', environment: 'staging', waitUntil: 'never', dryRun: 'maybe' };
    expect(inputsNamed(() => checkRolloutInputs(rollout, ACTION_ROLLOUT_NAMES))).toEqual([
      'application',
      'wait-until',
      'dry-run',
    ]);
    const target = { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra' };
    expect(
      inputsNamed(() => planPromote({ ...target, from: 'Bad Env', waitForLock: 'maybe' }, ACTION_NAMES)),
    ).toEqual(['from-environment', 'wait-for-lock']);
  });

  it('name AWS_REGION alone for a malformed region: the Action has no region input', async () => {
    const inputs = {
      INPUT_COMMAND: 'rollback',
      INPUT_APPLICATION: 'hello-app',
      INPUT_ENVIRONMENT: 'staging',
      'INPUT_INFRA-REPOSITORY': 'acme/infra',
    };
    const given = readInputs(envInput(inputs), inputs);
    const context = { cwd: '/tmp', env: { GITHUB_ACTIONS: 'true', GITHUB_ACTOR: 'octocat' } };
    const command = await COMMANDS.rollback(given, context, () => '');
    const error = await failure(
      command.run({
        given,
        env: { ...AWS_ENV, AWS_REGION: 'eu west 1' },
        reporter: silentReporter,
        signal: new AbortController().signal,
        onGitHubToken: () => {},
        live: newReleaseLive(),
      }),
    );
    expect(error.message).toBe(
      'AWS_REGION "eu west 1" is not an AWS region name (like eu-west-1 or us-gov-west-1).',
    );
    expect(error.fix).toMatch(/^Set AWS_REGION to the region/);
    expect(error.fix).not.toContain('--');
  });

  it('name the builder input when the builder asked for is missing', async () => {
    const ports = await createPorts({
      builder: 'buildah',
      names: ACTION_ADAPTER_NAMES,
      env: { ...AWS_ENV, PATH: '' },
      reporter: silentReporter,
    });
    const error = await failure(ports.builder());
    expect(error.code).toBe('BUILDER_NOT_FOUND');
    expect(error.fix).toMatch(/; or choose another with builder\.$/);
  });
});
