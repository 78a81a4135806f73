/**
 * The whole diagram through the BUILT CLI (test/sandbox.mjs, the same sandbox as `pnpm demo`): `hosting deploy`
 * builds with buildah, pushes, sets the version and dispatches; the GitHub test server runs the infra workflow
 * for real (`hosting rollout` on the ECS test server, whose tasks pull from the registry).
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CRASH_LABEL, pushTestImage } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APP,
  CLUSTER,
  type CliResult,
  PARAMETER,
  ROLLOUT_STEP,
  type Sandbox,
  startSandbox,
} from './sandbox.mjs';

let sandbox: Sandbox;
let app: string;

/** A build context `app/<name>` whose image differs from every other one (its file holds the name). */
function context(name: string, extraDockerfile = ''): string {
  const dir = path.join(app, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'Dockerfile'), `FROM scratch\nCOPY hello.txt /hello.txt\n${extraDockerfile}`);
  writeFileSync(path.join(dir, 'hello.txt'), `hello from ${name}\n`);
  return name;
}

/** `hosting deploy --json` of `version`, built from its own context. */
function deploy(version: string, ctx = context(version)): Promise<CliResult> {
  return sandbox.deploy(['--version', version, '--context', ctx, '--json'], { cwd: app });
}

const field = (result: CliResult, name: string) => String(result.json?.[name] ?? '');

/** The executed run's rollout step: its conclusion and log. */
function rolloutStep(runId: string) {
  const job = sandbox.github.infra.state(Number(runId))?.jobs[0];
  const step = job?.steps.find((s) => s.name === ROLLOUT_STEP);
  return { conclusion: step?.conclusion, log: sandbox.runLog(Number(runId)).join('\n') };
}

beforeAll(async () => {
  sandbox = await startSandbox({ ecsTickMs: 25 });
  app = path.join(sandbox.work, 'app');
  mkdirSync(app);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: app });
  git('init', '-q');
  git('remote', 'add', 'origin', 'https://github.com/acme/hello-app.git');
  writeFileSync(path.join(app, 'README'), 'hello-app\n');
  git('add', '.');
  git('commit', '-qm', 'app');
});
afterAll(async () => {
  await sandbox?.stop();
});

describe('sandbox: hosting deploy → infra run → hosting rollout on ECS (built bin)', () => {
  it('a good image: exit 0, the service runs it pinned by digest, "deployed" on the version written', async () => {
    const before = sandbox.running();
    const result = await deploy('good-1');
    expect(result.code, result.stderr).toBe(0);
    expect(result.json).toMatchObject({ status: 'succeeded', conclusion: 'success', version: 'good-1' });
    const digest = field(result, 'digest');
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);

    const now = sandbox.running();
    const pinned = `${sandbox.aws.registry.host}/${APP}@${digest}`;
    expect(now.image).toBe(pinned);
    expect(now.taskDefinition).not.toBe(before.taskDefinition);
    expect(now.containers).toEqual(['web', 'log-router']);
    expect(now.deployments).toEqual([
      expect.objectContaining({ status: 'PRIMARY', rolloutState: 'COMPLETED' }),
    ]);
    expect(now.runningTasks).toBe(2);
    expect(sandbox.aws.aws.ecs.pulls.filter((p) => p.image === pinned && p.fetched && p.ok)).toHaveLength(2);
    // `deployed` and the stage the rollout waited for (`complete`) on the version written.
    expect(sandbox.aws.aws.ssm.labels(PARAMETER)).toEqual({
      deployed: Number(field(result, 'parameter-version')),
      complete: Number(field(result, 'parameter-version')),
    });

    const step = rolloutStep(field(result, 'run-id'));
    expect(step.conclusion).toBe('success');
    expect(step.log).toContain(`Rolled out ${APP} good-1 in staging on ${CLUSTER}/${APP}`);
    expect(step.log).toContain('new revision: 2/2 tasks running');
    expect(step.log).toContain('service deployment SUCCESSFUL');
  });

  it('a crashing image: exit 1 naming the step and the stopped reason; service back, label unmoved', async () => {
    const before = sandbox.running();
    const labels = sandbox.aws.aws.ssm.labels(PARAMETER);
    const result = await deploy('crash-1', context('crash-1', `LABEL ${CRASH_LABEL}=true\n`));
    expect(result.code, result.stderr).toBe(1);
    expect(result.json).toMatchObject({ status: 'failed', conclusion: 'failure', version: 'crash-1' });
    expect(result.stderr).toContain(`job "deploy" failure at step "${ROLLOUT_STEP}"`);
    expect(result.stderr).toContain('tasks stopped: Essential container in task exited');
    expect(result.stderr).toMatch(
      new RegExp(`(ECS is rolling the service back to|The service went back to) ${before.taskDefinition}\\.`),
    );

    await vi.waitFor(() => expect(sandbox.running().taskDefinition).toBe(before.taskDefinition), {
      timeout: 5000,
    });
    expect(sandbox.running().image).toBe(before.image);
    expect(sandbox.aws.aws.ssm.labels(PARAMETER)).toEqual(labels);
    const crashing = `${sandbox.aws.registry.host}/${APP}@${field(result, 'digest')}`;
    expect(
      sandbox.aws.aws.ecs.pulls.filter((p) => p.image === crashing && p.ok).length,
    ).toBeGreaterThanOrEqual(3);
    expect(rolloutStep(field(result, 'run-id')).conclusion).toBe('failure');
  });

  it('deploys started together: each that exits 0 deployed its version in its run; SSM = what ECS runs', async () => {
    // Pushed beforehand (deploy then skips build and push), so that the three reach the release together.
    const versions = ['race-1', 'race-2', 'race-3'];
    for (const v of versions) await pushTestImage(sandbox.aws.registry, APP, v, { content: v });
    const results = await Promise.all(versions.map((v) => deploy(v, context(v))));
    const report = results.map(
      (r, i) => `${versions[i]}: exit ${r.code}\n${r.stderr.split('\n').slice(-25).join('\n')}`,
    );

    const succeeded = results.filter((r) => r.code === 0);
    expect(succeeded.length, report.join('\n\n')).toBeGreaterThanOrEqual(1);
    for (const result of succeeded) {
      const version = field(result, 'version');
      const step = rolloutStep(field(result, 'run-id'));
      expect(step.conclusion).toBe('success');
      const read = /\/version = (\S+) \(parameter version/.exec(step.log)?.[1];
      const who = `the deploy of ${version} exited 0; its run ${field(result, 'run-id')} read ${read}`;
      expect(read, who).toBe(version);
      const done = [
        `Rolled out ${APP} ${version} in staging`,
        `${APP} ${version} in staging is already running`,
      ];
      expect(
        done.some((line) => step.log.includes(line)),
        who,
      ).toBe(true);
      expect(step.log).toContain(`${APP}@${field(result, 'digest')}`);
    }

    // Whatever still runs (infra runs, ECS deployments) settles before the comparison.
    await Promise.all(sandbox.github.infra.runs().map((run) => sandbox.github.infra.settled(run.id)));
    await vi.waitFor(
      () =>
        expect(sandbox.running().deployments).toEqual([
          expect.objectContaining({ rolloutState: 'COMPLETED' }),
        ]),
      { timeout: 10_000 },
    );
    const parameter = sandbox.aws.aws.ssm.parameters.get(PARAMETER)?.at(-1);
    const value = parameter?.Value ?? '';
    expect(versions).toContain(value);
    expect(sandbox.running().digest, `parameter = ${value}, ECS runs ${sandbox.running().image}`).toBe(
      await sandbox.digestOf(value),
    );
  }, 60_000);
});
