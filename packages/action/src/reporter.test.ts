import { DeploymentFailedError, type HostingEvent, InterruptedError } from '@shared-hosting/core';
import { describe, expect, it } from 'vitest';
import { fakeCore } from '../test/fake-core.js';
import { ActionReporter } from './reporter.js';
import { RUN_STATE, RUN_STATE_DONE } from './state.js';

const at = 0;
const run = { id: 42, url: 'https://github.test/acme/infra/actions/runs/42' };

describe('ActionReporter', () => {
  it('groups each step, with a status line and its duration after the group', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, undefined, [], () => 'T1');
    const events: HostingEvent[] = [
      { type: 'step-start', step: 'build', title: 'Build image', at },
      { type: 'step-log', step: 'build', line: 'STEP 1/2: FROM scratch', at },
      {
        type: 'step-end',
        step: 'build',
        status: 'done',
        durationMs: 12_300,
        summary: 'built with buildah',
        at,
      },
      { type: 'step-start', step: 'tag', title: 'Tag image', at },
      { type: 'step-end', step: 'tag', status: 'skipped', durationMs: 0, summary: 'already there', at },
    ];
    for (const e of events) reporter.emit(e);
    expect(core.log).toEqual([
      'group Build image',
      '::stop-commands::T1',
      'STEP 1/2: FROM scratch',
      '::T1::',
      'endgroup',
      '✓ Build image (12s): built with buildah',
      '○ Tag image (skipped): already there',
    ]);
  });

  it('masks registered secrets', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, undefined, ['ghs_token']);
    reporter.registerSecret('ecr-password');
    reporter.registerSecret('ecr-password');
    reporter.registerSecret('ghs_token');
    // The password, and the ECR authorization token made of it; each once; known secrets not again.
    expect(core.log).toEqual([
      'mask ecr-password',
      `mask ${Buffer.from('AWS:ecr-password').toString('base64')}`,
    ]);
  });

  it('redacts every secret, in every form, from log lines and annotations it writes', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, undefined, ['input-token-1234']);
    reporter.registerSecret('ecr-password');
    const ecrToken = Buffer.from('AWS:ecr-password').toString('base64');
    reporter.emit({ type: 'step-start', step: 'trigger', title: 'Trigger', at });
    reporter.emit({ type: 'step-progress', step: 'trigger', message: 'echo input-token-1234', at });
    reporter.emit({ type: 'warning', message: `GitHub said ${ecrToken}`, title: 'ecr-password', at });
    reporter.emit({ type: 'warning', message: 'shaped ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5', at });
    const written = core.log.filter((line) => !line.startsWith('mask '));
    expect(written).toEqual([
      'group Trigger',
      'echo ***',
      'warning [***] GitHub said ***',
      'warning [Trigger] shaped ***',
    ]);
  });

  it('turns warnings into annotations with a title', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, undefined);
    reporter.emit({ type: 'step-start', step: 'push', title: 'Push to ECR', at });
    reporter.emit({ type: 'warning', message: 'digest differs', at });
    reporter.emit({ type: 'warning', message: 'slow', title: 'Rate limit', at });
    expect(core.log).toEqual(['warning [Push to ECR] digest differs', 'warning [Rate limit] slow']);
  });

  it('closes the group and reports a failed step', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, undefined);
    reporter.emit({ type: 'step-start', step: 'report', title: 'Report', at });
    reporter.emit({ type: 'step-progress', step: 'report', message: 'checking', at });
    reporter.emit({
      type: 'step-fail',
      step: 'report',
      durationMs: 5,
      error: new DeploymentFailedError('no'),
      at,
    });
    expect(core.log).toEqual(['group Report', 'checking', 'endgroup', '✗ Report failed after 5ms: no']);
  });

  it('saves the dispatched run for the post step and clears it when the wait ends', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, { owner: 'acme', repo: 'infra' });
    reporter.emit({ type: 'step-start', step: 'trigger', title: 'Trigger', at });
    reporter.emit({ type: 'run-dispatched', run, at });
    expect(JSON.parse(core.state.get(RUN_STATE) ?? '')).toEqual({ ...run, owner: 'acme', repo: 'infra' });
    reporter.emit({ type: 'step-end', step: 'trigger', status: 'done', durationMs: 1, summary: 'ok', at });
    reporter.emit({ type: 'step-start', step: 'wait', title: 'Wait', at });
    reporter.emit({ type: 'run-update', update: { run, status: 'queued' }, at });
    reporter.emit({ type: 'run-update', update: { run, status: 'queued' }, at });
    reporter.emit({
      type: 'run-update',
      update: { run, status: 'in_progress', job: 'deploy', step: 'ECS' },
      at,
    });
    expect(core.state.get(RUN_STATE)).not.toBe(RUN_STATE_DONE);
    reporter.emit({ type: 'step-end', step: 'wait', status: 'done', durationMs: 1, summary: 'ok', at });
    expect(core.state.get(RUN_STATE)).toBe(RUN_STATE_DONE);
    expect(core.log.filter((l) => l.startsWith('Infra run'))).toEqual([
      `Infra run: ${run.url}`,
      'Infra run queued',
      'Infra run in_progress: job "deploy", step "ECS"',
    ]);
  });

  it('keeps the run saved when an interrupted wait could not cancel it, so that the post step does', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, { owner: 'acme', repo: 'infra' });
    reporter.emit({ type: 'run-dispatched', run, at });
    reporter.emit({ type: 'step-start', step: 'wait', title: 'Wait', at });
    const error = new InterruptedError('could not be cancelled', { details: { cancelled: false } });
    reporter.emit({ type: 'step-fail', step: 'wait', durationMs: 1, error, at });
    expect(core.state.get(RUN_STATE)).not.toBe(RUN_STATE_DONE);
  });

  it('clears the run when the interrupted wait cancelled it', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, { owner: 'acme', repo: 'infra' });
    reporter.emit({ type: 'run-dispatched', run, at });
    const error = new InterruptedError('was cancelled', { details: { cancelled: true } });
    reporter.emit({ type: 'step-fail', step: 'wait', durationMs: 1, error, at });
    expect(core.state.get(RUN_STATE)).toBe(RUN_STATE_DONE);
  });

  it('saves nothing when cancel-on-interrupt is off', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, undefined);
    reporter.emit({ type: 'run-dispatched', run, at });
    reporter.emit({ type: 'step-end', step: 'wait', status: 'done', durationMs: 1, summary: 'ok', at });
    expect(core.state.size).toBe(0);
  });

  it('shows an approval wait as a notice', () => {
    const core = fakeCore();
    const reporter = new ActionReporter(core, undefined);
    reporter.emit({
      type: 'run-update',
      update: { run, status: 'waiting', approval: { environment: 'production', reviewers: ['ops'] } },
      at,
    });
    expect(core.log).toContain(
      'notice [Waiting for approval] The infra run waits for approval of environment "production" by ops.',
    );
  });

  it('shows tool output with workflow commands stopped, so a build cannot issue them', () => {
    const core = fakeCore();
    let n = 0;
    const reporter = new ActionReporter(core, undefined, [], () => `T${++n}`);
    reporter.emit({ type: 'step-start', step: 'build', title: 'Build image', at });
    reporter.emit({ type: 'step-log', step: 'build', line: '::add-mask::nothing', at });
    reporter.emit({ type: 'step-log', step: 'build', line: '::error::fake', at });
    reporter.emit({ type: 'step-progress', step: 'build', message: 'pushing', at });
    reporter.emit({ type: 'step-log', step: 'build', line: '::set-output name=x::y', at });
    reporter.finish();
    expect(core.log).toEqual([
      'group Build image',
      '::stop-commands::T1',
      '::add-mask::nothing',
      '::error::fake',
      '::T1::',
      'pushing',
      '::stop-commands::T2',
      '::set-output name=x::y',
      '::T2::',
      'endgroup',
    ]);
  });
});
