import { describe, expect, it } from 'vitest';
import { InputErrors } from '../errors/errors.js';
import { INPUT_NAMES, ROLLOUT_NAMES } from '../testing/names.js';
import {
  DEFAULTS,
  formatDuration,
  isValidRef,
  parseDeployInputs,
  parseDuration,
  parseReleaseInputs,
  parseRepositorySlug,
  parseRolloutFields,
  parseTargetInputs,
  parseTimeout,
} from './inputs.js';

const base = { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra' };

function errorsOf(raw: Record<string, unknown>): InputErrors {
  try {
    parseDeployInputs(raw, INPUT_NAMES, '/work');
  } catch (error) {
    if (error instanceof InputErrors) return error;
    throw error;
  }
  throw new Error('expected InputErrors');
}

describe('parseDeployInputs', () => {
  it('refuses SSM parameter names with an empty, "." or ".." segment, naming the input', () => {
    for (const parameter of ['//a', '/a//b', '/a/../b', '/a/./b', '/a/']) {
      const e = errorsOf({ ...base, parameter });
      expect(e.errors.map((x) => x.input)).toEqual(['<parameter>']);
      expect(e.errors[0]?.message).toContain('path segment');
    }
    expect(
      parseDeployInputs({ ...base, parameter: '/a.b/c..d/version' }, INPUT_NAMES, '/work').parameter,
    ).toBe('/a.b/c..d/version');
  });

  it("refuses a version parameter that is a lock or lies under another application's or environment's prefix", () => {
    const cases = [
      ['/shared-hosting/other-app/staging/version', 'belongs to another application or environment'],
      ['/shared-hosting/hello-app/production/version', 'belongs to another application or environment'],
      ['/shared-hosting/hello-app/staging-x/version', 'belongs to another application or environment'],
      ['/shared-hosting/hello-app/staging', 'belongs to another application or environment'],
      ['/shared-hosting/other-app/staging/lock', 'names a deployment lock'],
      ['/shared-hosting/hello-app/staging/lock', 'names a deployment lock'],
      ['/team/hello/version-lock', 'names a deployment lock'],
    ] as const;
    for (const [parameter, why] of cases) {
      const e = errorsOf({ ...base, parameter });
      expect(e.errors.map((x) => x.input)).toEqual(['<parameter>']);
      expect(e.errors[0]?.message).toContain(why);
      expect(e.errors[0]?.fix).toContain('/shared-hosting/hello-app/staging/version');
    }
    for (const parameter of [
      '/shared-hosting/hello-app/staging/web/version',
      '/team/hello/staging/version',
    ]) {
      expect(parseDeployInputs({ ...base, parameter }, INPUT_NAMES, '/work').parameter).toBe(parameter);
    }
  });

  it('cuts a long input in its message to 64 characters and says how long it was', () => {
    const e = errorsOf({ ...base, application: `A${'x'.repeat(10_000)}` });
    const message = e.errors[0]?.message ?? '';
    expect(message).toContain('(10001 characters)');
    expect(message.length).toBeLessThan(200);
  });

  it('applies the defaults of the contract', () => {
    const o = parseDeployInputs(base, INPUT_NAMES, '/work');
    expect(o).toMatchObject({
      application: 'hello-app',
      environment: 'staging',
      version: undefined,
      context: '/work',
      dockerfile: '/work/Dockerfile',
      builder: 'auto',
      repository: 'hello-app',
      parameter: '/shared-hosting/hello-app/staging/version',
      infra: { owner: 'acme', repo: 'infra', workflow: 'deploy.yaml', ref: 'main' },
      wait: true,
      timeoutMs: 30 * 60_000,
      cancelOnTimeout: false,
      cancelOnInterrupt: true,
    });
  });

  it('treats empty strings as not given', () => {
    const o = parseDeployInputs(
      { ...base, version: '', context: ' ', repository: '', parameter: '', timeout: '', builder: '' },
      INPUT_NAMES,
      '/w',
    );
    expect(o.version).toBeUndefined();
    expect(o.repository).toBe('hello-app');
    expect(o.timeoutMs).toBe(1_800_000);
  });

  it('resolves the Dockerfile inside the context by default', () => {
    const o = parseDeployInputs({ ...base, context: 'app' }, INPUT_NAMES, '/work');
    expect(o.dockerfile).toBe('/work/app/Dockerfile');
  });

  it('names each missing required input as the adapter passed it', () => {
    const e = errorsOf({});
    expect(e.errors.map((x) => x.input)).toEqual(['<application>', '<environment>', '<infraRepository>']);
    expect(e.message).toContain('Input required and not supplied: <application>.');
  });

  it.each([
    ['application', 'Hello_App', '<application>'],
    ['application', '1app', '<application>'],
    ['application', 'a'.repeat(64), '<application>'],
    ['environment', 'prod env', '<environment>'],
    ['version', '-bad', '<version>'],
    ['version', 'a'.repeat(129), '<version>'],
    ['repository', 'Upper/Case', '<repository>'],
    ['parameter', 'no-leading-slash', '<parameter>'],
    ['parameter', '/aws/reserved', '<parameter>'],
    ['parameter', `/${'a/'.repeat(16)}x`, '<parameter>'],
    ['infraRepository', 'just-a-name', '<infraRepository>'],
    ['infraRepository', 'a/b/c', '<infraRepository>'],
    ['infraWorkflow', 'deploy.txt', '<infraWorkflow>'],
    ['infraRef', 'bad..ref', '<infraRef>'],
    ['infraRef', 'has space', '<infraRef>'],
    ['timeout', 'soon', '<timeout>'],
    ['timeout', '0s', '<timeout>'],
    ['timeout', '100h', '<timeout>'],
    ['builder', 'kaniko', '<builder>'],
    ['wait', 'maybe', '<wait>'],
    ['buildArgs', ['NOVALUE'], '<buildArgs>'],
    ['platform', 'amd64', '<platform>'],
  ])('rejects %s = %j naming %s and the fix', (key, value, input) => {
    const e = errorsOf({ ...base, [key]: value });
    expect(e.errors).toHaveLength(1);
    expect(e.errors[0]?.input).toBe(input);
    expect(e.message).toContain(input);
    expect(e.fix).toBeTruthy();
    expect(e.kind).toBe('input');
  });

  it('checks the ECR repository defaulted from a one-letter application name', () => {
    const e = errorsOf({ ...base, application: 'b' });
    expect(e.errors.map((x) => x.input)).toEqual(['<repository>']);
    expect(e.message).toContain('defaults to the application name "b"');
    expect(
      parseDeployInputs({ ...base, application: 'b', repository: 'team/b' }, INPUT_NAMES, '/').repository,
    ).toBe('team/b');
  });

  it('reports every invalid input at once', () => {
    const e = errorsOf({ application: 'X', environment: 'Y', infraRepository: 'z', timeout: 'never' });
    expect(e.errors.map((x) => x.input)).toEqual([
      '<application>',
      '<environment>',
      '<infraRepository>',
      '<timeout>',
    ]);
    expect(e.message).toMatch(/^4 inputs are invalid:/);
  });

  it('parses build args from a list or from lines', () => {
    expect(parseDeployInputs({ ...base, buildArgs: ['A=1', 'B=x=y'] }, INPUT_NAMES, '/').buildArgs).toEqual({
      A: '1',
      B: 'x=y',
    });
    expect(parseDeployInputs({ ...base, buildArgs: 'A=1\n\nB=2\n' }, INPUT_NAMES, '/').buildArgs).toEqual({
      A: '1',
      B: '2',
    });
  });

  it('accepts booleans as Action strings', () => {
    const o = parseDeployInputs({ ...base, wait: 'false', cancelOnTimeout: 'true' }, INPUT_NAMES, '/');
    expect(o.wait).toBe(false);
    expect(o.cancelOnTimeout).toBe(true);
  });

  it('uses the registry build cache unless cache is false', () => {
    expect(parseDeployInputs(base, INPUT_NAMES, '/').cache).toBe(true);
    expect(parseDeployInputs({ ...base, cache: 'false' }, INPUT_NAMES, '/').cache).toBe(false);
    expect(parseDeployInputs({ ...base, cache: false }, INPUT_NAMES, '/').cache).toBe(false);
    expect(() => parseDeployInputs({ ...base, cache: 'sometimes' }, INPUT_NAMES, '/')).toThrow(
      '<cache> "sometimes" is not a boolean.',
    );
  });
});

describe('durations', () => {
  it.each([
    ['30m', 1_800_000],
    ['1h30m', 5_400_000],
    ['90s', 90_000],
    ['45', 45_000],
    ['1500ms', 1500],
    ['1.5h', 5_400_000],
  ])('parses %s', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'm', '10 minutes', '5x', '1h 30m', '-5s'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('formats durations', () => {
    expect(formatDuration(450)).toBe('450ms');
    expect(formatDuration(4200)).toBe('4.2s');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(3_600_000)).toBe('1h');
  });
});

describe('refs and slugs', () => {
  it('validates refs', () => {
    for (const ok of ['main', 'release/v1', 'v1.2.3', 'feature-x']) expect(isValidRef(ok)).toBe(true);
    for (const bad of ['', 'a..b', 'x.lock', '-x', 'a b', 'a:b', 'a\u0001b', 'trailing/'])
      expect(isValidRef(bad)).toBe(false);
  });
  it('parses owner/name', () => {
    expect(parseRepositorySlug('acme/infra')).toEqual({ owner: 'acme', repo: 'infra' });
    expect(parseRepositorySlug('acme/')).toBeUndefined();
    expect(parseRepositorySlug('-acme/infra')).toBeUndefined();
  });
});

describe('parseTimeout: the one duration rule of deploy, rollback, promote and rollout', () => {
  it('takes 1s to 72h, defaults to 30m, and names the input with its value quoted', () => {
    expect(parseTimeout(undefined, '<timeout>')).toEqual({ ms: 30 * 60_000 });
    expect(parseTimeout('72h', '<timeout>')).toEqual({ ms: 72 * 3600_000 });
    for (const text of ['0s', '500ms', '73h', 'soon']) {
      const result = parseTimeout(text, '<timeout>');
      expect('error' in result && result.error.message).toBe(
        `<timeout> "${text}" is not a duration between 1s and 72h.`,
      );
    }
  });
});

describe('a command parses a pick of the fields', () => {
  const names = INPUT_NAMES;

  it('status, history and unlock: the target, with no infra repository unless one is given', () => {
    const target = parseTargetInputs({ application: 'hello-app', environment: 'staging' }, names);
    expect(target).toEqual({
      application: 'hello-app',
      environment: 'staging',
      repository: 'hello-app',
      parameter: '/shared-hosting/hello-app/staging/version',
      infra: undefined,
    });
    expect(
      parseTargetInputs(
        { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra' },
        names,
      ).infra,
    ).toMatchObject({
      owner: 'acme',
      repo: 'infra',
      workflow: DEFAULTS.infraWorkflow,
      ref: DEFAULTS.infraRef,
    });
    expect(() =>
      parseTargetInputs({ application: 'hello-app', environment: 'staging', infraRepository: 'nope' }, names),
    ).toThrow('<infraRepository> "nope" is not an owner/name repository.');
  });

  it('rollback and promote: the infra repository is required, the build is not read', () => {
    expect(() => parseReleaseInputs({ application: 'hello-app', environment: 'staging' }, names)).toThrow(
      'Input required and not supplied: <infraRepository>.',
    );
    const release = parseReleaseInputs(
      { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra', builder: 'kaniko' },
      names,
    );
    expect(release).toMatchObject({ infra: { owner: 'acme' }, timeoutMs: 30 * 60_000, wait: true });
    expect(release).not.toHaveProperty('builder');
  });
});

describe('the rollout pick of the field table', () => {
  it('checks application, environment and timeout by the same rules as deploy, with the same texts', () => {
    const raw = { application: 'Hello', environment: '', timeout: '0s', infraRepository: 'acme/infra' };
    const deploy = errorsOf(raw).errors.map((e) => [e.input, e.message, e.fix]);
    const rollout = parseRolloutFields(raw, ROLLOUT_NAMES).errors.map((e) => [e.input, e.message, e.fix]);
    expect(rollout).toEqual(deploy);
    expect(rollout.map(([input]) => input)).toEqual(['<application>', '<environment>', '<timeout>']);
  });

  it('reads the stage, the dry run and the overrides, every bad value quoted and cut the same way', () => {
    const long = 'x'.repeat(80);
    const fields = parseRolloutFields(
      { application: 'hello-app', environment: 'staging', waitUntil: long, dryRun: 'maybe', cluster: `a b` },
      ROLLOUT_NAMES,
    );
    expect(fields.errors.map((e) => e.message)).toEqual([
      `<waitUntil> "${'x'.repeat(64)}…" (80 characters) is not a stage the rollout can wait until.`,
      '<dryRun> "maybe" is not a boolean.',
      '<cluster> "a b" is not a valid ECS cluster name.',
    ]);
    expect(fields).toMatchObject({
      waitUntil: 'complete',
      dryRun: false,
      overrides: {},
      timeoutMs: 1_800_000,
    });
  });
});
