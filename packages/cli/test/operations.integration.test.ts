/**
 * Day-2 operations end to end, in process: the CLI's `run()` with the real ports (AWS SDK, Octokit,
 * buildah) pointed at the testkit peers — a real docker-registry behind the ECR/SSM test server, and the
 * GitHub test server running the infra workflow on its own schedule.
 */
import path from 'node:path';
import { requireBuildah } from '@shared-hosting/testkit';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { appCheckout, deployArgs, param, pushImages, registryTags } from './kit/app.js';
import { startInProcess } from './kit/in-process.js';
import { type Env, INFRA_REPO, type Peers, startPeers } from './kit/peers.js';

const STAGING = param('hello-app', 'staging');
const PRODUCTION = param('hello-app', 'production');

let peers: Peers;
let app: string;
let digests: Record<string, string> = {};

const hosting = (args: string[], extra: Env = {}) =>
  startInProcess(args, { cwd: app, env: peers.env({ USER: 'integration', ...extra }) }).done;
/** `hosting deploy` of hello-app to `env` with `flags`, in process. */
const deploy = (env: string, ...flags: string[]) => hosting(deployArgs('hello-app', env, ...flags));
const tags = (repository: string) => registryTags(peers.aws, repository);
/** `hosting promote` of hello-app from staging to production with `flags`. */
const promoteArgs = (...flags: string[]) => [
  ...['promote', '--app', 'hello-app', '--from', 'staging', '--to', 'production'],
  ...[...flags, '--infra-repo', INFRA_REPO],
];

const json = async (args: string[], extraEnv: Record<string, string> = {}) => {
  const r = await hosting([...args, '--json'], extraEnv);
  return { ...r, json: JSON.parse(r.stdout) };
};

const infra = ['--infra-repo', INFRA_REPO];

/** The newest entry of `env`'s history. */
const latest = async (env: string) =>
  (await json(['history', '--app', 'hello-app', '--env', env, '--limit', '1'])).json.entries[0];

async function getParameter(name: string): Promise<{ value: string; action: string | null } | undefined> {
  const r = await hosting([
    'history',
    '--app',
    'hello-app',
    '--env',
    name === STAGING ? 'staging' : 'production',
    '--limit',
    '1',
    '--json',
  ]);
  const entry = JSON.parse(r.stdout).entries[0];
  return entry ? { value: entry.version, action: entry.action } : undefined;
}

/** Expire an image as an ECR lifecycle rule would: delete its manifest from the registry. */
async function expire(repository: string, digest: string) {
  const res = await fetch(`${peers.aws.registry.url}/v2/${repository}/manifests/${digest}`, {
    method: 'DELETE',
    headers: { authorization: peers.aws.registry.authorization },
  });
  await res.arrayBuffer();
  expect(res.status).toBe(202);
}

beforeAll(async () => {
  requireBuildah();
  peers = await startPeers({ buildah: true });
  app = path.join(peers.work, 'app');
  appCheckout(app);
  peers.aws.createRepository('hello-app');
  digests = await pushImages(peers.aws, 'hello-app', ['v1', 'v2', 'v3', 'v4', 'v-old']);
  // History: staging v-old, v1, v2 (each a real deploy of an existing image: no build).
  for (const version of ['v-old', 'v1', 'v2']) {
    const r = await deploy('staging', '--version', version);
    expect(r.code, r.stderr).toBe(0);
  }
}, 120_000);

afterAll(async () => {
  await peers?.stop();
});

describe('day-2 operations against the peers', () => {
  it('status: per environment the version, provenance, image and latest run', async () => {
    const r = await json([
      'status',
      '--app',
      'hello-app',
      '--env',
      'staging',
      '--env',
      'production',
      ...infra,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const [staging, production] = r.json.environments;
    expect(staging).toMatchObject({
      environment: 'staging',
      version: 'v2',
      'parameter-version': 3,
      action: 'deploy',
      digest: digests.v2,
      image: { exists: true, digest: digests.v2, moved: false },
      'latest-run': { status: 'completed', conclusion: 'success' },
    });
    expect(staging.author).toContain('testkit-deployer');
    expect(staging['latest-run'].url).toMatch(new RegExp(`/${INFRA_REPO}/actions/runs/\\d+$`));
    expect(production).toMatchObject({ environment: 'production', deployed: false, 'latest-run': null });
  });

  it('history: newest first, with provenance', async () => {
    const r = await json(['history', '--app', 'hello-app', '--env', 'staging']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json.entries.map((e: { version: string }) => e.version)).toEqual(['v2', 'v1', 'v-old']);
    expect(r.json.entries[0]).toMatchObject({
      'parameter-version': 3,
      current: true,
      action: 'deploy',
      digest: digests.v2,
    });
  });

  it('rollback to an expired image is refused and changes nothing', async () => {
    await expire('hello-app', digests['v-old'] as string);
    const dispatches = peers.github.stats.dispatches.length;
    const r = await json(['rollback', '--app', 'hello-app', '--env', 'staging', '--to', 'v-old', ...infra]);
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('IMAGE_EXPIRED');
    expect(r.stderr).toContain('a lifecycle rule may have expired it');
    expect((await getParameter(STAGING))?.value).toBe('v2');
    expect(peers.github.stats.dispatches).toHaveLength(dispatches);
    // Only the three deploys wrote the version (the other PutParameter calls created their locks).
    expect(peers.aws.aws.calls('PutParameter').filter((c) => c.params?.Name === STAGING)).toHaveLength(3);
  });

  it('rollback to the previous version: rollback provenance, triggered and waited for', async () => {
    const r = await json(['rollback', '--app', 'hello-app', '--env', 'staging', ...infra]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      operation: 'rollback',
      version: 'v1',
      from: 'v2',
      conclusion: 'success',
      digest: digests.v1,
    });
    expect(await latest('staging')).toMatchObject({
      version: 'v1',
      action: 'rollback',
      from: 'v2',
      digest: digests.v1,
    });
    expect(peers.github.stats.dispatches.at(-1)?.inputs).toEqual({
      application: 'hello-app',
      environment: 'staging',
    });
  });

  it('promote performs zero builds and pushes: the exact staging image, source digest recorded', async () => {
    const before = await tags('hello-app');
    const authCalls = peers.aws.aws.calls('GetAuthorizationToken').length;
    // No builder on PATH: any attempt to build would fail.
    const r = await json(promoteArgs(), {
      PATH: path.join(peers.work, 'empty-path'),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({
      operation: 'promote',
      version: 'v1',
      digest: digests.v1,
      'source-environment': 'staging',
      retagged: false,
      conclusion: 'success',
    });
    expect(
      r.json.steps
        .filter((s: { status: string }) => s.status === 'skipped')
        .map((s: { step: string }) => s.step),
    ).toEqual(['build', 'tag', 'push']);
    expect(await tags('hello-app')).toEqual(before);
    expect(peers.aws.aws.calls('GetAuthorizationToken').length).toBe(authCalls);
    expect(peers.aws.aws.calls('PutImage')).toHaveLength(0);
    expect(await latest('production')).toMatchObject({
      version: 'v1',
      action: 'promote',
      source: 'staging',
      digest: digests.v1,
    });
  });

  it('promote under another tag re-tags the same image through PutImage', async () => {
    const r = await json(promoteArgs('--version', 'release-1'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ version: 'release-1', digest: digests.v1, retagged: true });
    expect(peers.aws.aws.calls('PutImage')).toHaveLength(1);
    expect(await tags('hello-app')).toContain('release-1');
  });

  it('--rollback-on-failure restores the previous value when the infra run fails', async () => {
    peers.github.scenario.nextRun({ conclusion: 'failure' });
    const r = await json(deployArgs('hello-app', 'staging', '--version', 'v3', '--rollback-on-failure'));
    expect(r.code).toBe(1);
    expect(r.json).toMatchObject({ conclusion: 'failure', recovery: { restored: true, value: 'v1' } });
    const h = await json(['history', '--app', 'hello-app', '--env', 'staging', '--limit', '2']);
    expect(h.json.entries.map((e: { version: string; action: string }) => [e.version, e.action])).toEqual([
      ['v1', 'rollback'],
      ['v3', 'deploy'],
    ]);
    expect(h.json.entries[0].from).toBe('v3');
  });

  it('--redeploy-on-rollback triggers the restored version again, reporting both runs', async () => {
    peers.github.scenario.nextRun({ conclusion: 'failure' }, { conclusion: 'success' });
    const dispatches = peers.github.stats.dispatches.length;
    const r = await json(promoteArgs('--version', 'v1', '--rollback-on-failure', '--redeploy-on-rollback'));
    expect(r.code).toBe(1);
    expect(r.json.recovery).toMatchObject({ restored: true, value: 'release-1', conclusion: 'success' });
    expect(r.json.recovery['run-id']).not.toBe(Number(r.json['run-id']));
    expect(peers.github.stats.dispatches.length).toBe(dispatches + 2);
    expect((await getParameter(PRODUCTION))?.value).toBe('release-1');
  });

  it('a failed push leaves the parameter untouched', async () => {
    // GetAuthorizationToken hands out a wrong password: the build works, the push is refused.
    const backend = (peers.aws.aws.ecr as unknown as { backend: { password: string } }).backend;
    const password = backend.password;
    backend.password = 'not-the-password';
    try {
      const r = await deploy('staging', '--version', 'v-built');
      expect(r.code, r.stdout + r.stderr).toBe(4);
      expect(r.stdout).toMatch(/✗ Push to ECR failed/);
    } finally {
      backend.password = password;
    }
    expect((await getParameter(STAGING))?.value).toBe('v1');
    expect(await tags('hello-app')).not.toContain('v-built');
  }, 120_000);

  it('a second deploy waits for the first one’s run, then deploys', async () => {
    const other = peers.github.scenario.dispatchAs('colleague', {
      inputs: { application: 'hello-app', environment: 'staging' },
      plan: { queuedMs: 1500 },
    });
    const r = await deploy('staging', '--version', 'v4');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`✓ Wait for running deployment`);
    expect(r.stdout).toContain(peers.github.infra.runUrl(other.id));
    const ours = peers.github.infra.runs().at(-1);
    expect(ours?.id).not.toBe(other.id);
    const otherDone = peers.github.infra.state(other.id);
    expect(otherDone?.status).toBe('completed');
    expect(ours?.createdAt).toBeGreaterThanOrEqual(otherDone?.updatedAt ?? Number.POSITIVE_INFINITY);
    // The parameter changed only once the other run was over.
    expect((await getParameter(STAGING))?.value).toBe('v4');
  });

  it('two deploys at once: the second waits for the lock of the first (held until its run ends), then deploys', async () => {
    // The first one's run takes a few seconds, so the second one finds it in progress.
    peers.github.scenario.nextRun({ queuedMs: 3000 });
    const dispatches = peers.github.stats.dispatches.length;
    const first = deploy('staging', '--version', 'v3');
    await vi.waitFor(() => expect(peers.github.stats.dispatches.length).toBeGreaterThan(dispatches), {
      timeout: 20_000,
      interval: 20,
    });
    const firstRun = peers.github.infra.runs().at(-1);
    const second = await deploy('staging', '--version', 'v4');
    const done = await first;
    expect(done.code, done.stderr).toBe(0);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain('waited for the lock held by integration (deploy v3) since');
    const secondRun = peers.github.infra.runs().at(-1);
    expect(secondRun?.id).not.toBe(firstRun?.id);
    expect(secondRun?.createdAt).toBeGreaterThanOrEqual(
      peers.github.infra.state(firstRun?.id ?? 0)?.updatedAt ?? Number.POSITIVE_INFINITY,
    );
    expect((await getParameter(STAGING))?.value).toBe('v4');
  });

  it('with --no-wait-for-lock a deploy refuses, naming the run in progress', async () => {
    const other = peers.github.scenario.dispatchAs('colleague', {
      inputs: { application: 'hello-app', environment: 'staging' },
      plan: { queuedMs: 3000 },
    });
    const r = await json(deployArgs('hello-app', 'staging', '--version', 'v3', '--no-wait-for-lock'));
    expect(r.code).toBe(3);
    expect(r.json.error.code).toBe('DEPLOYMENT_IN_PROGRESS');
    expect(r.json.error.message).toContain(peers.github.infra.runUrl(other.id));
    expect((await getParameter(STAGING))?.value).toBe('v4');
  });

  // Last: it reads what every test above sent (deploy, rollback, promote, status, history, unlock).
  it('every GitHub request of these operations asked for API version 2026-03-10, none a deprecated operation', () => {
    const versions = peers.github.stats.apiVersions;
    expect(Object.keys(versions)).toEqual(['2026-03-10']);
    expect(versions['2026-03-10']).toBeGreaterThan(20);
    expect(peers.github.stats.deprecated).toEqual([]);
  });
});
