import * as fixtures from '@shared-hosting/core/testing';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../program.js';
import { memoryIO } from '../testing.js';
import { CLI_ADAPTER_NAMES, CLI_INPUT_NAMES, CLI_OPERATION_NAMES, CLI_ROLLOUT_NAMES } from './names.js';

describe("the CLI's input names, passed to the core", () => {
  const program = createProgram(memoryIO('/'));
  const flags = new Set(program.commands.flatMap((c) => c.options.map((o) => o.long)));

  it('are flags of the program', () => {
    for (const name of [
      ...Object.values(CLI_INPUT_NAMES),
      ...Object.values(CLI_OPERATION_NAMES),
      ...Object.values(CLI_ROLLOUT_NAMES),
    ])
      expect(flags, name).toContain(name);
  });

  it("are the core tests' fixtures", () => {
    expect(fixtures.CLI_INPUT_NAMES).toEqual(CLI_INPUT_NAMES);
    expect(fixtures.CLI_OPERATION_NAMES).toEqual(CLI_OPERATION_NAMES);
    expect(fixtures.CLI_ROLLOUT_NAMES).toEqual(CLI_ROLLOUT_NAMES);
    expect(fixtures.CLI_ADAPTER_NAMES).toEqual(CLI_ADAPTER_NAMES);
  });
});
