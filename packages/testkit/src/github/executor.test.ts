import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { commandExecutor, type GitHubPeer, type RunExecutor, startGitHubPeer } from './index.js';

let peer: GitHubPeer | undefined;
afterEach(async () => {
  await peer?.stop();
  peer = undefined;
});

const repo = { owner: 'acme', repo: 'infra' };

async function dispatch(o: Octokit, inputs = { application: 'hello-app', environment: 'staging' }) {
  const d = await o.rest.actions.createWorkflowDispatch({
    ...repo,
    workflow_id: 'deploy.yaml',
    ref: 'main',
    inputs,
    return_run_details: true,
  });
  return (d.data as { workflow_run_id: number }).workflow_run_id;
}

async function jobOf(o: Octokit, runId: number) {
  const jobs = await o.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: runId });
  return jobs.data.jobs[0];
}

async function logOf(o: Octokit, jobId: number): Promise<string> {
  const log = await o.rest.actions.downloadJobLogsForWorkflowRun({ ...repo, job_id: jobId });
  return String(log.data);
}

const completed = (o: Octokit, id: number) =>
  vi.waitFor(
    async () => {
      const run = await o.rest.actions.getWorkflowRun({ ...repo, run_id: id });
      expect(run.data.status).toBe('completed');
      return run.data;
    },
    { timeout: 10_000, interval: 50 },
  );

describe('GitHub peer executing runs', () => {
  it('follows the hook: queued, in_progress step by step, then the failing step fails the run', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const seen: unknown[] = [];
    const executor: RunExecutor = async (run, io) => {
      seen.push({ inputs: run.inputs, ref: run.ref, title: run.displayTitle });
      await io.step('Read version', async (step) => {
        step.log('version v2 (parameter version 5)');
        await gate;
      });
      await io.step('Deploy', () => 3);
      await io.step('Never reached', () => 0);
    };
    peer = await startGitHubPeer({
      executor,
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression
      runName: 'Deploy ${{ inputs.application }}',
      // Long enough to see `queued` right after the dispatch even on a loaded machine.
      defaultRun: { queuedMs: 2000 },
    });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    const id = await dispatch(o);
    expect(peer.infra.state(id)?.status).toBe('queued');
    const running = await vi.waitFor(
      async () => {
        const job = await jobOf(o, id);
        expect(job?.steps?.at(-1)).toMatchObject({ name: 'Read version', status: 'in_progress' });
        return job;
      },
      { timeout: 10_000, interval: 25 },
    );
    expect(running?.status).toBe('in_progress');
    expect((await o.rest.actions.getWorkflowRun({ ...repo, run_id: id })).data.status).toBe('in_progress');
    release();
    const run = await completed(o, id);
    expect(run.conclusion).toBe('failure');
    expect(seen).toEqual([
      {
        inputs: { application: 'hello-app', environment: 'staging' },
        ref: 'main',
        title: 'Deploy hello-app',
      },
    ]);
    const job = await jobOf(o, id);
    expect(job?.steps?.map((s) => [s.name, s.conclusion])).toEqual([
      ['Set up job', 'success'],
      ['Read version', 'success'],
      ['Deploy', 'failure'],
      ['Complete job', 'success'],
    ]);
    expect(job?.conclusion).toBe('failure');
    const log = await logOf(o, job?.id ?? 0);
    expect(log).toMatch(/Z version v2 \(parameter version 5\)\n/);
    expect(log).toContain('##[group]Run Deploy');
    expect(log).toContain('##[error]Process completed with exit code 3.');
    expect(log).not.toContain('Never reached');
  });

  it('a thrown error fails its step with the message in the log', async () => {
    peer = await startGitHubPeer({
      executor: async (_run, io) => {
        await io.step('Roll out', () => {
          throw new Error('service hello-app went back to hello-app:7');
        });
      },
      defaultRun: { queuedMs: 0 },
    });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    const id = await dispatch(o);
    expect((await completed(o, id)).conclusion).toBe('failure');
    const job = await jobOf(o, id);
    expect(job?.steps?.find((s) => s.name === 'Roll out')?.conclusion).toBe('failure');
    expect(await logOf(o, job?.id ?? 0)).toContain('##[error]service hello-app went back to hello-app:7');
  });

  it('commandExecutor spawns a process per step, streams its lines and maps the exit code', async () => {
    peer = await startGitHubPeer({
      defaultRun: { queuedMs: 0 },
      executor: commandExecutor([
        {
          name: (run) => `Print ${run.inputs.application}`,
          command: process.execPath,
          args: (run) => [
            '-e',
            'console.log(process.argv[1]); console.error(process.env.GREETING)',
            run.inputs.environment ?? '',
          ],
          env: { GREETING: 'hello from the env' },
        },
        { name: 'Exit 4', command: process.execPath, args: ['-e', 'process.exit(4)'] },
      ]),
    });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    const id = await dispatch(o);
    expect((await completed(o, id)).conclusion).toBe('failure');
    const job = await jobOf(o, id);
    expect(job?.steps?.map((s) => [s.name, s.conclusion])).toEqual([
      ['Set up job', 'success'],
      ['Print hello-app', 'success'],
      ['Exit 4', 'failure'],
      ['Complete job', 'success'],
    ]);
    const log = await logOf(o, job?.id ?? 0);
    expect(log).toContain(' staging\n');
    expect(log).toContain(' hello from the env\n');
    expect(log).toContain('##[error]Process completed with exit code 4.');
  });

  it('cancelling the run aborts the hook: the process is killed, the run concludes cancelled', async () => {
    peer = await startGitHubPeer({
      defaultRun: { queuedMs: 0 },
      executor: commandExecutor({
        name: 'Wait forever',
        command: process.execPath,
        args: ['-e', 'console.log("started"); setTimeout(() => {}, 60000)'],
      }),
    });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    const id = await dispatch(o);
    await vi.waitFor(
      async () => {
        const job = await jobOf(o, id);
        expect(job?.steps?.at(-1)).toMatchObject({ name: 'Wait forever', status: 'in_progress' });
        expect(await logOf(o, job?.id ?? 0)).toContain('started');
      },
      { timeout: 5000, interval: 25 },
    );
    const cancel = await o.rest.actions.cancelWorkflowRun({ ...repo, run_id: id });
    expect(cancel.status).toBe(202);
    const run = await completed(o, id);
    expect(run.conclusion).toBe('cancelled');
    const job = await jobOf(o, id);
    expect(job?.steps?.find((s) => s.name === 'Wait forever')?.conclusion).toBe('cancelled');
    expect(job?.conclusion).toBe('cancelled');
  });

  it('a held run is executed only once released; a held run cancelled before its release never is', async () => {
    const executor = vi.fn<RunExecutor>();
    peer = await startGitHubPeer({ executor, defaultRun: { queuedMs: 0 } });
    const inputs = { application: 'hello-app', environment: 'staging' };
    const held = peer.scenario.dispatchAs('colleague', { inputs, plan: { hold: true, queuedMs: 0 } });
    const cancelled = peer.scenario.dispatchAs('colleague', { inputs, plan: { hold: true, queuedMs: 0 } });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await o.rest.actions.getWorkflowRun({ ...repo, run_id: held.id })).data.status).toBe('queued');
    expect(executor).not.toHaveBeenCalled();
    await o.rest.actions.cancelWorkflowRun({ ...repo, run_id: cancelled.id });
    peer.scenario.release(cancelled.id);
    peer.scenario.release(held.id);
    expect((await completed(o, held.id)).conclusion).toBe('success');
    expect((await completed(o, cancelled.id)).conclusion).toBe('cancelled');
    expect(executor.mock.calls.map(([run]) => run.id)).toEqual([held.id]);
  });

  it('a plan with simulate: true is simulated even with an executor', async () => {
    const executor = vi.fn<RunExecutor>();
    peer = await startGitHubPeer({ executor });
    peer.scenario.nextRun({
      simulate: true,
      queuedMs: 0,
      jobs: [{ name: 'deploy', steps: [{ name: 'A', durationMs: 10 }] }],
    });
    const o = new Octokit({ auth: peer.token, baseUrl: peer.url });
    const id = await dispatch(o);
    expect((await completed(o, id)).conclusion).toBe('success');
    expect(executor).not.toHaveBeenCalled();
  });
});
