/**
 * The reliability suite (issue 24): the BUILT `hosting` bin against the testkit peers, with faults injected
 * (the GitHub test server's faults, fault-injecting proxies in front of the AWS and GitHub test servers) and
 * hostile inputs. Each case asserts that nothing is lost or left behind (lock, version, credential), that
 * what is reported is what happened, and that no secret appears anywhere. The images are pushed to the
 * registry beforehand, so no builder runs: builds are covered by deploy.e2e.test.ts. The long real-clock
 * waits (request deadlines, the 60 s lease after kill -9) are in reliability-deadlines.e2e.test.ts.
 * Run `pnpm --filter @shared-hosting/cli build` first (turbo's test task depends on build).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appCheckout, application, deployArgs, lockOf, param, versionValue } from './kit/app.js';
import { requireBuiltBin, runBin } from './kit/bin.js';
import { expectNoSecret, expectNothingLeft } from './kit/expect.js';
import { type Env, type Peers, type ProxiedUser, startPeers } from './kit/peers.js';

let peers: Peers;
let user: ProxiedUser;
let app: string;

/** The bin from the application's checkout, AWS and GitHub through the user's fault proxies. */
const run = (args: string[], extra: Env = {}) => runBin(args, { cwd: app, env: user.env(extra) });
const value = (name: string) => versionValue(peers.aws, name);
const nothingLeft = (name: string) => expectNothingLeft(peers, name, 'staging', user.home);
const dispatchRejected = (message: string) =>
  peers.github.scenario.fault({ operationId: 'actions/create-workflow-dispatch', status: 422, message });

beforeAll(async () => {
  requireBuiltBin();
  peers = await startPeers({ github: { defaultRun: { queuedMs: 200 } } });
  user = await peers.behindProxies('user');
  app = path.join(peers.work, 'app');
  appCheckout(app);
}, 60_000);

afterAll(async () => {
  await user?.stop();
  await peers?.stop();
});

describe('a dispatch that fails for good leaves the value read under the lock', () => {
  it('a rejected dispatch (422): the parameter is back at v1, read back, and the output says so', async () => {
    await application(peers.aws, 'rejected-app', 'staging');
    dispatchRejected('Unexpected inputs provided: ["environment"]');
    const r = await run(deployArgs('rejected-app', 'staging', '--version', 'v2', '--json'));
    expect(r.code, r.stderr).toBe(3);
    expect(value(param('rejected-app', 'staging'))).toBe('v1');
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      status: 'failed',
      triggered: false,
      recovery: { restored: true, value: 'v1', left: null },
    });
    expect(out.error.message).toContain('was restored to v1');
    expect(out.error.message).toContain('read back');
    expect(out.error.fix).toContain('the parameter is back at v1');
    nothingLeft('rejected-app');
    expectNoSecret(peers, r);
  });

  it('a dispatch whose answer was lost (502 after GitHub created the run): the run is found and followed, not restored', async () => {
    await application(peers.aws, 'lost-answer-app', 'staging');
    peers.github.scenario.fault({
      operationId: 'actions/create-workflow-dispatch',
      status: 502,
      afterProcessing: true,
    });
    const r = await run(deployArgs('lost-answer-app', 'staging', '--version', 'v2', '--json'));
    expect(r.code, r.stderr).toBe(0);
    expect(value(param('lost-answer-app', 'staging'))).toBe('v2');
    expect(JSON.parse(r.stdout)).toMatchObject({
      status: 'succeeded',
      triggered: true,
      conclusion: 'success',
    });
    nothingLeft('lost-answer-app');
  });

  it('a restore that cannot be done says exactly what is left, on which parameter version, and the command that undoes it', async () => {
    // The previous version's image is gone (a lifecycle rule): the restore must not point at it.
    await application(peers.aws, 'stuck-app', 'staging', ['v2']);
    dispatchRejected('Unexpected inputs provided: ["x"]');
    const r = await run(deployArgs('stuck-app', 'staging', '--version', 'v2', '--json'));
    const name = param('stuck-app', 'staging');
    const versions = peers.aws.aws.ssm.parameters.get(name) ?? [];
    expect(versions.at(-1)?.Value).toBe('v2');
    const undo = `aws ssm put-parameter --name ${name} --value v1 --type String --overwrite`;
    const out = JSON.parse(r.stdout);
    expect(out.recovery).toMatchObject({
      restored: false,
      left: { value: 'v2', 'parameter-version': versions.at(-1)?.Version, previous: 'v1', undo },
    });
    expect(out.error.message).toContain(`Left behind: v2 (parameter version ${versions.at(-1)?.Version})`);
    expect(out.error.fix).toContain(undo);
    dispatchRejected('Unexpected inputs provided: ["x"]');
    peers.aws.aws.ssm.seed(name, 'v1');
    const text = await run(deployArgs('stuck-app', 'staging', '--version', 'v2'));
    expect(text.stdout + text.stderr).toContain(undo);
    nothingLeft('stuck-app');
    expectNoSecret(peers, r);
  });
});

describe('inputs cannot point at someone else', () => {
  it("refuses another application's parameters and lock names with exit 2, before any request", async () => {
    await application(peers.aws, 'victim-app', 'staging');
    await application(peers.aws, 'hostile-app', 'staging');
    const before = user.proxy.aws.seen.length;
    const ghBefore = peers.github.stats.requests;
    for (const target of [
      param('victim-app', 'staging'),
      lockOf('victim-app', 'staging'),
      '/shared-hosting/hostile-app/production/version',
      '/elsewhere/version-lock',
    ]) {
      const r = await run(deployArgs('hostile-app', 'staging', '--version', 'v2', '--parameter', target));
      expect(r.code, `${target}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain('--parameter');
    }
    expect(user.proxy.aws.seen.length).toBe(before);
    expect(peers.github.stats.requests).toBe(ghBefore);
    expect(value(param('victim-app', 'staging'))).toBe('v1');
    expect(peers.aws.aws.ssm.parameters.get(lockOf('victim-app', 'staging'))).toBeUndefined();
  });

  it('refuses oversized and malformed values of every deploy flag with exit 2, quoting them cut short', async () => {
    const huge = 'x'.repeat(100_000); // under Linux's 128 KiB limit of one argument
    const cases: [string, string][] = [
      ['--app', huge],
      ['--env', huge],
      ['--version', huge],
      ['--repository', huge],
      ['--parameter', `/${huge}`],
      ['--infra-repo', huge],
      ['--infra-workflow', huge],
      ['--infra-ref', `${huge}..`],
      ['--timeout', huge],
      ['--context', `/nonexistent/${'y'.repeat(1000)}`],
    ];
    const before = user.proxy.aws.seen.length;
    for (const [flag, bad] of cases) {
      const args = deployArgs('hello-app', 'staging', '--version', 'v1');
      const at = args.indexOf(flag);
      if (at >= 0) args[at + 1] = bad;
      else args.push(flag, bad);
      const r = await run(args);
      expect(r.code, `${flag}: ${r.stderr.slice(0, 300)}`).toBe(2);
      expect(r.stderr.length, flag).toBeLessThan(4000);
    }
    expect(user.proxy.aws.seen.length).toBe(before);
  });

  it('without a token, changes nothing (exit 2); with --no-trigger only sets the version', async () => {
    await application(peers.aws, 'no-token-app', 'staging');
    const r = await run(deployArgs('no-token-app', 'staging', '--version', 'v2'), { GITHUB_TOKEN: '' });
    expect(r.code, r.stderr).toBe(2);
    expect(value(param('no-token-app', 'staging'))).toBe('v1');
    const only = await run(deployArgs('no-token-app', 'staging', '--version', 'v2', '--no-trigger'), {
      GITHUB_TOKEN: '',
    });
    expect(only.code, only.stderr).toBe(0);
    expect(only.stdout).toContain('Version set, not deployed');
    expect(value(param('no-token-app', 'staging'))).toBe('v2');
    nothingLeft('no-token-app');
  });
});

describe('hostile App specs', () => {
  it('refuses alias bombs, oversized files and values, and a parameter of another application with exit 2, before any request', async () => {
    const bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [prev, next] of ['ab', 'bc', 'cd', 'de', 'ef', 'fg', 'gh', 'hi']) {
      bomb.push(`${next}: &${next} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const specs: Record<string, string> = {
      'bomb.yaml': `${bomb.join('\n')}\nenvironments:\n  staging:\n    cluster: *i\n`,
      'self.yaml': 'environments: &e\n  staging:\n    cluster: shared\n    service: *e\n',
      'huge.yaml': `environments:\n  staging:\n    cluster: shared\n# ${'x'.repeat(400_000)}\n`,
      'long-value.yaml': `environments:\n  staging:\n    cluster: ${'x'.repeat(100_000)}\n`,
      'foreign.yaml':
        'parameter: /shared-hosting/victim-app/{environment}/version\nenvironments:\n  staging:\n    cluster: shared\n',
    };
    const before = user.proxy.aws.seen.length;
    for (const [file, text] of Object.entries(specs)) {
      writeFileSync(path.join(app, file), text);
      const r = await run(['rollout', '--app', 'hostile-app', '--env', 'staging', '--spec', file]);
      expect(r.code, `${file}: ${r.stderr.slice(0, 400)}`).toBe(2);
      expect(r.stderr, file).toContain(file);
      expect(r.stderr.length, file).toBeLessThan(4000);
      expect(r.ms, file).toBeLessThan(15_000);
    }
    expect(user.proxy.aws.seen.length).toBe(before);
  });
});
