import { checkRolloutInputs, parseDeployInputs, planHistory, planRollback } from '@shared-hosting/core';
import { inputsNamed } from '@shared-hosting/core/testing';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../program.js';
import { memoryIO } from '../testing.js';
import {
  CLI_ADAPTER_NAMES,
  CLI_INPUT_NAMES,
  CLI_OPERATION_NAMES,
  CLI_ROLLOUT_NAMES,
  OPERATION_NAMES,
} from './names.js';

describe("the CLI's input names, passed to the core", () => {
  const program = createProgram(memoryIO('/'));
  const flags = new Set(
    [program, ...program.commands].flatMap((c) => c.options.map((o) => o.long ?? '')).filter(Boolean),
  );

  it('are flags of the program', () => {
    for (const name of [
      ...Object.values(CLI_INPUT_NAMES),
      ...Object.values(CLI_OPERATION_NAMES),
      ...Object.values(CLI_ROLLOUT_NAMES),
      ...Object.values(CLI_ADAPTER_NAMES),
    ])
      expect(flags, name).toContain(name);
  });

  it("are the names the core's input messages give", () => {
    expect(inputsNamed(() => parseDeployInputs({}, CLI_INPUT_NAMES, '/'))).toEqual([
      '--app',
      '--env',
      '--infra-repo',
    ]);
    const rollout = { application: 'Hello', environment: 'staging', waitUntil: 'never', dryRun: 'maybe' };
    expect(inputsNamed(() => checkRolloutInputs(rollout, CLI_ROLLOUT_NAMES))).toEqual([
      '--app',
      '--wait-until',
      '--dry-run',
    ]);
    const target = { application: 'hello-app', environment: 'staging', infraRepository: 'acme/infra' };
    expect(
      inputsNamed(() =>
        planRollback({ ...target, to: 'not a tag', redeployOnRollback: true }, OPERATION_NAMES),
      ),
    ).toEqual(['--to', '--redeploy-on-rollback']);
    expect(inputsNamed(() => planHistory({ ...target, limit: '500' }, OPERATION_NAMES))).toEqual(['--limit']);
  });
});
