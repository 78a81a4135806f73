import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputErrors } from '../errors/errors.js';
import { planRollout } from '../plan/rollout.js';
import { prepareRollout } from '../prepare/app-spec.js';
import { ROLLOUT_NAMES } from '../testing/names.js';
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
      `${FILE}:6: unknown key "servce" in environments.staging. | Remove it, or use one of: cluster, service, container, services, release (see the App spec reference).`,
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
    const staging = planRollout({ application: 'hello-app', environment: 'staging' }, spec, ROLLOUT_NAMES);
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
      ROLLOUT_NAMES,
    );
    expect(production).toMatchObject({ cluster: 'other', service: 'hello-blue', container: 'hello-app' });
  });

  it('an environment missing from the spec is bad input naming the file, line and fix', () => {
    expect(
      messages(() => planRollout({ application: 'hello-app', environment: 'qa' }, spec, ROLLOUT_NAMES)),
    ).toEqual([
      `${FILE}:3: environment "qa" is not in the App spec (it has "staging", "production"). | Add "qa:" with its "cluster" under "environments:" in ${FILE}, or pass <environment> with one of staging, production.`,
    ]);
  });

  it('bad flags are listed together', () => {
    const errors = messages(() =>
      planRollout({ application: 'Hello', environment: 'staging', timeout: 'soon' }, spec, ROLLOUT_NAMES),
    );
    expect(errors).toHaveLength(2);
    expect(errors[0]).toContain('<application> "Hello" is not a valid application name');
    expect(errors[1]).toContain('<timeout> "soon" is not a duration');
  });

  it('prepareRollout reads apps/<application>.yaml; a missing file is bad input unless <cluster> is given', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'spec-'));
    await mkdir(path.join(dir, 'apps'));
    await writeFile(path.join(dir, FILE), SPEC);
    const plan = await prepareRollout(
      { application: 'hello-app', environment: 'staging' },
      ROLLOUT_NAMES,
      dir,
    );
    expect(plan.specFile).toBe(FILE);
    await expect(
      prepareRollout({ application: 'other', environment: 'staging' }, ROLLOUT_NAMES, dir),
    ).rejects.toThrow('The App spec apps/other.yaml does not exist');
    await expect(
      prepareRollout({ application: 'other', environment: 'staging', spec: 'nope.yaml' }, ROLLOUT_NAMES, dir),
    ).rejects.toThrow('The App spec nope.yaml does not exist.');
    const bare = await prepareRollout(
      { application: 'other', environment: 'staging', cluster: 'c1' },
      ROLLOUT_NAMES,
      dir,
    );
    expect(bare).toMatchObject({ specFile: undefined, cluster: 'c1', service: 'other', container: 'other' });
  });
});

const MULTI = `environments:
  staging:
    cluster: shared-staging
    service: hello-app
    container: web
  production:
    cluster: shared-production
    services:
      web: { service: hello-app-web, container: web }
      worker: { service: hello-app-worker, container: worker }
    release:
      service: web
      command: [bin/migrate, --up]
      timeout: 5m
`;

describe('App spec: several services and a release task', () => {
  it('parses services and release; the plan lists every service and the release step', () => {
    const spec = parseAppSpec(MULTI, FILE);
    const plan = planRollout({ application: 'hello-app', environment: 'production' }, spec, ROLLOUT_NAMES);
    expect(plan.services).toEqual([
      { name: 'web', service: 'hello-app-web', container: 'web' },
      { name: 'worker', service: 'hello-app-worker', container: 'worker' },
    ]);
    expect(plan).toMatchObject({ service: 'hello-app-web', container: 'web' });
    expect(plan.release).toEqual({ service: 'web', command: ['bin/migrate', '--up'], timeoutMs: 300_000 });
    expect(plan.steps).toEqual([
      'read',
      'resolve',
      'render',
      'release',
      'update-service',
      'ecs-wait',
      'roll-back',
      'record',
    ]);
    const staging = planRollout({ application: 'hello-app', environment: 'staging' }, spec, ROLLOUT_NAMES);
    expect(staging.services).toEqual([{ name: 'hello-app', service: 'hello-app', container: 'web' }]);
    expect(staging.release).toBeUndefined();
  });

  it('entries default their service and container to their name; a release defaults to the only service, 10m', () => {
    const text = `environments:
  production:
    cluster: c
    services:
      api: {}
    release:
      command: [migrate]
`;
    const plan = planRollout(
      { application: 'hello-app', environment: 'production' },
      parseAppSpec(text, FILE),
      ROLLOUT_NAMES,
    );
    expect(plan.services).toEqual([{ name: 'api', service: 'api', container: 'api' }]);
    expect(plan.release).toEqual({ service: 'api', command: ['migrate'], timeoutMs: 600_000 });
  });

  it('both service and services, an unknown release service, an empty services, a bad command or timeout: file, line, fix', () => {
    const both = MULTI.replace('    services:\n', '    service: hello-app\n    services:\n');
    expect(messages(() => parseAppSpec(both, FILE))).toEqual([
      `${FILE}:8: environments.production has both "service" and "services". | Remove "service": with "services", each entry names its own service and container (e.g. "web: { service: hello-app-web, container: web }"); or remove "services" for an application of one service.`,
    ]);
    const unknown = MULTI.replace('      service: web\n', '      service: api\n');
    expect(messages(() => parseAppSpec(unknown, FILE))).toEqual([
      `${FILE}:12: environments.production.release.service "api" is not one of the services of environments.production ("web", "worker"). | Set it to one of web, worker: the entry of "services" whose new task definition the task runs.`,
    ]);
    const unnamed = MULTI.replace('      service: web\n', '');
    expect(messages(() => parseAppSpec(unnamed, FILE))[0]).toContain(
      `${FILE}:11: environments.production.release names no service, and environments.production has several ("web", "worker").`,
    );
    const empty = `environments:\n  production:\n    cluster: c\n    services: {}\n`;
    expect(messages(() => parseAppSpec(empty, FILE))).toEqual([
      `${FILE}:4: environments.production.services is empty. | List at least one service, e.g. "web: { service: hello-app-web, container: web }", or use service and container instead.`,
    ]);
    const command = MULTI.replace('[bin/migrate, --up]', 'bin/migrate --up');
    expect(messages(() => parseAppSpec(command, FILE))).toEqual([
      `${FILE}:13: environments.production.release.command must be a list. | Write the command as a list of non-empty arguments, e.g. [bin/migrate, --up].`,
    ]);
    const noCommand = MULTI.replace('      command: [bin/migrate, --up]\n', '      command: []\n');
    expect(messages(() => parseAppSpec(noCommand, FILE))[0]).toMatch(
      new RegExp(`^${FILE}:13: environments.production.release.command must NOT have fewer than 1 items`),
    );
    for (const timeout of ['5 minutes', '2s', '48h']) {
      const bad = MULTI.replace('timeout: 5m', `timeout: ${timeout}`);
      expect(messages(() => parseAppSpec(bad, FILE)).join('\n')).toContain(
        `${FILE}:14: environments.production.release`,
      );
    }
    expect(messages(() => parseAppSpec(MULTI.replace('timeout: 5m', 'timeout: 48h'), FILE))).toEqual([
      `${FILE}:14: environments.production.release.timeout "48h" is not a duration between 10s and 24h. | Write it like 10m, 90s or 1h30m.`,
    ]);
    const badName = MULTI.replace('      worker:', '      Worker:');
    expect(messages(() => parseAppSpec(badName, FILE))[0]).toContain(
      `${FILE}:10: "Worker" in environments.production.services is not a valid service entry name.`,
    );
    const unknownKey = MULTI.replace('container: worker }', 'container: worker, image: x }');
    expect(messages(() => parseAppSpec(unknownKey, FILE))[0]).toContain(
      `${FILE}:10: unknown key "image" in environments.production.services.worker. | Remove it, or use one of: service, container`,
    );
  });

  it('the App spec page shows these messages as the parser writes them (message and fix, one line each)', () => {
    const spec = (find: string, replace: string) =>
      messages(() => parseAppSpec(MULTI.replace(find, replace), FILE));
    const lines = [
      ...spec('    services:\n', '    service: hello-app\n    services:\n'),
      ...spec('      service: web\n', '      service: api\n'),
      ...messages(() =>
        parseAppSpec(`environments:\n  production:\n    cluster: c\n    services: {}\n`, FILE),
      ),
      ...spec('[bin/migrate, --up]', 'bin/migrate --up'),
      ...spec('timeout: 5m', 'timeout: 48h'),
    ].map((m) => m.replace(' | ', ' '));
    expect(lines).toHaveLength(5);
    const page = readFileSync(
      path.resolve(import.meta.dirname, '../../../../docs/platform/app-spec.mdx'),
      'utf8',
    );
    expect(page).toContain(`\`\`\`text\n${lines.join('\n')}\n\`\`\``);
  });

  it('<service> and <container> override only a single-service environment', () => {
    const spec = parseAppSpec(MULTI, FILE);
    expect(
      messages(() =>
        planRollout(
          { application: 'hello-app', environment: 'production', service: 'x' },
          spec,
          ROLLOUT_NAMES,
        ),
      ),
    ).toEqual([
      '<service> overrides the service of a single-service environment, and this one lists "services" (web, worker). | Drop <service>: each entry of "services" in the App spec names its own service.',
    ]);
  });
});
