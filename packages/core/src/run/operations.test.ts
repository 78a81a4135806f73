import { describe, expect, it } from 'vitest';
import { parseProvenance } from '../domain/provenance.js';
import type { InputErrors } from '../errors/errors.js';
import {
  history,
  planHistory,
  planStatus,
  preparePromote,
  prepareRollback,
  promote,
  rollback,
  status,
} from '../index.js';
import { DEFAULTS } from '../inputs/inputs.js';
import { RecordingReporter } from '../ports/events.js';
import type { ImageInfo, RunSummary } from '../ports/ports.js';
import { deployed as deployedVersion } from '../testing/deployed.js';
import { createFakes } from '../testing/fakes.js';
import { OPERATION_NAMES } from '../testing/names.js';
import { fakePorts } from '../testing/ports.js';

const names = OPERATION_NAMES;
const context = {
  cwd: '/tmp',
  env: { GITHUB_ACTIONS: 'true', GITHUB_SHA: 'f'.repeat(40), GITHUB_ACTOR: 'bob' },
};
const param = (env: string) => `/shared-hosting/hello-app/${env}/version`;

function setup() {
  const fakes = createFakes();
  fakes.registry.repositories.add('hello-app');
  const reporter = new RecordingReporter();
  const { builder: _builder, ...ports } = fakePorts(fakes, reporter);
  /** What `hosting deploy` leaves behind: an image and the parameter with provenance. */
  const deployed = (env: string, version: string, push = true) =>
    deployedVersion(fakes, env, version, { push });
  return { ...fakes, reporter, ports, deployed };
}

const puts = (t: ReturnType<typeof setup>) => t.calls.filter((c) => c.method === 'put');

describe('status', () => {
  it('reports each environment: version, provenance, image and latest run', async () => {
    const t = setup();
    const image = await t.deployed('staging', 'v2');
    const run: RunSummary = {
      run: { id: 7, url: 'https://github.test/acme/infra/actions/runs/7' },
      status: 'completed',
      conclusion: 'success',
    };
    t.workflows.latestRun = async (target) => (target.inputs.environment === 'staging' ? run : undefined);
    const plan = planStatus(
      { application: 'hello-app', environments: ['staging', 'production'], infraRepository: 'acme/infra' },
      names,
    );
    const before = t.calls.length;
    const result = await status(plan, t.ports);
    expect(result.status).toBe('succeeded');
    const [staging, production] = result.environments;
    expect(staging).toMatchObject({
      environment: 'staging',
      deployed: {
        version: 'v2',
        parameterVersion: 1,
        author: 'fake',
        provenance: { commit: 'commit-of-v2' },
      },
      image: { exists: true, digest: image?.digest, moved: false },
      latestRun: run,
      runChecked: true,
    });
    expect(production).toMatchObject({ environment: 'production', deployed: undefined, image: undefined });
    expect(t.calls.slice(before).some((c) => ['put', 'dispatch', 'tagImage'].includes(c.method))).toBe(false);
  });

  it('says when the deployed image has expired from ECR, and reads no run without an infra repository', async () => {
    const t = setup();
    await t.deployed('production', 'v1', false);
    const result = await status(
      planStatus({ application: 'hello-app', environments: 'production' }, names),
      t.ports,
    );
    expect(result.environments[0]?.image).toEqual({ exists: false, digest: undefined, moved: false });
    expect(result.environments[0]?.runChecked).toBe(false);
    expect(t.calls.some((c) => c.method === 'latestRun')).toBe(false);
  });

  it('defaults to staging and production, and validates every name', () => {
    expect(planStatus({ application: 'hello-app' }, names).targets.map((t) => t.environment)).toEqual([
      'staging',
      'production',
    ]);
    expect(() => planStatus({ application: 'Hello', environments: ['staging', 'prod'] }, names)).toThrow(
      /<application> "Hello" is not a valid application name/,
    );
    try {
      planStatus({ application: 'Hello', environments: ['a', 'b'] }, names);
    } catch (e) {
      expect((e as InputErrors).errors).toHaveLength(1);
    }
  });
});

describe('history', () => {
  it('lists the parameter versions newest first with provenance', async () => {
    const t = setup();
    await t.deployed('staging', 'v1');
    await t.deployed('staging', 'v2');
    await t.deployed('staging', 'v3');
    const result = await history(
      planHistory({ application: 'hello-app', environment: 'staging', limit: '2' }, names),
      t.ports,
    );
    expect(result.entries.map((e) => [e.parameterVersion, e.version, e.action, e.current])).toEqual([
      [3, 'v3', 'deploy', true],
      [2, 'v2', 'deploy', false],
    ]);
    expect(result.entries[0]?.provenance?.commit).toBe('commit-of-v3');
  });

  it('refuses a limit outside 1-100', () => {
    expect(() =>
      planHistory({ application: 'hello-app', environment: 'staging', limit: '500' }, names),
    ).toThrow(/<limit> "500" is not a number between 1 and 100/);
  });

  it('shows the 20 newest entries by default, the one default every adapter shows', () => {
    expect(planHistory({ application: 'hello-app', environment: 'staging' }, names).limit).toBe(20);
    expect(DEFAULTS.historyLimit).toBe(20);
  });
});

describe('rollback', () => {
  const rollbackPlan = (extra: Record<string, string | boolean> = {}) =>
    prepareRollback(
      { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra', ...extra },
      names,
      context,
    );

  it('goes back to the previous distinct version, with rollback provenance, and triggers and waits', async () => {
    const t = setup();
    const v1 = await t.deployed('staging', 'v1');
    await t.deployed('staging', 'v2');
    await t.deployed('staging', 'v2');
    const result = await rollback(await rollbackPlan(), t.ports);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({ status: 'succeeded', version: 'v1', from: 'v2', conclusion: 'success' });
    const stored = await t.parameters.get(param('staging'));
    expect(stored?.value).toBe('v1');
    expect(parseProvenance(stored?.description)).toMatchObject({
      action: 'rollback',
      version: 'v1',
      from: 'v2',
      digest: v1?.digest,
      commit: 'commit-of-v1',
      actor: 'bob',
    });
    expect(t.workflows.dispatched).toHaveLength(1);
    expect(t.reporter.ofType('step-end').map((e) => e.step)).toEqual([
      'preflight',
      'set-version',
      'trigger',
      'wait',
      'report',
    ]);
  });

  it('refuses a version whose image has expired, changing nothing', async () => {
    const t = setup();
    await t.deployed('staging', 'v1', false);
    await t.deployed('staging', 'v2');
    const before = puts(t).length;
    const result = await rollback(await rollbackPlan({ to: 'v1' }), t.ports);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('IMAGE_EXPIRED');
    expect(result.error?.message).toContain('lifecycle rule');
    expect(puts(t)).toHaveLength(before);
    expect(t.workflows.dispatched).toHaveLength(0);
  });

  it('refuses when there is no previous version or nothing deployed', async () => {
    const t = setup();
    expect((await rollback(await rollbackPlan(), t.ports)).error?.code).toBe('NOTHING_DEPLOYED');
    await t.deployed('staging', 'v1');
    expect((await rollback(await rollbackPlan(), t.ports)).error?.code).toBe('NO_PREVIOUS_VERSION');
  });

  it('dry run changes nothing', async () => {
    const t = setup();
    await t.deployed('staging', 'v1');
    await t.deployed('staging', 'v2');
    const result = await rollback(await rollbackPlan(), t.ports, { dryRun: true });
    expect(result).toMatchObject({ status: 'succeeded', dryRun: true, version: 'v1', from: 'v2' });
    expect(puts(t)).toHaveLength(2);
    expect(t.workflows.dispatched).toHaveLength(0);
  });

  it('with <rollbackOnFailure> restores the value it replaced when the infra run fails', async () => {
    const t = setup();
    await t.deployed('staging', 'v1');
    await t.deployed('staging', 'v2');
    t.workflows.next = { conclusion: 'failure' };
    const result = await rollback(await rollbackPlan({ rollbackOnFailure: true }), t.ports);
    expect(result.status).toBe('failed');
    expect(result.recovery).toMatchObject({ restored: true, value: 'v2' });
    expect((await t.parameters.get(param('staging')))?.value).toBe('v2');
  });

  it('validates <to> and the failure flags', async () => {
    await expect(rollbackPlan({ to: 'not a tag' })).rejects.toThrow(/<to> "not a tag"/);
    await expect(rollbackPlan({ redeployOnRollback: true })).rejects.toThrow(
      /<redeployOnRollback> only applies/,
    );
    await expect(rollbackPlan({ version: 'v1' })).rejects.toThrow(/<version> is not used by rollback/);
  });
});

describe('promote', () => {
  const promotePlan = (extra: Record<string, string | boolean> = {}) =>
    preparePromote(
      {
        application: 'hello-app',
        from: 'staging',
        environment: 'production',
        infraRepository: 'acme/infra',
        ...extra,
      },
      names,
      context,
    );

  it('ships the exact image of the source environment: no build, no push, no re-tag', async () => {
    const t = setup();
    const image = await t.deployed('staging', 'v7');
    await t.deployed('production', 'v6');
    const result = await promote(await promotePlan(), t.ports);
    expect(result.error).toBeUndefined();
    expect(result).toMatchObject({
      status: 'succeeded',
      version: 'v7',
      sourceEnvironment: 'staging',
      sourceVersion: 'v7',
      previousValue: 'v6',
      digest: image?.digest,
      retagged: false,
      image: 'registry.example.test/hello-app:v7',
    });
    expect(t.calls.some((c) => c.port === 'builder')).toBe(false);
    expect(t.calls.some((c) => c.method === 'tagImage')).toBe(false);
    const stored = await t.parameters.get(param('production'));
    expect(parseProvenance(stored?.description)).toMatchObject({
      action: 'promote',
      version: 'v7',
      source: 'staging',
      digest: image?.digest,
      commit: 'commit-of-v7',
    });
    expect(
      t.reporter
        .ofType('step-end')
        .filter((e) => e.status === 'skipped')
        .map((e) => e.step),
    ).toEqual(['build', 'tag', 'push']);
  });

  it('re-tags only when another tag is asked for', async () => {
    const t = setup();
    const image = await t.deployed('staging', 'v7');
    const result = await promote(await promotePlan({ version: 'release-7' }), t.ports);
    expect(result).toMatchObject({ status: 'succeeded', version: 'release-7', retagged: true });
    expect(t.calls.filter((c) => c.method === 'tagImage').map((c) => c.args)).toEqual([
      ['hello-app', image?.digest, 'release-7'],
    ]);
    expect((await t.parameters.get(param('production')))?.value).toBe('release-7');
  });

  it('refuses a tag that points at another image, and a moved source tag', async () => {
    const t = setup();
    const image = await t.deployed('staging', 'v7');
    t.registry.addImage('hello-app', 'taken', 'sha256:other');
    expect((await promote(await promotePlan({ version: 'taken' }), t.ports)).error?.code).toBe(
      'TAG_CONFLICT',
    );
    // The tag is pushed again: the image staging runs is still in the registry, untagged.
    t.registry.addImage('hello-app', 'v7', 'sha256:moved');
    t.registry.images.set('hello-app@untagged', { ...(image as ImageInfo), tag: '', tags: [] });
    expect((await promote(await promotePlan(), t.ports)).error?.code).toBe('IMAGE_TAG_MOVED');
    expect(t.calls.filter((c) => c.method === 'put')).toHaveLength(1);
    const retagged = await promote(await promotePlan({ version: 'v7-exact' }), t.ports);
    expect(retagged).toMatchObject({ status: 'succeeded', retagged: true, digest: image?.digest });
  });

  it('refuses when the source image has expired, and when nothing is deployed there', async () => {
    const t = setup();
    expect((await promote(await promotePlan(), t.ports)).error?.code).toBe('NOTHING_DEPLOYED');
    await t.deployed('staging', 'v7', false);
    const result = await promote(await promotePlan(), t.ports);
    expect(result.error?.code).toBe('IMAGE_EXPIRED');
    expect(await t.parameters.get(param('production'))).toBeUndefined();
  });

  it('validates <from>', async () => {
    await expect(promotePlan({ from: 'production' })).rejects.toThrow(
      /<from> and <environment> are both "production"/,
    );
    await expect(promotePlan({ from: '' })).rejects.toThrow(/Input required and not supplied: <from>/);
  });
});
