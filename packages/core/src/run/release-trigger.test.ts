// Never a version that nothing deploys: when the trigger fails for good after the version was written,
// the value read under the lock is restored and read back (or the result says exactly what is left).
import { describe, expect, it } from 'vitest';
import { PreconditionError, RemoteError } from '../errors/errors.js';
import { resultJson } from '../index.js';
import type { RunSummary } from '../ports/ports.js';
import { deployedApp, PARAM } from '../testing/release.js';

const unavailable = () =>
  new RemoteError(
    'github',
    'GITHUB_UNAVAILABLE',
    'GitHub did not answer properly (HTTP 502), even after retries.',
    {
      fix: 'Check https://www.githubstatus.com, then deploy again.',
    },
  );

const setup = (previous: string | null = 'v1') => deployedApp({ previous });

describe('a trigger that fails for good after the version was written', () => {
  it('restores the value read under the lock and reads it back, without <rollbackOnFailure>, and says so', async () => {
    const t = await setup();
    t.workflows.dispatch = async () => {
      throw unavailable();
    };
    const result = await t.run();
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('GITHUB_UNAVAILABLE');
    expect(result.error?.kind).toBe('remote');
    expect(result.error?.message).toContain('was restored to v1');
    expect(result.error?.message).not.toMatch(/deploy again\.?$/);
    expect(result.error?.fix).toContain('the parameter is back at v1');
    const now = await t.parameters.get(PARAM);
    expect(now?.value).toBe('v1');
    expect(result.recovery).toMatchObject({ restored: true, value: 'v1', parameterVersion: now?.version });
    expect(result.recovery?.left).toBeUndefined();
    // After the dispatch got no clear answer, it looked for a run before restoring (the lock step looked first).
    expect(t.calls.filter((c) => c.method === 'activeRuns')).toHaveLength(2);
    expect(t.reporter.ofType('step-end').map((e) => e.step)).toContain('restore');
    expect(await t.parameters.get('/shared-hosting/hello-app/staging/lock')).toBeUndefined();
  });

  it('restores after a rejected dispatch (422) without looking for a run', async () => {
    const t = await setup();
    t.workflows.dispatch = async () => {
      throw new RemoteError(
        'github',
        'DISPATCH_REJECTED',
        'GitHub rejected the dispatch (HTTP 422: Unexpected inputs).',
      );
    };
    const result = await t.run();
    expect(result.error?.code).toBe('DISPATCH_REJECTED');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
    expect(t.calls.filter((c) => c.method === 'activeRuns')).toHaveLength(1);
  });

  it('takes a run that appeared after a dispatch with no clear answer as its own: no restore, waited for', async () => {
    const t = await setup();
    const appeared: RunSummary = {
      run: { id: 4242, url: 'https://github.test/acme/infra/actions/runs/4242' },
      status: 'queued',
    };
    let dispatched = false;
    t.workflows.dispatch = async () => {
      dispatched = true;
      throw unavailable();
    };
    t.workflows.activeRuns = async () => (dispatched ? [appeared] : []);
    const result = await t.run();
    expect(result.error).toBeUndefined();
    expect(result.run?.id).toBe(4242);
    expect(result.conclusion).toBe('success');
    expect((await t.parameters.get(PARAM))?.value).toBe('v2');
    expect(result.recovery).toBeUndefined();
    const trigger = t.reporter.ofType('step-end').find((e) => e.step === 'trigger');
    expect(trigger?.summary).toContain('no clear answer');
  });

  it('says the outcome is unknown when GitHub cannot be asked, and still restores', async () => {
    const t = await setup();
    let dispatched = false;
    t.workflows.dispatch = async () => {
      dispatched = true;
      throw unavailable();
    };
    t.workflows.activeRuns = async () => {
      if (dispatched) throw unavailable();
      return [];
    };
    const result = await t.run();
    expect(result.error?.message).toContain('could not be found out');
    expect((await t.parameters.get(PARAM))?.value).toBe('v1');
  });

  it('says exactly what it left, on which parameter version, and the command that puts the old value back', async () => {
    const t = await setup();
    t.workflows.dispatch = async () => {
      throw unavailable();
    };
    t.registry.images.delete('hello-app:v1');
    const result = await t.run();
    const left = await t.parameters.get(PARAM);
    expect(left?.value).toBe('v2');
    const undo = `aws ssm put-parameter --name ${PARAM} --value v1 --type String --overwrite`;
    expect(result.recovery).toMatchObject({
      restored: false,
      left: { value: 'v2', parameterVersion: left?.version, previous: 'v1', undo },
    });
    expect(result.error?.message).toContain(`Left behind: v2 (parameter version ${left?.version})`);
    expect(result.error?.message).toContain(undo);
    expect(result.error?.fix).toContain(undo);
    const json = resultJson({ command: 'deploy', result }) as { recovery: { left: unknown } };
    expect(json.recovery.left).toEqual({
      value: 'v2',
      'parameter-version': left?.version,
      previous: 'v1',
      undo,
    });
  });

  it('with no previous value, says the parameter is left and how to remove it', async () => {
    const t = await setup(null);
    t.workflows.dispatch = async () => {
      throw new PreconditionError('WORKFLOW_DISABLED', 'Workflow deploy.yaml in acme/infra is disabled.');
    };
    const result = await t.run();
    expect(result.error?.code, result.error?.message).toBe('WORKFLOW_DISABLED');
    expect(result.recovery?.left?.undo).toBe(`aws ssm delete-parameter --name ${PARAM}`);
    expect(result.error?.message).toContain('did not exist before');
  });
});
