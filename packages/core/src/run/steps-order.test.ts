// Each operation runs its plan's steps, in the plan's order: the one list `<dryRun>` and the live list show.
import { describe, expect, it } from 'vitest';
import { formatProvenance, type SourceInfo } from '../domain/provenance.js';
import { CONDITIONAL_STEPS, READ_STEPS, type StepId } from '../domain/steps.js';
import { parseDeployInputs } from '../inputs/inputs.js';
import { plan } from '../plan/deploy.js';
import { planHistory, planStatus } from '../plan/operations.js';
import { RecordingReporter } from '../ports/events.js';
import { preparePromote, prepareRollback } from '../prepare/operations.js';
import { createFakes } from '../testing/fakes.js';
import { OPERATION_NAMES } from '../testing/names.js';
import { fakePorts } from '../testing/ports.js';
import { execute } from './deploy.js';
import { history } from './history.js';
import { promote } from './promote.js';
import { rollback } from './rollback.js';
import type { StepRecord } from './runner.js';
import { status } from './status.js';

const names = OPERATION_NAMES;
const source: SourceInfo = {
  commit: 'c'.repeat(40),
  dirty: false,
  repositoryUrl: undefined,
  actor: 'alice',
  runUrl: undefined,
  ci: 'local',
};
const context = {
  cwd: '/tmp',
  env: { GITHUB_ACTIONS: 'true', GITHUB_SHA: 'f'.repeat(40), GITHUB_ACTOR: 'bob' },
};
const param = (env: string) => `/shared-hosting/hello-app/${env}/version`;
const target = { application: 'hello-app', infraRepository: 'acme/infra' };

async function setup() {
  const fakes = createFakes();
  fakes.registry.repositories.add('hello-app');
  for (const [env, version] of [
    ['staging', 'v1'],
    ['staging', 'v2'],
    ['production', 'v1'],
  ] as const) {
    const image = fakes.registry.addImage('hello-app', version);
    const description = formatProvenance({ action: 'deploy', version, digest: image.digest, actor: 'alice' });
    await fakes.parameters.put(param(env), version, description);
  }
  const reporter = new RecordingReporter();
  const ports = fakePorts(fakes, reporter);
  return { ...fakes, ports };
}

/**
 * The steps run are the plan's, in its order: every step that is not conditional, and the conditional
 * ones that had something to do (`expected` lists those that must have).
 */
function expectPlanOrder(records: readonly StepRecord[], steps: readonly StepId[], expected: StepId[] = []) {
  const ran = records.map((r) => r.step);
  expect(ran).toEqual(steps.filter((s) => !CONDITIONAL_STEPS.has(s) || ran.includes(s)));
  for (const step of expected) expect(ran).toContain(step);
}

describe('an operation runs exactly its plan, in order', () => {
  it('deploy (and with a failed run, the restore in its place)', async () => {
    const t = await setup();
    const p = plan(
      parseDeployInputs({ ...target, environment: 'staging', version: 'v3' }, names, '/src'),
      source,
    );
    const ok = await execute(p, t.ports);
    expect(ok.error).toBeUndefined();
    expectPlanOrder(ok.steps, p.steps);
    t.workflows.next = { conclusion: 'failure' };
    const again = plan(
      parseDeployInputs({ ...target, environment: 'staging', version: 'v4' }, names, '/src'),
      source,
    );
    const failed = await execute(again, t.ports, { rollbackOnFailure: true });
    expect(failed.error?.code).toBe('DEPLOYMENT_FAILED');
    expectPlanOrder(failed.steps, again.steps, ['restore']);
    const dry = await execute(again, t.ports, { dryRun: true });
    expect(dry.steps.map((s) => s.step)).toEqual(['preflight']);
  });

  it('rollback', async () => {
    const t = await setup();
    const p = await prepareRollback({ ...target, environment: 'staging' }, names, context);
    const result = await rollback(p, t.ports);
    expect(result.error).toBeUndefined();
    expectPlanOrder(result.steps, p.steps);
  });

  it('promote', async () => {
    const t = await setup();
    const p = await preparePromote({ ...target, from: 'staging', environment: 'production' }, names, context);
    const result = await promote(p, t.ports);
    expect(result.error).toBeUndefined();
    expectPlanOrder(result.steps, p.steps);
  });

  it('status and history: one read', async () => {
    const t = await setup();
    const s = await status(planStatus({ application: 'hello-app' }, names), t.ports);
    const h = await history(
      planHistory({ application: 'hello-app', environment: 'staging' }, names),
      t.ports,
    );
    expect(s.steps.map((r) => r.step)).toEqual([...READ_STEPS]);
    expect(h.steps.map((r) => r.step)).toEqual([...READ_STEPS]);
  });
});
