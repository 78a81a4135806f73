import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseProvenance, RESULT_FIELDS } from '@shared-hosting/core';
import { createFakes, deployed as deployedVersion, fakePorts } from '@shared-hosting/core/testing';
import { describe, expect, it } from 'vitest';
import { runDeploy } from './commands/deploy/run.js';
import { runHistory } from './commands/history/run.js';
import { runPromote } from './commands/promote/run.js';
import { runRollback } from './commands/rollback/run.js';
import { runStatus } from './commands/status/run.js';
import { runUnlock } from './commands/unlock/run.js';
import { run } from './program.js';
import type { PortsFactory } from './runtime/ports.js';
import { memoryIO } from './testing.js';
import type { CliIO } from './types.js';

const io = (env: Record<string, string> = {}) =>
  memoryIO('/tmp', {
    PATH: process.env.PATH,
    GITHUB_ACTIONS: 'true',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_ACTOR: 'bob',
    ...env,
  });

const param = (env: string) => `/shared-hosting/hello-app/${env}/version`;

async function world() {
  const fakes = createFakes();
  fakes.registry.repositories.add('hello-app');
  const deployed = (env: string, version: string, push = true) =>
    deployedVersion(fakes, env, version, {
      push,
      provenance: {
        commit: version.padEnd(40, '0'),
        actor: 'alice@example.com',
        run: 'https://github.test/acme/hello-app/actions/runs/5',
      },
    });
  let builderAsked = 0;
  const factory: PortsFactory = async ({ reporter }) => ({
    ...fakePorts(fakes, reporter),
    builder: async () => {
      builderAsked++;
      return fakes.builder;
    },
  });
  return { fakes, factory, deployed, builderAsked: () => builderAsked };
}

const release = {
  app: 'hello-app',
  infraRepo: 'acme/infra',
  wait: true,
  cancelOnInterrupt: true,
  timeout: '30m',
};

describe('hosting status', () => {
  it('prints one table for the environments, and JSON with --json', async () => {
    const w = await world();
    await w.deployed('staging', 'v2');
    await w.deployed('production', 'v1', false);
    w.fakes.workflows.latestRun = async () => ({
      run: { id: 9, url: 'https://github.test/acme/infra/actions/runs/9' },
      status: 'completed',
      conclusion: 'success',
    });
    const ctx = io();
    expect(await runStatus({ app: 'hello-app', infraRepo: 'acme/infra' }, ctx, w.factory)).toBe(0);
    const text = ctx.out.join('');
    expect(text).toMatch(
      /ENVIRONMENT\s+VERSION\s+PARAM\s+DEPLOYED\s+BY\s+COMMIT\s+DIGEST\s+IMAGE\s+LIVE\s+LOCK\s+LATEST RUN/,
    );
    expect(text).toMatch(
      /staging\s+v2\s+1\s+\S+ \S+ UTC\s+alice@example.com\s+v20000000000\s+sha256:\S+\s+present\s+-\s+-\s+success https:\/\/github.test\/acme\/infra\/actions\/runs\/9/,
    );
    expect(text).toMatch(/production\s+v1 .*expired/);
    expect(text).toContain('a rollback to it would be refused');
    expect(ctx.err.join('')).toBe('');

    const json = io();
    expect(await runStatus({ app: 'hello-app', env: ['staging'], json: true }, json, w.factory)).toBe(0);
    expect(JSON.parse(json.out.join(''))).toMatchObject({
      application: 'hello-app',
      environments: [
        {
          environment: 'staging',
          version: 'v2',
          'parameter-version': 1,
          image: { exists: true },
          'latest-run': null,
        },
      ],
    });
  });

  it('refuses bad input with exit code 2', async () => {
    const w = await world();
    const ctx = io();
    expect(await runStatus({ app: 'Bad' }, ctx, w.factory)).toBe(2);
    expect(ctx.err.join('')).toContain('--app "Bad"');
  });
});

describe('hosting history', () => {
  it('lists versions newest first, marking the current one', async () => {
    const w = await world();
    await w.deployed('staging', 'v1');
    await w.deployed('staging', 'v2');
    const ctx = io();
    expect(await runHistory({ app: 'hello-app', env: 'staging', limit: '20' }, ctx, w.factory)).toBe(0);
    const lines = ctx.out.join('').split('\n');
    expect(lines[1]).toMatch(/^ #\s+VERSION\s+DATE\s+ACTION\s+BY\s+COMMIT\s+DIGEST\s+RUN$/);
    expect(lines[2]).toMatch(/^\*2\s+v2\s+.*deploy\s+alice@example.com/);
    expect(lines[3]).toMatch(/^ 1\s+v1/);
    const json = io();
    await runHistory({ app: 'hello-app', env: 'staging', json: true }, json, w.factory);
    expect(JSON.parse(json.out.join('')).entries.map((e: { version: string }) => e.version)).toEqual([
      'v2',
      'v1',
    ]);
  });
});

describe('hosting rollback', () => {
  it('rolls back to the previous version', async () => {
    const w = await world();
    await w.deployed('production', 'v1');
    await w.deployed('production', 'v2');
    const ctx = io();
    expect(await runRollback({ ...release, env: 'production' }, ctx, w.factory)).toBe(0);
    expect(ctx.out.join('')).toContain('Rollback of hello-app in production from v2 to v1: done');
    const stored = await w.fakes.parameters.get(param('production'));
    expect(parseProvenance(stored?.description)).toMatchObject({
      action: 'rollback',
      from: 'v2',
      actor: 'bob',
    });
    expect(w.builderAsked()).toBe(0);
  });

  it('refuses an expired image with exit code 3 and changes nothing', async () => {
    const w = await world();
    await w.deployed('production', 'v1', false);
    await w.deployed('production', 'v2');
    const ctx = io();
    expect(await runRollback({ ...release, env: 'production', to: 'v1', json: true }, ctx, w.factory)).toBe(
      3,
    );
    expect(JSON.parse(ctx.out.join(''))).toMatchObject({
      status: 'failed',
      error: { code: 'IMAGE_EXPIRED' },
    });
    expect(ctx.err.join('')).toContain('lifecycle rule');
    expect((await w.fakes.parameters.get(param('production')))?.value).toBe('v2');
  });

  it('--to a version never deployed there and not in ECR says so (not "no longer in ECR"), with hosting history as the fix', async () => {
    const w = await world();
    await w.deployed('production', 'v1');
    await w.deployed('production', 'v2');
    const ctx = io();
    expect(await runRollback({ ...release, env: 'production', to: 'v9', json: true }, ctx, w.factory)).toBe(
      3,
    );
    expect(JSON.parse(ctx.out.join(''))).toMatchObject({
      status: 'failed',
      error: { code: 'VERSION_NEVER_DEPLOYED' },
    });
    const err = ctx.err.join('');
    expect(err).toContain(
      `v9 was never deployed to production (not in the history of ${param('production')})`,
    );
    expect(err).toContain('no image hello-app:v9 in ECR');
    expect(err).not.toContain('no longer in ECR');
    expect(err).toContain(
      'Fix: See the versions deployed there with: hosting history --app hello-app --env production',
    );
    expect((await w.fakes.parameters.get(param('production')))?.value).toBe('v2');
  });
});

describe('hosting promote', () => {
  it('promotes with zero builds and prints the outputs as JSON', async () => {
    const w = await world();
    await w.deployed('staging', 'v3');
    const ctx = io();
    expect(
      await runPromote({ ...release, from: 'staging', to: 'production', json: true }, ctx, w.factory),
    ).toBe(0);
    expect(JSON.parse(ctx.out.join(''))).toMatchObject({
      operation: 'promote',
      version: 'v3',
      'parameter-name': param('production'),
      'source-environment': 'staging',
      retagged: false,
      conclusion: 'success',
    });
    expect(w.builderAsked()).toBe(0);
    expect(w.fakes.builder.built).toHaveLength(0);
  });

  it('names the promotion with single spaces, with or without a source version', async () => {
    const w = await world();
    const failed = io();
    const flags = { ...release, from: 'staging', to: 'production' };
    expect(await runPromote(flags, failed, w.factory)).toBe(3);
    expect(failed.out.join('')).toContain('Promotion of hello-app from staging to production failed');
    await w.deployed('staging', 'v3');
    const ok = io();
    expect(await runPromote(flags, ok, w.factory)).toBe(0);
    expect(ok.out.join('')).toContain('Promotion of hello-app v3 from staging to production: done');
    const named = `${failed.out.join('')}${ok.out.join('')}`
      .split('\n')
      .filter((l) => l.startsWith('Promotion of'));
    expect(named).toHaveLength(2);
    for (const line of named) expect(line).not.toContain('  ');
  });
});

describe('the program', () => {
  it('registers the day-2 commands with their flags', async () => {
    for (const [command, flag] of [
      ['status', '--env <name>'],
      ['history', '--limit <n>'],
      ['rollback', '--rollback-on-failure'],
      ['promote', '--from <env>'],
      ['deploy', '--no-wait-for-lock'],
      ['deploy', '--redeploy-on-rollback'],
    ] as const) {
      const ctx = io();
      expect(await run([command, '--help'], ctx)).toBe(0);
      expect(ctx.out.join('')).toContain(flag);
    }
  });

  it('refuses --redeploy-on-rollback without --rollback-on-failure before doing anything', async () => {
    const ctx = io();
    expect(
      await run(
        [
          'rollback',
          '--app',
          'hello-app',
          '--env',
          'staging',
          '--infra-repo',
          'a/b',
          '--redeploy-on-rollback',
        ],
        ctx,
      ),
    ).toBe(2);
    expect(ctx.err.join('')).toContain(
      '--redeploy-on-rollback only applies together with --rollback-on-failure',
    );
  });
});

describe('--json', () => {
  const keysOf = (command: string) =>
    RESULT_FIELDS.filter((f) => (f.commands as readonly string[]).includes(command))
      .map((f) => f.key)
      .sort();
  const printed = (ctx: { out: string[] }) => Object.keys(JSON.parse(ctx.out.join(''))).sort();

  it('prints exactly the documented keys for every command, recovery included', async () => {
    const w = await world();
    await w.deployed('staging', 'v1');
    await w.deployed('staging', 'v2');
    await w.deployed('production', 'v1');
    const dir = mkdtempSync(path.join(tmpdir(), 'hosting-json-'));
    writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
    const runs = {
      deploy: (ctx: CliIO) =>
        runDeploy({ ...release, env: 'staging', json: true, rollbackOnFailure: true }, ctx, w.factory),
      rollback: (ctx: CliIO) => runRollback({ ...release, env: 'staging', json: true }, ctx, w.factory),
      promote: (ctx: CliIO) =>
        runPromote({ ...release, from: 'staging', to: 'production', json: true }, ctx, w.factory),
      status: (ctx: CliIO) => runStatus({ app: 'hello-app', json: true }, ctx, w.factory),
      history: (ctx: CliIO) => runHistory({ app: 'hello-app', env: 'staging', json: true }, ctx, w.factory),
      unlock: (ctx: CliIO) => runUnlock({ app: 'hello-app', env: 'staging', json: true }, ctx, w.factory),
    };
    for (const [command, runCommand] of Object.entries(runs)) {
      // The deploy's infra run fails, so that its recovery is in the output.
      w.fakes.workflows.next = { conclusion: command === 'deploy' ? 'failure' : 'success', durationMs: 1000 };
      const ctx = { ...io(), cwd: dir };
      await runCommand(ctx);
      expect(printed(ctx), command).toEqual(keysOf(command));
      const json = JSON.parse(ctx.out.join(''));
      expect(json.operation).toBe(command);
      if (command === 'deploy') expect(Object.keys(json.recovery ?? {})).toContain('parameter-version');
    }
  });

  it('prints the operation, status and error of a failure before the command ran', async () => {
    const w = await world();
    const ctx = io();
    expect(
      await runRollback({ ...release, app: 'Bad_Name', env: 'staging', json: true }, ctx, w.factory),
    ).toBe(2);
    expect(JSON.parse(ctx.out.join(''))).toMatchObject({
      operation: 'rollback',
      status: 'failed',
      error: { kind: 'input' },
    });
  });
});
