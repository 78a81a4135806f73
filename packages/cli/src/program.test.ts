import { BUILDER_CHOICES, DEFAULTS, WAIT_UNTIL } from '@shared-hosting/core';
import { describe, expect, it } from 'vitest';
import { createProgram, run } from './program.js';
import { memoryIO } from './testing.js';

const program = createProgram(memoryIO('/'));
const command = (name: string) => {
  const found = program.commands.find((c) => c.name() === name);
  if (!found) throw new Error(`no command ${name}`);
  return found;
};
const option = (name: string, flag: string) => {
  const found = command(name).options.find((o) => o.long === flag);
  if (!found) throw new Error(`no option ${flag} in ${name}`);
  return found;
};

/** The options each command cannot run without (design.md "Inputs"), and the variable that may give them. */
const REQUIRED: Record<string, [string, string | undefined][]> = {
  deploy: [
    ['--app', 'HOSTING_APPLICATION'],
    ['--env', 'HOSTING_ENVIRONMENT'],
    ['--infra-repo', 'HOSTING_INFRA_REPO'],
  ],
  rollback: [
    ['--app', 'HOSTING_APPLICATION'],
    ['--env', 'HOSTING_ENVIRONMENT'],
    ['--infra-repo', 'HOSTING_INFRA_REPO'],
  ],
  promote: [
    ['--app', 'HOSTING_APPLICATION'],
    ['--from', undefined],
    ['--to', undefined],
    ['--infra-repo', 'HOSTING_INFRA_REPO'],
  ],
  rollout: [
    ['--app', 'HOSTING_APPLICATION'],
    ['--env', 'HOSTING_ENVIRONMENT'],
  ],
  continue: [
    ['--app', 'HOSTING_APPLICATION'],
    ['--env', 'HOSTING_ENVIRONMENT'],
  ],
  abort: [
    ['--app', 'HOSTING_APPLICATION'],
    ['--env', 'HOSTING_ENVIRONMENT'],
  ],
  status: [['--app', 'HOSTING_APPLICATION']],
  history: [
    ['--app', 'HOSTING_APPLICATION'],
    ['--env', 'HOSTING_ENVIRONMENT'],
  ],
  unlock: [
    ['--app', 'HOSTING_APPLICATION'],
    ['--env', 'HOSTING_ENVIRONMENT'],
  ],
  init: [],
};

describe('the program', () => {
  it('has the commands listed above', () => {
    expect(program.commands.map((c) => c.name()).sort()).toEqual(Object.keys(REQUIRED).sort());
  });

  it('knows which options are required, with the variable that may supply them, and --help says so', () => {
    for (const [name, required] of Object.entries(REQUIRED)) {
      const mandatory = command(name)
        .options.filter((o) => o.mandatory)
        .map((o) => [o.long, o.envVar]);
      expect(mandatory, name).toEqual(required);
      const entries = command(name)
        .helpInformation()
        .split(/\n {2}(?=-)/);
      for (const [flag] of required) {
        const entry = entries.find((e) => e.startsWith(`${flag} `));
        expect(entry?.replace(/\s+/g, ' '), `${name} ${flag}`).toContain('(required');
      }
    }
  });

  it('takes every default from core', () => {
    expect(option('deploy', '--context').defaultValue).toBe(DEFAULTS.context);
    expect(option('deploy', '--builder').defaultValue).toBe(DEFAULTS.builder);
    expect(option('deploy', '--builder').argChoices).toEqual(BUILDER_CHOICES);
    for (const name of ['deploy', 'rollback', 'promote', 'status']) {
      expect(option(name, '--infra-workflow').defaultValue).toBe(DEFAULTS.infraWorkflow);
      expect(option(name, '--infra-ref').defaultValue).toBe(DEFAULTS.infraRef);
    }
    for (const name of ['deploy', 'rollback', 'promote', 'rollout'])
      expect(option(name, '--timeout').defaultValue).toBe(DEFAULTS.timeout);
    expect(option('rollback', '--to').defaultValue).toBe(DEFAULTS.rollbackTo);
    expect(option('history', '--limit').defaultValue).toBe(String(DEFAULTS.historyLimit));
    expect(option('rollout', '--wait-until').defaultValue).toBe(DEFAULTS.waitUntil);
    expect(option('rollout', '--wait-until').argChoices).toEqual(WAIT_UNTIL);
  });

  it('leaves a missing required option to core: every problem at once, each with its fix, exit 2', async () => {
    const saved = { ...process.env };
    for (const key of ['HOSTING_APPLICATION', 'HOSTING_ENVIRONMENT', 'HOSTING_INFRA_REPO'])
      delete process.env[key];
    try {
      const ctx = memoryIO('/');
      expect(await run(['rollback', '--timeout', 'forever'], ctx)).toBe(2);
      const err = ctx.err.join('');
      expect(err).toContain('Input required and not supplied: --app. Pass --app with the application name');
      expect(err).toContain('Input required and not supplied: --env.');
      expect(err).toContain('Input required and not supplied: --infra-repo.');
      expect(err).toContain('--timeout "forever" is not a duration');
      expect(err).not.toContain('required option');
    } finally {
      Object.assign(process.env, saved);
    }
  });
});
