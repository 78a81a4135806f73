import { describe, expect, it } from 'vitest';
import type { SourceInfo } from '../domain/provenance.js';
import { parseProvenance } from '../domain/provenance.js';
import { parseDeployInputs } from '../inputs/inputs.js';
import { type DeployPlan, plan } from '../plan/deploy.js';
import { RecordingReporter } from '../ports/events.js';
import { createFakes } from '../testing/fakes.js';
import { INPUT_NAMES } from '../testing/names.js';
import { fakePorts } from '../testing/ports.js';
import { execute } from './deploy.js';
import { toOutputs } from './result.js';

const source: SourceInfo = {
  commit: 'a'.repeat(40),
  dirty: false,
  repositoryUrl: 'https://github.com/acme/hello-app',
  actor: 'alice',
  runUrl: 'https://github.com/acme/hello-app/actions/runs/7',
  ci: 'github-actions',
};

function makePlan(extra: Record<string, string | boolean> = {}): DeployPlan {
  const options = parseDeployInputs(
    { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra', ...extra },
    INPUT_NAMES,
    '/src/hello-app',
  );
  return plan(options, source);
}

function setup() {
  const fakes = createFakes();
  fakes.registry.repositories.add('hello-app');
  const reporter = new RecordingReporter();
  const ports = fakePorts(fakes, reporter);
  return { ...fakes, reporter, ports, secrets: reporter.secrets };
}

describe('plan', () => {
  it('resolves every name from the inputs and the source', () => {
    const p = makePlan();
    expect(p.version).toBe(source.commit);
    expect(p.image).toEqual({ repository: 'hello-app', tag: source.commit });
    expect(p.parameter).toEqual({ name: '/shared-hosting/hello-app/staging/version', value: source.commit });
    expect(p.workflow).toEqual({
      owner: 'acme',
      repo: 'infra',
      workflow: 'deploy.yaml',
      ref: 'main',
      inputs: { application: 'hello-app', environment: 'staging' },
    });
    expect(p.build.labels['org.opencontainers.image.revision']).toBe(source.commit);
    expect(p.build.labels['org.opencontainers.image.source']).toBe('https://github.com/acme/hello-app');
    expect(p.build.dockerfile).toBe('/src/hello-app/Dockerfile');
  });

  it('uses an explicit version as tag and value', () => {
    const p = makePlan({ version: 'v1.2.3' });
    expect(p.image.tag).toBe('v1.2.3');
    expect(p.parameter.value).toBe('v1.2.3');
    expect(p.build.labels['org.opencontainers.image.revision']).toBe(source.commit);
  });
});

describe('execute: the registry build cache', () => {
  it('gives the build the cache repository beside the app repository, with the ECR credentials', async () => {
    const t = setup();
    const result = await execute(makePlan(), t.ports);
    expect(result.status).toBe('succeeded');
    expect(t.builder.built[0]?.cache).toEqual({
      repository: 'registry.example.test/hello-app/build-cache',
      auth: await t.registry.getAuthorization(),
    });
    expect(t.reporter.ofType('warning')).toEqual([]);
    const build = t.reporter.ofType('step-end').find((e) => e.step === 'build');
    expect(build?.summary).toBe('built with buildah (registry cache: 0 steps reused)');
    expect(makePlan().build.cache).toEqual({ repository: 'hello-app/build-cache' });
  });

  it('builds without it with <cache>', async () => {
    const t = setup();
    await execute(makePlan({ cache: false }), t.ports);
    expect(t.builder.built[0]?.cache).toBeUndefined();
  });

  it('reports a cache that could not be used once, as a warning, and still deploys', async () => {
    const t = setup();
    t.builder.cacheOutcome = {
      repository: 'registry.example.test/hello-app/build-cache',
      status: 'unavailable',
      reused: 0,
      warning: 'Registry cache registry.example.test/hello-app/build-cache not used: it is missing.',
    };
    const result = await execute(makePlan(), t.ports);
    expect(result.status).toBe('succeeded');
    expect(t.reporter.ofType('warning').map((w) => [w.title, w.message])).toEqual([
      ['Build cache', 'Registry cache registry.example.test/hello-app/build-cache not used: it is missing.'],
    ]);
  });
});

describe('execute', () => {
  it('runs every step in order and sets the outputs', async () => {
    const t = setup();
    const result = await execute(makePlan(), t.ports);
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('succeeded');
    expect(t.reporter.ofType('step-end').map((e) => [e.step, e.status])).toEqual([
      ['preflight', 'done'],
      ['build', 'done'],
      ['tag', 'done'],
      ['push', 'done'],
      ['set-version', 'done'],
      ['trigger', 'done'],
      ['wait', 'done'],
      ['report', 'done'],
    ]);
    const image = `registry.example.test/hello-app:${source.commit}`;
    expect(t.builder.built[0]?.tags).toEqual([image]);
    const outputs = toOutputs(result);
    expect(outputs.image).toBe(image);
    expect(outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(outputs['parameter-name']).toBe('/shared-hosting/hello-app/staging/version');
    expect(outputs['parameter-version']).toBe('1');
    expect(outputs['run-id']).toBe('1000');
    expect(outputs['run-url']).toBe('https://github.test/acme/infra/actions/runs/1000');
    expect(outputs.conclusion).toBe('success');
    expect(t.workflows.dispatched[0]?.inputs).toEqual({ application: 'hello-app', environment: 'staging' });
    expect(t.secrets).toEqual(['ecr-secret-password']);
    expect(t.reporter.ofType('run-dispatched')).toHaveLength(1);
  });

  it('writes the parameter only after the push is confirmed, with provenance', async () => {
    const t = setup();
    await execute(makePlan(), t.ports);
    const order = t.calls.map((c) => `${c.port}.${c.method}`);
    expect(order.indexOf('parameters.put')).toBeGreaterThan(order.lastIndexOf('registry.findImage'));
    expect(order.indexOf('builder.push')).toBeLessThan(order.indexOf('parameters.put'));
    const stored = await t.parameters.get('/shared-hosting/hello-app/staging/version');
    const provenance = parseProvenance(stored?.description);
    expect(provenance).toMatchObject({
      action: 'deploy',
      commit: source.commit,
      actor: 'alice',
      run: source.runUrl,
    });
    expect(provenance?.digest).toMatch(/^sha256:/);
  });

  it('reports the previous value', async () => {
    const t = setup();
    await t.parameters.put('/shared-hosting/hello-app/staging/version', 'old123', 'x');
    const result = await execute(makePlan(), t.ports);
    expect(result.previousValue).toBe('old123');
    const setVersion = t.reporter.ofType('step-end').find((e) => e.step === 'set-version');
    expect(setVersion?.summary).toContain(`old123 → ${source.commit}`);
    expect(result.parameterVersion).toBe(2);
  });

  it('skips build and push when the tag is already in the registry', async () => {
    const t = setup();
    const existing = t.registry.addImage('hello-app', source.commit);
    const result = await execute(makePlan(), t.ports);
    expect(result.status).toBe('succeeded');
    expect(result.imageExisted).toBe(true);
    expect(result.digest).toBe(existing.digest);
    expect(t.builder.built).toHaveLength(0);
    expect(t.builder.pushed).toHaveLength(0);
    const skippedSteps = t.reporter.ofType('step-end').filter((e) => e.status === 'skipped');
    expect(skippedSteps.map((e) => e.step)).toEqual(['build', 'tag', 'push']);
    expect(skippedSteps[0]?.summary).toContain('already in the registry');
  });

  it('does not rewrite a parameter that already holds the version', async () => {
    const t = setup();
    t.registry.addImage('hello-app', source.commit);
    await t.parameters.put('/shared-hosting/hello-app/staging/version', source.commit, 'earlier');
    const result = await execute(makePlan(), t.ports);
    expect(result.parameterVersion).toBe(1);
    expect(t.calls.filter((c) => c.method === 'put')).toHaveLength(1);
  });

  it('leaves the parameter untouched when the build fails', async () => {
    const t = setup();
    t.builder.failBuild = 'COPY failed: file not found';
    const result = await execute(makePlan(), t.ports);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('BUILD_FAILED');
    expect(t.calls.some((c) => c.method === 'put')).toBe(false);
    expect(t.workflows.dispatched).toHaveLength(0);
    expect(t.reporter.ofType('step-fail').map((e) => e.step)).toEqual(['build']);
  });

  it('stops before any side effect when the repository does not exist', async () => {
    const t = setup();
    t.registry.repositories.clear();
    const result = await execute(makePlan(), t.ports);
    expect(result.error?.code).toBe('ECR_REPOSITORY_NOT_FOUND');
    expect(t.builder.built).toHaveLength(0);
    expect(t.calls.some((c) => c.method === 'put' || c.method === 'dispatch')).toBe(false);
  });

  it('stops before any side effect when the workflow preflight fails', async () => {
    const t = setup();
    t.workflows.preflightError = new Error('workflow missing');
    const result = await execute(makePlan(), t.ports);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toBe('workflow missing');
    expect(t.builder.built).toHaveLength(0);
  });

  it('checks ECR, SSM and GitHub concurrently and reports failures in that order', async () => {
    const t = setup();
    t.registry.repositories.clear();
    t.workflows.preflightError = new Error('workflow missing');
    const result = await execute(makePlan(), t.ports);
    expect(result.error?.code).toBe('ECR_REPOSITORY_NOT_FOUND');
    const methods = t.calls.map((c) => `${c.port}.${c.method}`);
    expect(methods).toEqual(
      expect.arrayContaining(['registry.describeRepository', 'parameters.get', 'workflows.preflight']),
    );
  });

  it('fails, naming job, step and run, when the infra run fails', async () => {
    const t = setup();
    t.workflows.next = {
      conclusion: 'failure',
      failedJobs: [
        {
          name: 'deploy hello-app',
          conclusion: 'failure',
          step: 'Update ECS service',
          logTail: ['Error: service hello-app did not stabilize', 'exit code 1'],
        },
      ],
    };
    const result = await execute(makePlan(), t.ports);
    expect(result.status).toBe('failed');
    expect(result.conclusion).toBe('failure');
    expect(result.error?.code).toBe('DEPLOYMENT_FAILED');
    expect(result.error?.message).toContain('deploy hello-app');
    expect(result.error?.message).toContain('Update ECS service');
    expect(result.error?.message).toContain('│ Error: service hello-app did not stabilize');
    expect(result.error?.message).toContain('https://github.test/acme/infra/actions/runs/1000');
  });

  it.each(['cancelled', 'timed_out', 'startup_failure', 'action_required', 'stale', 'neutral', 'skipped'])(
    'treats conclusion %s as a failure',
    async (conclusion) => {
      const t = setup();
      t.workflows.next = { conclusion };
      const result = await execute(makePlan(), t.ports);
      expect(result.status).toBe('failed');
      expect(result.conclusion).toBe(conclusion);
    },
  );

  it('does not wait with <wait>', async () => {
    const t = setup();
    const result = await execute(makePlan({ wait: false }), t.ports);
    expect(result.status).toBe('succeeded');
    expect(t.calls.some((c) => c.method === 'wait')).toBe(false);
    expect(result.run?.id).toBe(1000);
  });

  it('dry run reads but changes nothing', async () => {
    const t = setup();
    await t.parameters.put('/shared-hosting/hello-app/staging/version', 'old123', 'x');
    const before = t.calls.length;
    const result = await execute(makePlan(), t.ports, { dryRun: true });
    expect(result.status).toBe('succeeded');
    expect(result.dryRun).toBe(true);
    expect(result.previousValue).toBe('old123');
    expect(result.imageExisted).toBe(false);
    const methods = t.calls.slice(before).map((c) => c.method);
    expect(methods).not.toContain('put');
    expect(methods).not.toContain('build');
    expect(methods).not.toContain('push');
    expect(methods).not.toContain('dispatch');
  });

  it('requires a GitHub token unless it is a dry run, before any side effect', async () => {
    const t = setup();
    const result = await execute(
      makePlan(),
      { ...t.ports, workflows: undefined },
      { tokenInput: 'github-token' },
    );
    expect(result.error?.code).toBe('INVALID_INPUT');
    expect(result.error?.message).toContain('github-token');
    expect(t.calls).toHaveLength(0);
    const dry = await execute(makePlan(), { ...t.ports, workflows: undefined }, { dryRun: true });
    expect(dry.status).toBe('succeeded');
  });

  it('with trigger: false, only sets the version, token or not, and says it was not deployed', async () => {
    for (const workflows of ['none', 'given'] as const) {
      const t = setup();
      const ports = workflows === 'none' ? { ...t.ports, workflows: undefined } : t.ports;
      const result = await execute(makePlan(), ports, { trigger: false });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('succeeded');
      expect(result.run).toBeUndefined();
      expect(t.builder.pushed).toHaveLength(1);
      expect((await t.parameters.get('/shared-hosting/hello-app/staging/version'))?.value).toBe(
        source.commit,
      );
      expect(t.calls.some((c) => c.port === 'workflows' && c.method === 'dispatch')).toBe(false);
      const ends = t.reporter.ofType('step-end').filter((e) => e.status === 'skipped');
      expect(ends.map((e) => e.step)).toEqual(['trigger', 'wait', 'report']);
      expect(ends.at(-1)?.summary).toContain('version set, not deployed');
      expect(ends[0]?.summary).toContain('as asked');
    }
  });

  it('turns anything thrown, Error or not, into a failed result', async () => {
    const t = setup();
    t.registry.describeRepository = async () => {
      throw 'a string, not an Error';
    };
    const result = await execute(makePlan(), t.ports);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toContain('a string, not an Error');
  });

  it('stops with an interruption when aborted between steps', async () => {
    const t = setup();
    const controller = new AbortController();
    t.builder.build = async () => {
      controller.abort(new Error('SIGINT'));
      return {};
    };
    const result = await execute(makePlan(), t.ports, { signal: controller.signal });
    expect(result.error?.code).toBe('INTERRUPTED');
    expect(t.calls.some((c) => c.method === 'put')).toBe(false);
  });

  it('reports durations from the clock', async () => {
    const t = setup();
    t.workflows.next = { conclusion: 'success', durationMs: 42_000 };
    const result = await execute(makePlan(), t.ports);
    expect(result.steps.find((s) => s.step === 'wait')?.durationMs).toBe(42_000);
  });
});
