// Honest dry runs (issue 23, item 9): every command that has --dry-run says what it read and what it did
// not, in its text and in --json: a parameter it did not read is "not read", never "not set"; an image it
// did not look up is neither claimed present nor absent.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { RolloutPorts } from '@shared-hosting/core';
import { createFakes, fakePorts } from '@shared-hosting/core/testing';
import { describe, expect, it } from 'vitest';
import { runDeploy } from './commands/deploy/run.js';
import { runPromote } from './commands/promote/run.js';
import { runRollback } from './commands/rollback/run.js';
import { runRollout } from './commands/rollout/run.js';
import type { PortsFactory } from './runtime/ports.js';
import { memoryIO } from './testing.js';

const PARAM = (env: string) => `/shared-hosting/hello-app/${env}/version`;
const RELEASE = { app: 'hello-app', infraRepo: 'acme/infra', dryRun: true } as const;
const asJson = (json: boolean) => (json ? { json: true as const } : {});

function gitRepo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'hosting-dry-run-'));
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir });
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'init');
  return dir;
}

async function world(options: { repository?: boolean } = {}) {
  const fakes = createFakes();
  if (options.repository !== false) fakes.registry.repositories.add('hello-app');
  const factory: PortsFactory = async ({ reporter }) => fakePorts(fakes, reporter);
  return { fakes, factory };
}

/** Run a command twice, for its text and its --json; nothing may have been written. */
async function both(
  run: (json: boolean, io: ReturnType<typeof memoryIO>) => Promise<number>,
  dir = '/tmp',
): Promise<{ code: number; text: string; json: Record<string, unknown> }> {
  const env = { PATH: process.env.PATH, GITHUB_ACTIONS: 'true', GITHUB_SHA: 'f'.repeat(40) };
  const textIO = memoryIO(dir, env);
  const code = await run(false, textIO);
  const jsonIO = memoryIO(dir, env);
  expect(await run(true, jsonIO)).toBe(code);
  return { code, text: textIO.out.join(''), json: JSON.parse(jsonIO.out.join('')) };
}

describe('a dry run says what it read and what it did not', () => {
  it('deploy: read everything (the parameter not set is "not set"); stopped early: "not read"', async () => {
    const dir = gitRepo();
    const w = await world();
    const read = await both(
      (json, io) => runDeploy({ ...RELEASE, env: 'staging', ...asJson(json) }, io, w.factory),
      dir,
    );
    expect(read.code).toBe(0);
    expect(read.text).toContain('Dry run: nothing was changed.');
    expect(read.text).toContain('(would be built and pushed)');
    expect(read.text).toContain(`parameter  ${PARAM('staging')}: (not set) → ${'f'.repeat(40)}`);
    expect(read.json).toMatchObject({ read: { parameter: true, image: true }, 'previous-value': null });
    expect(read.json['image-existed']).toBe(false);

    const none = await world({ repository: false });
    const stopped = await both(
      (json, io) => runDeploy({ ...RELEASE, env: 'staging', ...asJson(json) }, io, none.factory),
      dir,
    );
    expect(stopped.code).toBe(3);
    expect(stopped.text).toContain('it stopped before reading everything');
    expect(stopped.text).toContain(`parameter  ${PARAM('staging')}: not read → `);
    expect(stopped.text).toContain('(not looked up)');
    expect(stopped.text).not.toContain('(not set)');
    expect(stopped.text).not.toContain('would be built');
    expect(stopped.json).toMatchObject({
      read: { parameter: false, image: false },
      'previous-value': null,
      'image-existed': null,
    });
    expect(w.fakes.calls.filter((c) => /put|create|delete|label|dispatch/i.test(c.method))).toEqual([]);
  });

  it('rollback: the current value read, the image found; an image gone: nothing claimed', async () => {
    const w = await world();
    w.fakes.registry.addImage('hello-app', 'v1');
    await w.fakes.parameters.put(PARAM('production'), 'v1', 'first');
    await w.fakes.parameters.put(PARAM('production'), 'v2', 'second');
    const read = await both((json, io) =>
      runRollback({ ...RELEASE, env: 'production', to: 'v1', ...asJson(json) }, io, w.factory),
    );
    expect(read.code).toBe(0);
    expect(read.text).toContain(`parameter  ${PARAM('production')}: v2 → v1`);
    expect(read.text).toContain('(in the registry)');
    expect(read.json).toMatchObject({ read: { parameter: true, image: true }, 'previous-value': 'v2' });

    const gone = await both((json, io) =>
      runRollback({ ...RELEASE, env: 'production', to: 'v0', ...asJson(json) }, io, w.factory),
    );
    expect(gone.code).not.toBe(0);
    expect(gone.text).toContain(`parameter  ${PARAM('production')}: not read → v0`);
    expect(gone.text).not.toContain('(in the registry)');
    expect(gone.json).toMatchObject({ read: { parameter: false, image: false }, 'image-existed': null });
  });

  it("promote: the target's value read; a source image gone: the target not read, the image not claimed", async () => {
    const w = await world();
    w.fakes.registry.addImage('hello-app', 'v3');
    await w.fakes.parameters.put(PARAM('staging'), 'v3', 'deployed');
    const read = await both((json, io) =>
      runPromote({ ...RELEASE, from: 'staging', to: 'production', ...asJson(json) }, io, w.factory),
    );
    expect(read.code).toBe(0);
    expect(read.text).toContain(`parameter  ${PARAM('production')}: (not set) → v3`);
    expect(read.json).toMatchObject({ read: { parameter: true, image: true }, 'image-existed': true });

    await w.fakes.parameters.put(PARAM('staging'), 'v4', 'never pushed');
    const stopped = await both((json, io) =>
      runPromote({ ...RELEASE, from: 'staging', to: 'production', ...asJson(json) }, io, w.factory),
    );
    expect(stopped.code).not.toBe(0);
    expect(stopped.text).toContain(`parameter  ${PARAM('production')}: not read → `);
    expect(stopped.text).not.toContain('(in the registry)');
    expect(stopped.text).not.toContain('(not set)');
    expect(stopped.json).toMatchObject({
      read: { parameter: false, image: false },
      'previous-value': null,
      'image-existed': null,
    });
  });

  it('rollout: the version and the image read; a version not in ECR: the image not looked up', async () => {
    const fakes = createFakes();
    fakes.registry.repositories.add('hello-app');
    fakes.registry.addImage('hello-app', 'v2');
    fakes.containers.addService('shared-staging', 'hello-app', {
      family: 'hello-app',
      containerDefinitions: [{ name: 'web', image: 'registry.example.test/hello-app:v1' }],
    });
    await fakes.parameters.put(PARAM('staging'), 'v2', 'deployed');
    const factory = async ({ reporter }: { reporter: RolloutPorts['reporter'] }) =>
      ({
        registry: fakes.registry,
        parameters: fakes.parameters,
        containers: fakes.containers,
        clock: fakes.clock,
        reporter,
      }) satisfies RolloutPorts;
    const flags = {
      app: 'hello-app',
      env: 'staging',
      cluster: 'shared-staging',
      container: 'web',
      dryRun: true,
    } as const;
    const read = await both((json, io) => runRollout({ ...flags, ...asJson(json) }, io, factory));
    expect(read.code).toBe(0);
    expect(read.text).toContain('Dry run: nothing was changed.');
    expect(read.json).toMatchObject({ read: { parameter: true, image: true }, 'dry-run': true });

    await fakes.parameters.put(PARAM('staging'), 'v3', 'never pushed');
    const stopped = await both((json, io) => runRollout({ ...flags, ...asJson(json) }, io, factory));
    expect(stopped.code).toBe(3);
    expect(stopped.text).toContain('stopped after');
    expect(stopped.text).toContain('nothing was changed');
    expect(stopped.text).toContain('image            not looked up');
    expect(stopped.json).toMatchObject({ read: { parameter: true, image: false } });
    expect(fakes.containers.registered).toEqual([]);
  });
});
