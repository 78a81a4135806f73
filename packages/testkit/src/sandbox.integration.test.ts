import { Octokit } from '@octokit/rest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CRASH_LABEL } from './aws/image-pull.js';
import { type AwsPeers, startAwsPeers } from './aws/peers.js';
import { pushTestImage } from './aws/registry-api.js';
import { commandExecutor } from './github/command.js';
import { type GitHubPeer, startGitHubPeer } from './github/peer.js';

/**
 * The sandbox wiring the demo uses, without product code: a dispatched infra run spawns a process that
 * deploys on the ECS peer through the real SDK (configured only by the peers' environment) and exits 0 or 1.
 */
const ROLLOUT_SCRIPT = `
import { DescribeServicesCommand, ECSClient, UpdateServiceCommand } from '@aws-sdk/client-ecs';
const [cluster, service, taskDefinition] = process.argv.slice(1);
const ecs = new ECSClient({});
const update = await ecs.send(new UpdateServiceCommand({ cluster, service, taskDefinition }));
const id = update.service.deployments[0].id;
console.log('deployment ' + id + ' started');
for (;;) {
  const [current] = (await ecs.send(new DescribeServicesCommand({ cluster, services: [service] }))).services;
  const ours = current.deployments.find((d) => d.id === id);
  if (ours?.rolloutState === 'FAILED' || ours?.status !== 'PRIMARY') {
    console.log('failed: ' + (ours?.rolloutStateReason ?? 'replaced'));
    process.exit(1);
  }
  if (current.deployments.length === 1 && ours.rolloutState === 'COMPLETED') {
    console.log('completed: ' + ours.runningCount + ' running');
    process.exit(0);
  }
  await new Promise((r) => setTimeout(r, 50));
}
`;

let peers: AwsPeers;
let github: GitHubPeer;
let octokit: Octokit;
const repo = { owner: 'acme', repo: 'infra' };

beforeAll(async () => {
  peers = await startAwsPeers({ ecsTickMs: 25 });
  github = await startGitHubPeer({
    defaultRun: { queuedMs: 0 },
    executor: commandExecutor({
      name: 'Roll out',
      command: process.execPath,
      args: (run) => [
        '--input-type=module',
        '-e',
        ROLLOUT_SCRIPT,
        'shared-staging',
        run.inputs.application ?? '',
        run.inputs.environment ?? '',
      ],
      env: { ...peers.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      cwd: import.meta.dirname,
    }),
  });
  octokit = new Octokit({ auth: github.token, baseUrl: github.url });
});
afterAll(async () => {
  await github?.stop();
  await peers?.stop();
});

/** Dispatch with the task definition in the `environment` input (the test workflow has two string inputs). */
async function dispatchAndWait(taskDefinition: string) {
  const d = await octokit.rest.actions.createWorkflowDispatch({
    ...repo,
    workflow_id: 'deploy.yaml',
    ref: 'main',
    inputs: { application: 'hello-app', environment: taskDefinition },
    return_run_details: true,
  });
  const id = (d.data as { workflow_run_id: number }).workflow_run_id;
  const run = await vi.waitFor(
    async () => {
      const r = await octokit.rest.actions.getWorkflowRun({ ...repo, run_id: id });
      expect(r.data.status).toBe('completed');
      return r.data;
    },
    { timeout: 20_000, interval: 100 },
  );
  const jobs = await octokit.rest.actions.listJobsForWorkflowRun({ ...repo, run_id: id });
  const log = await octokit.rest.actions.downloadJobLogsForWorkflowRun({
    ...repo,
    job_id: jobs.data.jobs[0]?.id ?? 0,
  });
  return { conclusion: run.conclusion, log: String(log.data) };
}

describe('sandbox: an infra run executed against the ECS peer', () => {
  it('succeeds on a good image and fails on a crashing one, rolled back by the circuit breaker', async () => {
    const host = peers.registry.host;
    const good = `${host}/hello-app@${await pushTestImage(peers.registry, 'hello-app', 'v1')}`;
    const next = `${host}/hello-app@${await pushTestImage(peers.registry, 'hello-app', 'v2')}`;
    const bad = `${host}/hello-app@${await pushTestImage(peers.registry, 'hello-app', 'v3', { labels: { [CRASH_LABEL]: 'true' } })}`;
    const ecs = peers.aws.ecs;
    ecs.addService({
      cluster: 'shared-staging',
      service: 'hello-app',
      taskDefinition: { family: 'hello-app', containerDefinitions: [{ name: 'web', image: good }] },
    });
    const v2 = ecs.registerTaskDefinition({
      family: 'hello-app',
      containerDefinitions: [{ name: 'web', image: next }],
    });
    const v3 = ecs.registerTaskDefinition({
      family: 'hello-app',
      containerDefinitions: [{ name: 'web', image: bad }],
    });

    const ok = await dispatchAndWait(v2.arn);
    expect(ok.conclusion).toBe('success');
    expect(ok.log).toMatch(/deployment ecs-svc\/\d{19} started/);
    expect(ok.log).toContain('completed: 1 running');
    expect(ecs.currentTaskDefinition('hello-app', 'shared-staging').arn).toBe(v2.arn);

    const failed = await dispatchAndWait(v3.arn);
    expect(failed.conclusion).toBe('failure');
    expect(failed.log).toContain('failed: ECS deployment circuit breaker: tasks failed to start.');
    expect(failed.log).toContain('##[error]Process completed with exit code 1.');
    await vi.waitFor(() => expect(ecs.service('hello-app', 'shared-staging').taskDefinition).toBe(v2.arn), {
      timeout: 5000,
    });
    expect(ecs.pulls.filter((p) => p.image === bad && p.fetched).length).toBeGreaterThanOrEqual(3);
  });
});
