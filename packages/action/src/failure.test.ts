import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BuildError, DeploymentFailedError, InputErrors, parseDeployInputs } from '@shared-hosting/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Annotation, annotationsFor, failStep, failureSummary, redact } from './failure.js';
import { ACTION_INPUT_NAMES } from './inputs.js';

function inputErrors(): InputErrors {
  try {
    parseDeployInputs({ environment: 'Bad Env', infraRepository: 'acme/infra' }, ACTION_INPUT_NAMES, '/w');
  } catch (error) {
    if (error instanceof InputErrors) return error;
  }
  throw new Error('expected InputErrors');
}

describe('annotationsFor', () => {
  it('reports one annotation per invalid input, titled with the input name, with the fix', () => {
    const annotations = annotationsFor(inputErrors());
    expect(annotations.map((a) => a.title)).toEqual([
      'Invalid input: application',
      'Invalid input: environment',
    ]);
    expect(annotations[0]?.message).toContain('Input required and not supplied: application');
    expect(annotations[0]?.message.split('\n')).toHaveLength(2);
  });

  it('titles engine errors from the catalog and adds the fix', () => {
    const [a] = annotationsFor(new DeploymentFailedError('run failed', { fix: 'Open the run.' }));
    expect(a).toEqual({ title: 'Infra deployment failed', message: 'run failed\nOpen the run.' });
  });

  it('fails on anything thrown, Error or not', () => {
    expect(annotationsFor('boom')[0]).toMatchObject({ title: 'Unexpected failure' });
    expect(annotationsFor('boom')[0]?.message).toContain('boom');
    expect(annotationsFor(undefined)[0]?.message).toContain('Unexpected failure');
    expect(annotationsFor({ weird: true })[0]?.message).toContain('{"weird":true}');
    expect(annotationsFor(new TypeError('bad'))[0]?.message).toMatch(/^bad\n/);
  });

  it('shows stack traces only in debug', () => {
    const error = new TypeError('bad');
    expect(annotationsFor(error)[0]?.message).not.toContain('at ');
    expect(annotationsFor(error, true)[0]?.message).toContain('TypeError: bad\n    at ');
  });

  it('adds the end of the build output', () => {
    const [a] = annotationsFor(
      new BuildError('BUILD_FAILED', 'build failed', ['step 1', 'error: no such file']),
    );
    expect(a?.message).toContain('error: no such file');
  });

  it('summarises a failure before the deployment started, escaped', () => {
    const md = failureSummary(annotationsFor(inputErrors()));
    expect(md).toContain('## ❌ Deployment not started');
    expect(md).toContain('<b>Invalid input: environment</b>: environment &quot;Bad Env&quot; is not a valid');
  });
});

describe('failStep, the one failure handler', () => {
  afterEach(() => {
    process.exitCode = undefined;
    vi.unstubAllEnvs();
  });

  it('fails the step on anything thrown, with titled annotations and the job summary, secrets redacted', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'action-fail-'));
    const summary = path.join(dir, 'summary.md');
    writeFileSync(summary, '');
    vi.stubEnv('GITHUB_STEP_SUMMARY', summary);
    try {
      for (const thrown of [
        'token ghs_abc leaked',
        new Error('token ghs_abc leaked'),
        { token: 'ghs_abc' },
      ]) {
        const written: Annotation[] = [];
        process.exitCode = undefined;
        failStep(thrown, { secrets: ['ghs_abc'], annotate: (a) => written.push(a) });
        expect(process.exitCode).toBe(1);
        expect(written).toHaveLength(1);
        expect(written[0]?.title).toBe('Unexpected failure');
        expect(written[0]?.message).toContain('***');
        expect(written[0]?.message).not.toContain('ghs_abc');
      }
      const text = readFileSync(summary, 'utf8');
      expect(text).toContain('## ❌ Deployment not started');
      expect(text).not.toContain('ghs_abc');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes one annotation per invalid input, and no summary when asked not to', () => {
    vi.stubEnv('GITHUB_STEP_SUMMARY', path.join(tmpdir(), 'no-such-dir-action', 'summary.md'));
    const written: Annotation[] = [];
    failStep(inputErrors(), { annotate: (a) => written.push(a), summary: false });
    expect(process.exitCode).toBe(1);
    expect(written.map((a) => a.title)).toEqual(['Invalid input: application', 'Invalid input: environment']);
  });

  it('redacts the longest secret first', () => {
    expect(redact('a-secret-2 and a-secret', ['a-secret', 'a-secret-2'])).toBe('*** and ***');
    expect(redact('nothing here', [''])).toBe('nothing here');
  });
});
