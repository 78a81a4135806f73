/**
 * The committed bundle against the testkit peers: a token that GitHub's error body echoed never reaches
 * the job summary or the annotations, which the Action writes itself (the runner only masks log lines).
 */
import { describe, expect, it } from 'vitest';
import { jobEnv, runBundle, runnerFiles, usePeers } from './runner.js';

const peers = usePeers({
  name: 'action-secrets',
  build: true,
  files: { 'hello.txt': 'hello\n', Dockerfile: 'FROM scratch\nCOPY hello.txt /hello.txt\n' },
});

describe('dist/index.js: secrets echoed by a remote', () => {
  it("GitHub's error body echoing the token: the summary and the ::error annotations have *** instead", async () => {
    const token = peers.github.token;
    peers.github.scenario.fault({
      operationId: 'actions/create-workflow-dispatch',
      status: 403,
      message: `Invalid request: token ${token} (base64 ${Buffer.from(token).toString('base64')})`,
    });
    const files = await runnerFiles();
    const r = await runBundle({
      entry: 'index.js',
      files,
      workspace: peers.workspace,
      inputs: {
        application: 'hello-app',
        environment: 'staging',
        'infra-repository': 'acme/infra',
        builder: 'buildah',
        'github-token': token,
      },
      env: jobEnv(peers, 'c'.repeat(40)),
    });
    expect(r.status, r.stdout).toBe(1);
    // The failure is there, with GitHub's words, the token replaced.
    expect(r.summary).toContain('❌ Deployment of hello-app');
    expect(r.summary).toContain('Invalid request: token *** (base64 ***)');
    expect(r.stdout).toMatch(/^::error title=[^\n]*::[^\n]*Invalid request: token \*\*\* \(base64 \*\*\*\)/m);
    const printed = [
      r.summary,
      r.stdout
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
      r.stderr,
    ].join('\n');
    expect(printed).not.toContain(token);
    expect(printed).not.toContain(Buffer.from(token).toString('base64'));
  });
});
