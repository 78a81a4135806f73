import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { authDocument, authTempRoot, removeStaleAuthDirs, writeTempAuth } from './auth.js';

const auth = { registry: '127.0.0.1:5000', username: 'AWS', password: 'secret-password', insecure: true };

/** The pid of a process that has exited: no process has it now (pids are not reused this fast). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('temporary registry credentials', () => {
  it('go under RUNNER_TEMP in GitHub Actions, else the system temp directory', () => {
    expect(authTempRoot({ RUNNER_TEMP: '/home/runner/work/_temp' })).toBe('/home/runner/work/_temp');
    expect(authTempRoot({ RUNNER_TEMP: '' })).toBe(tmpdir());
    expect(authTempRoot({})).toBe(tmpdir());
  });

  it('are written 0600 in a 0700 directory that names its owner, and removed by dispose()', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'auth-root-'));
    const temp = await writeTempAuth(auth, root);
    expect(statSync(temp.dir).mode & 0o777).toBe(0o700);
    expect(statSync(temp.file).mode & 0o777).toBe(0o600);
    expect(readFileSync(path.join(temp.dir, 'owner'), 'utf8').trim()).toBe(String(process.pid));
    await temp.dispose();
    expect(existsSync(temp.dir)).toBe(false);
  });

  it('left behind by a killed run are removed at the next start; live runs keep theirs', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'auth-root-'));
    const killed = path.join(root, 'hosting-auth-killed');
    mkdirSync(killed, { mode: 0o700 });
    writeFileSync(path.join(killed, 'owner'), `${deadPid()}\n`);
    writeFileSync(path.join(killed, 'config.json'), '{"auths":{}}');
    const orphan = path.join(root, 'hosting-auth-orphan');
    mkdirSync(orphan);
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(orphan, hourAgo, hourAgo);
    const fresh = path.join(root, 'hosting-auth-being-written');
    mkdirSync(fresh);
    const other = path.join(root, 'unrelated');
    mkdirSync(other);
    const live = await writeTempAuth(auth, root);

    expect(readdirSync(root).sort()).toEqual(
      ['hosting-auth-being-written', path.basename(live.dir), 'unrelated'].sort(),
    );
    expect(await removeStaleAuthDirs(root)).toEqual([]);
    await live.dispose();
  });
});

describe('the temporary auth document', () => {
  const user = {
    credsStore: 'desktop',
    auths: {
      'https://index.docker.io/v1/': {},
      'ghcr.io': { auth: 'dXNlcjpwYXNz' },
      '127.0.0.1:5000': {},
    },
    credHelpers: { '127.0.0.1:5000': 'ecr-login', 'gcr.io': 'gcloud' },
    proxies: { default: { httpProxy: 'http://proxy' } },
    currentContext: 'desktop-linux',
  };

  it('keeps only auths and credHelpers of other registries: a credsStore becomes their helper', () => {
    expect(JSON.parse(authDocument(auth, user))).toEqual({
      auths: {
        'https://index.docker.io/v1/': {},
        'ghcr.io': { auth: 'dXNlcjpwYXNz' },
        '127.0.0.1:5000': { auth: Buffer.from('AWS:secret-password').toString('base64') },
      },
      // Docker Hub's credentials stay in the store, asked by host; ghcr.io's are inline; none for ECR's host.
      credHelpers: { 'https://index.docker.io/v1/': 'desktop', 'gcr.io': 'gcloud' },
    });
  });

  it('is the ECR login alone without a user document', () => {
    expect(JSON.parse(authDocument(auth))).toEqual({
      auths: { '127.0.0.1:5000': { auth: Buffer.from('AWS:secret-password').toString('base64') } },
    });
  });
});
