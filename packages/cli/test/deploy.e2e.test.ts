/**
 * End to end: the BUILT `hosting` bin, spawned as a user would, against the testkit peers — a real
 * docker-registry behind the AWS (ECR/SSM) test server, the GitHub test server — building with buildah.
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type AwsPeers, type GitHubPeer, startAwsPeers, startGitHubPeer } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const bin = path.resolve(import.meta.dirname, '../dist/hosting.cjs');
const PARAM = '/shared-hosting/hello-app/staging/version';
/** `hosting deploy` of the test app to staging; tests append their own flags. */
const DEPLOY = ['deploy', '--app', 'hello-app', '--env', 'staging', '--infra-repo', 'owner/infra'];

let aws: AwsPeers;
let github: GitHubPeer;
let work: string;
let app: string;
let sha: string;

function run(args: string[], extraEnv: Record<string, string> = {}, cwd = app) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { ...runEnv(), ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** The environment of a `hosting` run: the peers, buildah on a private storage, HOME in the work dir. */
function runEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: work,
    ...aws.env,
    GITHUB_API_URL: github.url,
    GITHUB_TOKEN: github.token,
    HOSTING_BUILDER: 'buildah',
    CONTAINERS_STORAGE_CONF: path.join(work, 'storage.conf'),
    BUILDAH_ISOLATION: 'chroot',
    STORAGE_DRIVER: 'vfs',
  };
}

/**
 * A stand-in `buildah` (in `<dir>/bin`, put first on PATH) that records its pid and the `--authfile` it
 * was given, then waits until it is killed. `started()` reads that record once the build has begun.
 */
function fakeBuilder(dir: string) {
  const bin = path.join(dir, 'bin');
  const record = path.join(dir, 'started');
  mkdirSync(bin, { recursive: true });
  const script = [
    '#!/bin/sh',
    'auth=""; prev=""',
    'for a in "$@"; do [ "$prev" = "--authfile" ] && auth="$a"; prev="$a"; done',
    `printf '%s %s\\n' "$$" "$auth" > '${record}.tmp' && mv '${record}.tmp' '${record}'`,
    'exec sleep 120',
    '',
  ].join('\n');
  writeFileSync(path.join(bin, 'buildah'), script, { mode: 0o755 });
  return {
    bin,
    started(): { pid: number; authFile: string } | undefined {
      if (!existsSync(record)) return undefined;
      const [pid, authFile] = readFileSync(record, 'utf8').trim().split(' ');
      return { pid: Number(pid), authFile: authFile ?? '' };
    },
  };
}

async function tags(repository: string): Promise<string[]> {
  const res = await fetch(`${aws.registry.url}/v2/${repository}/tags/list`, {
    headers: { authorization: aws.registry.authorization },
  });
  if (res.status === 404) return [];
  return ((await res.json()) as { tags?: string[] }).tags ?? [];
}

/** Start a deploy, wait until its infra run is dispatched, then send a signal; resolves with the exit. */
function interruptAfterDispatch(args: string[], signal: NodeJS.Signals) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd: app,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: work,
        ...aws.env,
        GITHUB_API_URL: github.url,
        GITHUB_TOKEN: github.token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!sent && stdout.includes('infra run: ')) {
        sent = true;
        setTimeout(() => child.kill(signal), 300);
      }
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  if (!existsSync(bin))
    throw new Error(`${bin} is missing: build the CLI first (pnpm --filter @shared-hosting/cli build)`);
  work = mkdtempSync(path.join(tmpdir(), 'hosting-e2e-'));
  writeFileSync(
    path.join(work, 'storage.conf'),
    `[storage]\ndriver = "vfs"\ngraphroot = "${work}/storage"\nrunroot = "${work}/run"\n`,
  );
  app = path.join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(path.join(app, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
  writeFileSync(path.join(app, 'hello.txt'), 'hello\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=e2e@example.com', '-c', 'user.name=e2e', ...args], { cwd: app })
      .toString()
      .trim();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'app');
  sha = git('rev-parse', 'HEAD');
  aws = await startAwsPeers();
  github = await startGitHubPeer({ owner: 'owner', repo: 'infra' });
  aws.createRepository('hello-app');
}, 60_000);

afterAll(async () => {
  await github?.stop();
  await aws?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('hosting deploy (built bin, real peers)', () => {
  it('refuses bad input with exit 2 and no request to any peer', async () => {
    const awsBefore = aws.aws.requests.length;
    const ghBefore = github.stats.requests;
    const r = await run(['deploy', '--app', 'Hello', '--env', 'staging', '--infra-repo', 'owner/infra']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--app "Hello" is not a valid application name');
    expect(aws.aws.requests.length).toBe(awsBefore);
    expect(github.stats.requests).toBe(ghBefore);
  });

  it('dry run shows the plan and changes nothing', async () => {
    const r = await run([...DEPLOY, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${aws.registry.host}/hello-app:${sha}`);
    expect(r.stdout).toContain(`(not set) → ${sha}`);
    expect(await tags('hello-app')).toEqual([]);
    expect(github.stats.dispatches).toHaveLength(0);
  });

  it('builds, pushes, sets the version, triggers and waits', async () => {
    const r = await run([...DEPLOY, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      image: `${aws.registry.host}/hello-app:${sha}`,
      version: sha,
      'parameter-name': PARAM,
      'parameter-version': '1',
      conclusion: 'success',
      status: 'succeeded',
    });
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await tags('hello-app')).toEqual([sha]);
    expect(github.stats.dispatches.at(-1)).toMatchObject({
      ref: 'main',
      inputs: { application: 'hello-app', environment: 'staging' },
    });
    expect(out['run-url']).toBe(github.infra.runUrl(Number(out['run-id'])));
    // No secret in any output.
    for (const secret of [aws.registry.password, github.token, aws.env.AWS_SECRET_ACCESS_KEY]) {
      expect(r.stdout + r.stderr).not.toContain(secret);
    }
    // The builder got credentials through a temporary auth file, never the user's docker config.
    expect(existsSync(path.join(work, '.docker', 'config.json'))).toBe(false);
  });

  it('a second run of the same version skips build and push', async () => {
    const r = await run(DEPLOY);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('already in the registry');
    expect(r.stdout).toMatch(/Build image skipped/);
    expect(await tags('hello-app')).toEqual([sha]);
  });

  it('without a GitHub token refuses before any side effect (exit 2); --no-trigger only sets the version, exit 0', async () => {
    const ghBefore = github.stats.requests;
    const production = ['deploy', '--app', 'hello-app', '--env', 'production', '--infra-repo', 'owner/infra'];
    const prodParam = '/shared-hosting/hello-app/production/version';
    const awsBefore = aws.aws.requests.length;
    const refused = await run([...production, '--version', 'v-no-token'], { GITHUB_TOKEN: '' });
    expect(refused.code, refused.stderr).toBe(2);
    expect(refused.stderr).toContain('GITHUB_TOKEN');
    expect(refused.stderr).toContain('--no-trigger');
    expect(aws.aws.requests.slice(awsBefore).filter((r) => r.operation === 'PutParameter')).toEqual([]);
    expect(await tags('hello-app')).not.toContain('v-no-token');
    expect(aws.aws.ssm.parameters.get(prodParam)).toBeUndefined();

    const r = await run([...production, '--no-trigger', '--json'], { GITHUB_TOKEN: '' });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ version: sha, 'parameter-name': prodParam, 'run-id': '', triggered: false });
    expect(aws.aws.ssm.parameters.get(prodParam)?.at(-1)?.Value).toBe(sha);
    const text = await run([...production, '--no-trigger', '--version', sha], { GITHUB_TOKEN: '' });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Version set, not deployed');
    expect(github.stats.requests).toBe(ghBefore);
  });

  it('exits 1 naming the failed job and step when the infra run fails', async () => {
    github.scenario.nextRun({ conclusion: 'failure' });
    const r = await run([...DEPLOY, '--version', 'v-fail']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/job "deploy" failure at step "/);
    expect(r.stderr).toContain('last lines of its log');
    expect(r.stderr).toContain(github.webUrl);
  });

  it('names a missing ECR repository and region, exit 3, before building', async () => {
    const r = await run([
      'deploy',
      '--app',
      'other-app',
      '--env',
      'staging',
      '--infra-repo',
      'owner/infra',
      '--version',
      'v1',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('other-app');
    expect(r.stderr).toContain(aws.region);
    expect(await tags('other-app')).toEqual([]);
  });

  it('Ctrl-C during the wait cancels the remote run and exits 130', async () => {
    github.scenario.nextRun({ queuedMs: 60_000 });
    const cancelsBefore = github.stats.byOperation['actions/cancel-workflow-run'] ?? 0;
    const r = await interruptAfterDispatch([...DEPLOY, '--version', sha], 'SIGINT');
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('Interrupted');
    expect(github.stats.byOperation['actions/cancel-workflow-run'] ?? 0).toBe(cancelsBefore + 1);
  });

  it('SIGTERM with --no-cancel-on-interrupt leaves the remote run going', async () => {
    github.scenario.nextRun({ queuedMs: 60_000 });
    const cancelsBefore = github.stats.byOperation['actions/cancel-workflow-run'] ?? 0;
    const r = await interruptAfterDispatch(
      [...DEPLOY, '--version', sha, '--no-cancel-on-interrupt'],
      'SIGTERM',
    );
    expect(r.code).toBe(130);
    expect(github.stats.byOperation['actions/cancel-workflow-run'] ?? 0).toBe(cancelsBefore);
    const last = github.infra.runs().at(-1);
    expect(last && github.infra.state(last.id)?.status).not.toBe('completed');
  });

  it('a run killed (SIGKILL) while it holds registry credentials leaves them; the next run removes them', async () => {
    // The registry cache makes the build hold an auth file. A stand-in buildah holds the build (as a slow
    // one would) until the run is killed: the clean-up is under test, not buildah (the tests above build).
    aws.createRepository('hello-app/build-cache');
    const temp = path.join(work, 'tmp-kill');
    mkdirSync(temp);
    const authDirs = () => readdirSync(temp).filter((n) => n.startsWith('hosting-auth-'));
    const builder = fakeBuilder(path.join(work, 'fake-buildah'));
    // To production: the staging run the SIGTERM test left going would hold the next run at the lock.
    const deploy = ['deploy', '--app', 'hello-app', '--env', 'production', '--infra-repo', 'owner/infra'];
    const child = spawn(process.execPath, [bin, ...deploy, '--version', 'v-killed', '--no-wait'], {
      cwd: app,
      env: { ...runEnv(), PATH: `${builder.bin}${path.delimiter}${process.env.PATH ?? ''}`, TMPDIR: temp },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const held = await vi.waitFor(() => builder.started() ?? expect.fail('the build has not started'), {
      timeout: 30_000,
      interval: 20,
    });
    expect(path.dirname(path.dirname(held.authFile))).toBe(temp);
    expect(existsSync(held.authFile)).toBe(true);
    const left = authDirs();
    expect(left).toEqual([path.basename(path.dirname(held.authFile))]);
    child.kill('SIGKILL');
    await exited;
    process.kill(held.pid, 'SIGKILL');
    expect(authDirs()).toEqual(left);

    const next = await run([...deploy, '--version', 'v-after-kill', '--no-wait'], { TMPDIR: temp });
    expect(next.code, next.stderr).toBe(0);
    expect(authDirs()).toEqual([]);
  }, 90_000);

  it('prints help fast, with no SDK loaded and no warnings', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hosting');
    expect(r.stderr).toBe('');
  });
});
