import { describe, expect, it } from 'vitest';
import { envInput, inputVariable, readInputs, secretsToMask } from './inputs.js';

describe('inputs', () => {
  it('uses the variable names the runner sets: upper case, dashes kept', () => {
    expect(inputVariable('infra-repository')).toBe('INPUT_INFRA-REPOSITORY');
    expect(inputVariable('github-token')).toBe('INPUT_GITHUB-TOKEN');
    expect(inputVariable('some input')).toBe('INPUT_SOME_INPUT');
  });

  it('reads every input once; empty means not given', () => {
    const env = {
      INPUT_APPLICATION: ' hello-app ',
      INPUT_ENVIRONMENT: 'staging',
      'INPUT_INFRA-REPOSITORY': 'acme/infra',
      INPUT_VERSION: '   ',
      'INPUT_BUILD-ARGS': 'A=1\nB=2',
      INPUT_WAIT: 'false',
      'INPUT_CANCEL-ON-TIMEOUT': 'true',
    };
    const { inputs } = readInputs(envInput(env), env);
    expect(inputs).toEqual({
      application: 'hello-app',
      environment: 'staging',
      infraRepository: 'acme/infra',
      buildArgs: 'A=1\nB=2',
      wait: 'false',
      cancelOnTimeout: 'true',
    });
  });

  it('falls back to the environment variables of design.md', () => {
    const env = {
      HOSTING_APPLICATION: 'from-env',
      HOSTING_ENVIRONMENT: 'prod',
      HOSTING_BUILDER: 'buildah',
      HOSTING_INFRA_REPO: 'acme/infra',
      INPUT_ENVIRONMENT: 'staging',
      GH_TOKEN: 'gh-token',
    };
    const read = readInputs(envInput(env), env);
    expect(read.inputs).toMatchObject({
      application: 'from-env',
      environment: 'staging',
      builder: 'buildah',
      infraRepository: 'acme/infra',
    });
    expect(read.githubToken).toBe('gh-token');
  });

  it('prefers the github-token input, then GITHUB_TOKEN, then GH_TOKEN', () => {
    const env = { 'INPUT_GITHUB-TOKEN': 'input', GITHUB_TOKEN: 'env', GH_TOKEN: 'gh' };
    expect(readInputs(envInput(env), env).githubToken).toBe('input');
    const env2 = { GITHUB_TOKEN: 'env', GH_TOKEN: 'gh' };
    expect(readInputs(envInput(env2), env2).githubToken).toBe('env');
  });

  it('masks the tokens and the AWS secrets from the environment, line by line', () => {
    const env = {
      'INPUT_GITHUB-TOKEN': 'ghs_input',
      GH_TOKEN: 'gh',
      AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
      AWS_SECRET_ACCESS_KEY: 'secret-key',
      AWS_SESSION_TOKEN: 'line1\nline2',
    };
    const secrets = secretsToMask(readInputs(envInput(env), env), env);
    expect(secrets).toEqual(
      expect.arrayContaining(['ghs_input', 'gh', 'secret-key', 'line1\nline2', 'line1', 'line2']),
    );
    expect(secrets).not.toContain('AKIDEXAMPLE');
  });

  it('also reads an input set under its name as written, when the upper-case variable is absent', () => {
    const env = {
      'INPUT_infra-repository': 'acme/infra',
      INPUT_APPLICATION: 'app',
      INPUT_application: 'other',
    };
    const get = envInput(env);
    expect(get('infra-repository')).toBe('acme/infra');
    expect(get('application')).toBe('app');
  });
});
