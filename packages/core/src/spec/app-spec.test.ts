import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputErrors } from '../errors/errors.js';
import { CLI_ROLLOUT_NAMES, planRollout } from '../plan/rollout.js';
import { prepareRollout } from '../prepare/app-spec.js';
import { parseAppSpec } from './app-spec.js';

const FILE = 'apps/hello-app.yaml';
const SPEC = `repository: hello-app
parameter: /shared-hosting/hello-app/{environment}/version
environments:
  staging:
    cluster: shared-staging
    service: hello-app
    container: web
  production:
    cluster: shared-production
`;

function messages(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputErrors) return error.errors.map((e) => `${e.message} | ${e.fix}`);
    throw error;
  }
  throw new Error('expected InputErrors');
}

describe('App spec', () => {
  it('parses the example of design.md', () => {
    const spec = parseAppSpec(SPEC, FILE);
    expect(spec.environments.staging).toEqual({
      cluster: 'shared-staging',
      service: 'hello-app',
      container: 'web',
    });
    expect(spec.lines).toEqual({ '': 3, staging: 4, production: 8 });
  });

  it('an unknown key names the file, the line and the keys allowed', () => {
    const text = SPEC.replace('    service: hello-app\n', '    servce: hello-app\n');
    expect(messages(() => parseAppSpec(text, FILE))).toEqual([
      `${FILE}:6: unknown key "servce" in environments.staging. | Remove it, or use one of: cluster, service, container (see the App spec reference).`,
    ]);
    expect(messages(() => parseAppSpec(`${SPEC}image: x\n`, FILE))[0]).toContain(
      `${FILE}:10: unknown key "image" in the top level.`,
    );
  });

  it('every problem is listed, each with its line and fix', () => {
    const text = `repository: Hello_App
environments:
  Staging:
    cluster: shared staging
  production:
    service: web
`;
    expect(messages(() => parseAppSpec(text, FILE))).toEqual([
      `${FILE}:1: repository must match pattern "${'^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$'}" (got "Hello_App"). | Use an ECR repository name: lowercase letters, digits, and ".", "_", "-" or "/" between them, e.g. hello-app.`,
      `${FILE}:3: "Staging" in environments is not a valid environment name. | Name environments with 1-63 lowercase letters, digits and "-", starting with a letter, e.g. staging.`,
      `${FILE}:4: environments.Staging.cluster must match pattern "^(?:[A-Za-z0-9_-]{1,255}|arn:aws[a-z-]*:ecs:[a-z0-9-]+:\\d{12}:cluster/[A-Za-z0-9_-]{1,255})$" (got "shared staging"). | Use the cluster's name (letters, digits, "-" and "_") or its ARN, e.g. shared-staging.`,
      `${FILE}:5: environments.production has no "cluster". | Add "cluster:" to environments.production, e.g. "cluster: shared-production".`,
    ]);
  });

  it('YAML syntax errors and empty files are bad input naming the file', () => {
    expect(
      messages(() => parseAppSpec('environments:\n  staging:\n    cluster: a\n   bad: [\n', FILE))[0],
    ).toMatch(new RegExp(`^${FILE}:4: not valid YAML`));
    expect(() => parseAppSpec('', FILE)).toThrow(`${FILE} is empty.`);
    expect(messages(() => parseAppSpec('environments: staging\n', FILE))[0]).toContain(
      `${FILE}:1: environments must be a mapping`,
    );
  });
});

describe('planRollout', () => {
  const spec = parseAppSpec(SPEC, FILE);

  it('resolves every name from the spec, with defaults and overrides', () => {
    const staging = planRollout(
      { application: 'hello-app', environment: 'staging' },
      spec,
      CLI_ROLLOUT_NAMES,
    );
    expect(staging).toMatchObject({
      cluster: 'shared-staging',
      service: 'hello-app',
      container: 'web',
      repository: 'hello-app',
      parameter: '/shared-hosting/hello-app/staging/version',
      timeoutMs: 30 * 60_000,
      pollIntervalMs: 2000,
      steps: ['read', 'resolve', 'render', 'update-service', 'ecs-wait', 'record'],
    });
    const production = planRollout(
      { application: 'hello-app', environment: 'production', service: 'hello-blue', cluster: 'other' },
      spec,
      CLI_ROLLOUT_NAMES,
    );
    expect(production).toMatchObject({ cluster: 'other', service: 'hello-blue', container: 'hello-app' });
  });

  it('an environment missing from the spec is bad input naming the file, line and fix', () => {
    expect(
      messages(() => planRollout({ application: 'hello-app', environment: 'qa' }, spec, CLI_ROLLOUT_NAMES)),
    ).toEqual([
      `${FILE}:3: environment "qa" is not in the App spec (it has "staging", "production"). | Add "qa:" with its "cluster" under "environments:" in ${FILE}, or pass --env with one of staging, production.`,
    ]);
  });

  it('bad flags are listed together', () => {
    const errors = messages(() =>
      planRollout({ application: 'Hello', environment: 'staging', timeout: 'soon' }, spec, CLI_ROLLOUT_NAMES),
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('--app "Hello" is not a valid application name');
    expect(errors[1]).toContain('--timeout "soon" is not a duration');
  });

  it('prepareRollout reads apps/<application>.yaml; a missing file is bad input unless --cluster is given', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'spec-'));
    await mkdir(path.join(dir, 'apps'));
    await writeFile(path.join(dir, FILE), SPEC);
    const plan = await prepareRollout(
      { application: 'hello-app', environment: 'staging' },
      CLI_ROLLOUT_NAMES,
      dir,
    );
    expect(plan.specFile).toBe(FILE);
    await expect(
      prepareRollout({ application: 'other', environment: 'staging' }, CLI_ROLLOUT_NAMES, dir),
    ).rejects.toThrow('The App spec apps/other.yaml does not exist');
    await expect(
      prepareRollout(
        { application: 'other', environment: 'staging', spec: 'nope.yaml' },
        CLI_ROLLOUT_NAMES,
        dir,
      ),
    ).rejects.toThrow('The App spec nope.yaml does not exist.');
    const bare = await prepareRollout(
      { application: 'other', environment: 'staging', cluster: 'c1' },
      CLI_ROLLOUT_NAMES,
      dir,
    );
    expect(bare).toMatchObject({ specFile: undefined, cluster: 'c1', service: 'other', container: 'other' });
  });
});
