/**
 * The release tarball as a user gets it: `node release.mjs` packs the BUILT CLI, `npm install -g` installs it
 * into an empty prefix with an empty cache, offline and with an unreachable registry (so any dependency it
 * tried to fetch would fail), and the installed `hosting` runs a dry-run deploy against the test servers.
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCheckout, deployArgs } from './kit/app.js';
import { type Peers, startPeers } from './kit/peers.js';

const cliDir = path.resolve(import.meta.dirname, '..');
const version = (JSON.parse(readFileSync(path.join(cliDir, 'package.json'), 'utf8')) as { version: string })
  .version;

let work: string;
let tarball: string;
let hosting: string;
let peers: Peers;

/** Only Node's own directory and the system's on PATH: no pnpm, no workspace, no repository. */
function plainEnv(extra: Record<string, string> = {}) {
  return {
    PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
    HOME: work,
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

beforeAll(async () => {
  work = mkdtempSync(path.join(tmpdir(), 'hosting-release-test-'));
  tarball = execFileSync(process.execPath, [path.join(cliDir, 'release.mjs'), '--out', work])
    .toString()
    .trim();
  const prefix = path.join(work, 'prefix');
  const cache = path.join(work, 'empty-cache');
  mkdirSync(cache);
  const npm = spawnSync(
    'npm',
    [
      'install',
      '-g',
      '--prefix',
      prefix,
      '--offline',
      '--cache',
      cache,
      '--registry',
      'http://127.0.0.1:9',
      tarball,
    ],
    { cwd: work, env: plainEnv(), encoding: 'utf8' },
  );
  if (npm.status !== 0) throw new Error(`npm install -g failed (${npm.status}): ${npm.stderr}`);
  hosting = path.join(prefix, 'bin/hosting');
  peers = await startPeers();
  peers.aws.createRepository('hello-app');
}, 60_000);

afterAll(async () => {
  await peers?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the release tarball', () => {
  it('is named hosting-cli-<version>.tgz and declares nothing to resolve', () => {
    expect(path.basename(tarball)).toBe(`hosting-cli-${version}.tgz`);
    const manifest = JSON.parse(execFileSync('tar', ['xzOf', tarball, 'package/package.json']).toString());
    expect(manifest).toMatchObject({ version, bin: { hosting: 'dist/hosting.cjs' } });
    for (const key of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']) {
      expect(manifest[key], key).toBeUndefined();
    }
    const files = execFileSync('tar', ['tzf', tarball]).toString().split('\n').filter(Boolean);
    expect(files).toContain('package/dist/hosting.cjs');
    expect(files.filter((f) => !/^package\/(dist\/|package\.json$|README\.md$)/.test(f))).toEqual([]);
    expect(files).not.toContain('package/dist/index.js');
  });

  it('installs offline; hosting --version prints the version', () => {
    const r = spawnSync(hosting, ['--version'], { env: plainEnv(), encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe(version);
  });

  it('runs a dry-run deploy against the test servers, changing nothing', async () => {
    const app = path.join(work, 'app');
    appCheckout(app, { commit: 'release' });
    const args = deployArgs('hello-app', 'staging', '--dry-run');
    // Asynchronously: the test servers answer from this process.
    const r = await promisify(execFile)(hosting, args, {
      cwd: app,
      env: plainEnv({ ...peers.aws.env, GITHUB_API_URL: peers.github.url, GITHUB_TOKEN: peers.github.token }),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(`${peers.aws.registry.host}/hello-app:`);
    expect(r.stdout).toMatch(/dry run/i);
    expect(peers.github.stats.dispatches).toHaveLength(0);
  });
});
