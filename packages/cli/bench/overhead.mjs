// The engine's own overhead around a build + push: `hosting deploy --no-wait` (preflight, build, push,
// confirm, set version, trigger) against the same buildah commands run bare, alternated in one run
// against the same local registry. Each round uses a new version so that both really build and push.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { median } from './startup.mjs';

function spawnTimed(cmd, args, options) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.stdout.resume();
    child.on('exit', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (code === 0) resolve(ms);
      else reject(new Error(`${cmd} ${args.slice(0, 3).join(' ')} exited ${code}: ${err.slice(-500)}`));
    });
  });
}

export async function measureDeployOverhead(bin, rounds = 5) {
  const testkit = await import('@shared-hosting/testkit');
  const work = mkdtempSync(path.join(tmpdir(), 'hosting-bench-'));
  const aws = await testkit.startAwsPeers();
  // Infra runs that finish at once: otherwise each --no-wait deploy would (rightly) wait in the lock step
  // for the previous round's run, which is not the engine's overhead.
  const github = await testkit.startGitHubPeer({
    owner: 'acme',
    repo: 'infra',
    defaultRun: { queuedMs: 0, jobs: [{ name: 'deploy', steps: [{ name: 'Deploy', durationMs: 1 }] }] },
  });
  try {
    aws.createRepository('bench-app');
    const app = path.join(work, 'app');
    execFileSync('mkdir', ['-p', app]);
    writeFileSync(path.join(app, 'Dockerfile'), 'FROM scratch\nCOPY page.html /srv/page.html\n');
    writeFileSync(path.join(app, 'page.html'), '<h1>bench</h1>\n');
    execFileSync(
      'sh',
      ['-c', 'git init -q && git add . && git -c user.email=b@b -c user.name=b commit -qm bench'],
      { cwd: app },
    );
    const storageConf = path.join(work, 'storage.conf');
    writeFileSync(
      storageConf,
      `[storage]\ndriver = "vfs"\ngraphroot = "${work}/storage"\nrunroot = "${work}/run"\n`,
    );
    const env = {
      PATH: process.env.PATH,
      HOME: work,
      CONTAINERS_STORAGE_CONF: storageConf,
      BUILDAH_ISOLATION: 'chroot',
      STORAGE_DRIVER: 'vfs',
    };
    const reg = aws.registry;
    const bare = async (tag) => {
      const ref = `${reg.host}/bench-app:${tag}`;
      const t1 = await spawnTimed('buildah', ['bud', '-q', '-t', ref, app], { env, cwd: app });
      const t2 = await spawnTimed(
        'buildah',
        ['push', '--tls-verify=false', '--creds', `${reg.username}:${reg.password}`, ref],
        { env, cwd: app },
      );
      return t1 + t2;
    };
    const deploy = (tag) =>
      spawnTimed(
        process.execPath,
        [
          bin,
          'deploy',
          '--no-cache',
          '--app',
          'bench-app',
          '--env',
          'staging',
          '--infra-repo',
          'acme/infra',
          '--version',
          tag,
          '--no-wait',
          '--builder',
          'buildah',
        ],
        { env: { ...env, ...aws.env, GITHUB_API_URL: github.url, GITHUB_TOKEN: github.token }, cwd: app },
      );
    // Warm up both paths once (layer cache, page cache).
    await bare('warm-bare');
    await deploy('warm-deploy');
    const a = [];
    const b = [];
    for (let i = 0; i < rounds; i++) {
      a.push(await bare(`bare-${i}`));
      b.push(await deploy(`deploy-${i}`));
    }
    const baseline = median(a);
    const subject = median(b);
    return { baseline, subject, ratio: subject / baseline };
  } finally {
    await github.stop();
    await aws.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
