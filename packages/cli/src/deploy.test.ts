import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createFakes, fakePorts } from '@shared-hosting/core/testing';
import { describe, expect, it } from 'vitest';
import { runDeploy } from './commands/deploy/run.js';
import { run } from './program.js';
import type { PortsFactory } from './runtime/ports.js';
import { memoryIO } from './testing.js';

function gitRepo(): { dir: string; sha: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'hosting-cli-'));
  writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /\n');
  writeFileSync(path.join(dir, 'hello.txt'), 'hello\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: dir })
      .toString()
      .trim();
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'init');
  return { dir, sha: git('rev-parse', 'HEAD') };
}

const io = (cwd: string, env: Record<string, string> = {}) =>
  memoryIO(cwd, { PATH: process.env.PATH, ...env });

function fakeFactory() {
  const fakes = createFakes();
  fakes.registry.repositories.add('hello-app');
  let created = 0;
  const factory: PortsFactory = async ({ reporter }) => {
    created++;
    return fakePorts(fakes, reporter);
  };
  return { fakes, factory, created: () => created };
}

const flags = {
  app: 'hello-app',
  env: 'staging',
  infraRepo: 'acme/infra',
  wait: true,
  cancelOnInterrupt: true,
};

describe('hosting deploy', () => {
  it('deploys with plain lines when not on a TTY', async () => {
    const { dir, sha } = gitRepo();
    const f = fakeFactory();
    const ctx = io(dir);
    const code = await runDeploy(flags, ctx, f.factory);
    const text = ctx.out.join('');
    expect(ctx.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(text).toContain('✓ Preflight checks');
    expect(text).toContain(`Deployed hello-app ${sha} to staging`);
    expect(text).toContain(`registry.example.test/hello-app:${sha}`);
    expect(text).not.toContain('\x1b[');
    expect(await f.fakes.parameters.get('/shared-hosting/hello-app/staging/version')).toMatchObject({
      value: sha,
    });
  });

  it('prints the outputs as JSON with --json, progress on stderr', async () => {
    const { dir, sha } = gitRepo();
    const f = fakeFactory();
    const ctx = io(dir);
    const code = await runDeploy({ ...flags, json: true }, ctx, f.factory);
    expect(code).toBe(0);
    const json = JSON.parse(ctx.out.join(''));
    expect(json).toMatchObject({
      image: `registry.example.test/hello-app:${sha}`,
      version: sha,
      'parameter-name': '/shared-hosting/hello-app/staging/version',
      'parameter-version': '1',
      'run-id': '1000',
      'run-url': 'https://github.test/acme/infra/actions/runs/1000',
      conclusion: 'success',
      status: 'succeeded',
    });
    expect(json.digest).toMatch(/^sha256:/);
    expect(ctx.err.join('')).toContain('Preflight checks');
  });

  it('refuses bad input with exit code 2 before creating any port', async () => {
    const { dir } = gitRepo();
    const f = fakeFactory();
    const ctx = io(dir);
    const code = await runDeploy({ ...flags, app: 'Bad_Name', timeout: 'forever' }, ctx, f.factory);
    expect(code).toBe(2);
    expect(f.created()).toBe(0);
    expect(f.fakes.calls).toHaveLength(0);
    const err = ctx.err.join('');
    expect(err).toContain('--app "Bad_Name" is not a valid application name');
    expect(err).toContain('--timeout "forever"');
  });

  it('refuses a dirty working tree unless --version is given', async () => {
    const { dir } = gitRepo();
    writeFileSync(path.join(dir, 'hello.txt'), 'changed\n');
    const f = fakeFactory();
    const ctx = io(dir);
    expect(await runDeploy(flags, ctx, f.factory)).toBe(2);
    expect(ctx.err.join('')).toContain('uncommitted changes');
    expect(f.created()).toBe(0);
    const ctx2 = io(dir);
    expect(await runDeploy({ ...flags, version: 'v1.0.0-wip' }, ctx2, f.factory)).toBe(0);
  });

  it('names a missing Dockerfile', async () => {
    const { dir } = gitRepo();
    const ctx = io(dir);
    const code = await runDeploy({ ...flags, dockerfile: 'nope/Dockerfile' }, ctx, fakeFactory().factory);
    expect(code).toBe(2);
    expect(ctx.err.join('')).toContain('--dockerfile');
  });

  it('dry run prints the plan and changes nothing', async () => {
    const { dir, sha } = gitRepo();
    const f = fakeFactory();
    await f.fakes.parameters.put('/shared-hosting/hello-app/staging/version', 'old123', 'x');
    const ctx = io(dir);
    const before = f.fakes.calls.length;
    const code = await runDeploy({ ...flags, dryRun: true }, ctx, f.factory);
    expect(code).toBe(0);
    const text = ctx.out.join('');
    expect(text).toContain('Plan (dry run');
    expect(text).toContain(`image         hello-app:${sha}`);
    expect(text).toContain(`old123 → ${sha}`);
    expect(text).toContain(
      'workflow      acme/infra deploy.yaml@main inputs {"application":"hello-app","environment":"staging"}',
    );
    expect(text).toContain('build cache   hello-app/build-cache');
    expect(f.fakes.calls.slice(before).map((c) => c.method)).not.toContain('put');
    expect(f.fakes.builder.built).toHaveLength(0);
    expect(f.fakes.workflows.dispatched).toHaveLength(0);
  });

  it('--no-cache builds without the registry cache', async () => {
    const { dir } = gitRepo();
    const f = fakeFactory();
    const ctx = io(dir);
    expect(await runDeploy({ ...flags, cache: false, dryRun: true }, ctx, f.factory)).toBe(0);
    expect(ctx.out.join('')).toContain('build cache   off');
  });

  it('exits 1 naming the failed job and step when the infra run fails', async () => {
    const { dir } = gitRepo();
    const f = fakeFactory();
    f.fakes.workflows.next = {
      conclusion: 'failure',
      failedJobs: [{ name: 'deploy', conclusion: 'failure', step: 'Update service' }],
    };
    const ctx = io(dir);
    expect(await runDeploy(flags, ctx, f.factory)).toBe(1);
    const err = ctx.err.join('');
    expect(err).toContain('job "deploy" failure at step "Update service"');
    expect(err).toContain('https://github.test/acme/infra/actions/runs/1000');
  });

  it('never prints secrets', async () => {
    const { dir } = gitRepo();
    const f = fakeFactory();
    const token = 'ghs_supersecrettoken123';
    f.fakes.workflows.preflightError = new Error(`bad credentials for ${token} and ecr-secret-password`);
    const ctx = io(dir, { GITHUB_TOKEN: token });
    const code = await runDeploy(flags, ctx, async (req) => {
      const ports = await f.factory(req);
      return ports;
    });
    expect(code).toBe(5);
    const all = ctx.out.join('') + ctx.err.join('');
    expect(all).toContain('bad credentials for ***');
    expect(all).not.toContain(token);
    expect(all).not.toContain('ecr-secret-password');
  });

  it('draws a live step list on a TTY', async () => {
    const { dir } = gitRepo();
    const f = fakeFactory();
    const ctx = io(dir);
    ctx.stdout.isTTY = true;
    expect(await runDeploy(flags, ctx, f.factory)).toBe(0);
    const text = ctx.out.join('');
    expect(text).toContain('\x1b[');
    expect(text).toMatch(/✓.*Push to ECR/);
  });
});

describe('program', () => {
  it('prints help with every deploy flag and the exit codes', async () => {
    const ctx = io('/');
    expect(await run(['deploy', '--help'], ctx)).toBe(0);
    const help = ctx.out.join('');
    for (const flag of [
      '--app',
      '--env',
      '--version',
      '--context',
      '--dockerfile',
      '--builder',
      '--repository',
      '--parameter',
      '--infra-repo',
      '--infra-workflow',
      '--infra-ref',
      '--no-wait',
      '--no-cache',
      '--timeout',
      '--dry-run',
      '--json',
      '--debug',
    ]) {
      expect(help).toContain(flag);
    }
    expect(help).toContain('Exit codes:');
  });

  it('prints its version with --version, and deploy --version is the image version', async () => {
    const ctx = io('/');
    expect(await run(['--version'], ctx)).toBe(0);
    expect(ctx.out.join('')).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 on an unknown option', async () => {
    const ctx = io('/');
    expect(await run(['deploy', '--nope'], ctx)).toBe(2);
    expect(ctx.err.join('')).toContain("unknown option '--nope'");
  });

  it('exits 2 on a bad builder choice', async () => {
    const ctx = io('/');
    expect(await run(['deploy', '--builder', 'kaniko'], ctx)).toBe(2);
  });

  it('reads HOSTING_* environment variables as defaults', async () => {
    const { dir } = gitRepo();
    const saved = { ...process.env };
    Object.assign(process.env, {
      HOSTING_APPLICATION: 'Bad_Env_App',
      HOSTING_ENVIRONMENT: 'staging',
      HOSTING_INFRA_REPO: 'acme/infra',
    });
    try {
      const ctx = io(dir);
      // Input parsing fails before any port is created; the bad name proves the variable was read.
      expect(await run(['deploy'], ctx)).toBe(2);
      expect(ctx.err.join('')).toContain('--app "Bad_Env_App" is not a valid application name');
    } finally {
      for (const key of ['HOSTING_APPLICATION', 'HOSTING_ENVIRONMENT', 'HOSTING_INFRA_REPO']) {
        if (saved[key] === undefined) delete process.env[key];
      }
    }
  });
});
