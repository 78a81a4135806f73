/**
 * The BUILT `hosting` bin, spawned as a user would: secrets never reach any output path (text or JSON,
 * stdout or stderr, the engine's errors or commander's), and a bad AWS region is refused before any
 * request reaches the AWS test server. Run `pnpm --filter @shared-hosting/cli build` first.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { appCheckout, deployArgs } from './kit/app.js';
import { requireBuiltBin, runBin } from './kit/bin.js';
import { type Env, type Peers, startPeers } from './kit/peers.js';

let peers: Peers;
let app: string;
/** A directory whose `gh` prints a logged-in GitHub CLI's token, as `gh auth token` does. */
let ghBin: string;
const GH_CLI_TOKEN = 'gh-cli-secret-7f3a9c1e5b';

/** The bin with only PATH (after `pathPrefix`), HOME and `env`; `out` is what it printed, both streams. */
async function run(args: string[], env: Env, pathPrefix?: string) {
  const PATH = [pathPrefix, process.env.PATH ?? ''].filter(Boolean).join(path.delimiter);
  const r = await runBin(args, { cwd: app, env: { PATH, HOME: peers.work, ...env } });
  return { code: r.code, out: r.stdout + r.stderr };
}

beforeAll(async () => {
  requireBuiltBin();
  peers = await startPeers();
  app = path.join(peers.work, 'app');
  appCheckout(app);
  ghBin = path.join(peers.work, 'gh-bin');
  mkdirSync(ghBin);
  writeFileSync(
    path.join(ghBin, 'gh'),
    `#!/bin/sh\n[ "$1 $2" = "auth token" ] && echo ${GH_CLI_TOKEN} && exit 0\nexit 1\n`,
  );
  chmodSync(path.join(ghBin, 'gh'), 0o755);
  peers.aws.createRepository('hello-app');
}, 60_000);

afterAll(async () => {
  await peers?.stop();
});

beforeEach(() => peers.aws.aws.clearRequests());

describe('a token given by mistake as an input never appears in any output', () => {
  const deploy = (token: string) => [
    'deploy',
    '--app',
    'hello-app',
    '--env',
    'staging',
    '--infra-repo',
    token,
  ];
  // A fine-grained PAT is 93 characters: messages cut inputs to 64, and that prefix is a secret too.
  const pat = `github_pat_11ABCDEFG0${'x7Q'.repeat(27)}`;
  const cases: Array<[string, string, Record<string, string>, string?]> = [
    [
      'GITHUB_TOKEN',
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      { GITHUB_TOKEN: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' },
    ],
    ['GITHUB_TOKEN, a fine-grained PAT cut in the message', pat, { GITHUB_TOKEN: pat }],
    ['GH_TOKEN of no known shape', 'plain-secret-value-0042', { GH_TOKEN: 'plain-secret-value-0042' }],
    ['the gh CLI token', GH_CLI_TOKEN, {}, 'gh'],
    ['a GitHub token no variable announced', 'gho_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5', {}],
    [
      'AWS_SECRET_ACCESS_KEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    ],
  ];
  for (const [name, token, env, gh] of cases) {
    it(`${name}: with and without --json, stdout and stderr`, async () => {
      const prefix = gh ? ghBin : undefined;
      for (const json of [true, false]) {
        const r = await run([...deploy(token), ...(json ? ['--json'] : [])], env, prefix);
        expect(r.code).toBe(2);
        expect(r.out).toContain('--infra-repo "***');
        expect(r.out).not.toContain(token);
        expect(r.out).not.toContain(token.slice(0, 20));
        if (json) expect(r.out).toContain('"code": "INVALID_INPUT"');
      }
    });
  }

  it("commander's own messages (a bad choice, an unknown command) are redacted too", async () => {
    const token = 'ghp_16C7e42F292c6912E7710c838347Ae178B4a';
    const env = { GITHUB_TOKEN: token };
    const bad = await run([...deployArgs('hello-app', 'staging'), '--builder', token, '--json'], env);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain("argument '***' is invalid");
    const unknown = await run(['ghp_aB3dE5gH7jK9mN1pQ3sT5vX7zA9cE1gI3kM5'], {});
    expect(unknown.code).toBe(2);
    expect(unknown.out).toContain("unknown command '***'");
  });
});

describe('the AWS region is checked before any call', () => {
  const env = () => ({ ...peers.aws.env, GITHUB_TOKEN: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a' });
  const deploy = deployArgs('hello-app', 'staging');

  it("--region 'eu-west-1;id': exit 2 naming --region and the fix, no request at the AWS server", async () => {
    const r = await run([...deploy, '--version', 'v1', '--region', 'eu-west-1;id'], env());
    expect(r.code).toBe(2);
    expect(r.out).toContain('--region "eu-west-1;id" is not an AWS region name');
    expect(r.out).toMatch(/Fix: .*e\.g\. eu-west-1/);
    expect(peers.aws.aws.requests).toHaveLength(0);
  });

  it('AWS_REGION and AWS_DEFAULT_REGION are checked the same way, named as themselves (also for rollback)', async () => {
    const bad = await run([...deploy, '--version', 'v1', '--json'], { ...env(), AWS_REGION: 'eu-west-1;id' });
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('AWS_REGION \\"eu-west-1;id\\" is not an AWS region name');
    const { AWS_REGION: _r, ...noRegion } = env();
    const rollback = await run(
      ['rollback', '--app', 'hello-app', '--env', 'staging', '--infra-repo', 'owner/infra'],
      { ...noRegion, AWS_DEFAULT_REGION: 'EU-WEST-1' },
    );
    expect(rollback.code).toBe(2);
    expect(rollback.out).toContain('AWS_DEFAULT_REGION "EU-WEST-1" is not an AWS region name');
    expect(peers.aws.aws.requests).toHaveLength(0);
  });
});
