// `pnpm demo`: a real deployment of examples/hello-app into a local sandbox.
//   - a real OCI registry (Debian docker-registry) behind an ECR-compatible AWS test server (also SSM),
//   - a GitHub test server simulating the platform's infra repository and its deploy workflow,
//   - the real `hosting` CLI, building with buildah (no Docker daemon needed).
// Prints the image, the parameter and the infra run, then deploys the same commit again to show that an
// already pushed version skips the build.
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const { startAwsPeers, startGitHubPeer } = await import(path.join(root, 'packages/testkit/dist/index.js'));
const bin = path.join(root, 'packages/cli/dist/hosting.cjs');

const work = mkdtempSync(path.join(tmpdir(), 'hosting-demo-'));
const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[22m` : s);

// The application: a copy of examples/hello-app in its own git repository, so the version is its commit.
const app = path.join(work, 'hello-app');
cpSync(path.join(root, 'examples/hello-app'), app, { recursive: true });
const git = (...args) =>
  execFileSync('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], { cwd: app })
    .toString()
    .trim();
git('init', '-q', '-b', 'main');
git('remote', 'add', 'origin', 'https://github.com/acme/hello-app.git');
git('add', '.');
git('commit', '-qm', 'hello-app');
const sha = git('rev-parse', 'HEAD');

// Image storage for buildah/podman, private to the demo (vfs: no kernel overlay support needed).
const storageConf = path.join(work, 'storage.conf');
writeFileSync(
  storageConf,
  `[storage]\ndriver = "vfs"\ngraphroot = "${work}/storage"\nrunroot = "${work}/run"\n`,
);

console.log(bold('Starting the sandbox: registry, AWS (ECR + SSM) and GitHub test servers…'));
const aws = await startAwsPeers();
const github = await startGitHubPeer({ owner: 'acme', repo: 'infra', defaultRun: { queuedMs: 800 } });
aws.createRepository('hello-app');
console.log(`  registry  ${aws.registry.url}\n  AWS       ${aws.aws.url}\n  GitHub    ${github.url}\n`);

const env = {
  PATH: process.env.PATH,
  HOME: process.env.HOME ?? work,
  TERM: process.env.TERM ?? 'dumb',
  ...(process.env.NO_COLOR ? { NO_COLOR: process.env.NO_COLOR } : {}),
  ...(process.env.CI ? { CI: process.env.CI } : {}),
  ...aws.env,
  GITHUB_API_URL: github.url,
  GITHUB_TOKEN: github.token,
  HOSTING_BUILDER: 'buildah',
  CONTAINERS_STORAGE_CONF: storageConf,
  BUILDAH_ISOLATION: 'chroot',
  STORAGE_DRIVER: 'vfs',
};

/** Run the CLI with --json: progress shows on stderr (live on a terminal), the result comes back parsed. */
function hosting(args) {
  console.log(bold(`$ hosting ${args.join(' ')} --json`));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args, '--json'], {
      cwd: app,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('exit', (code) => {
      let result;
      try {
        result = JSON.parse(out);
      } catch {
        process.stdout.write(out);
      }
      resolve({ code: code ?? 1, result });
    });
  });
}

let exitCode = 1;
try {
  const args = ['deploy', '--app', 'hello-app', '--env', 'staging', '--infra-repo', 'acme/infra'];
  const first = await hosting(args);
  exitCode = first.code;
  if (exitCode === 0 && first.result) {
    const r = first.result;
    // Check the registry itself, not only what the CLI says.
    const tags = await fetch(`${aws.registry.url}/v2/hello-app/tags/list`, {
      headers: { authorization: aws.registry.authorization },
    }).then((res) => res.json());
    const dispatch = github.stats.dispatches.at(-1);
    console.log(`\n${bold('Deployed. What the sandbox now holds:')}`);
    console.log(`  image      ${r.image}`);
    console.log(`  digest     ${r.digest}`);
    console.log(`  registry   hello-app tags: ${(tags.tags ?? []).join(', ')}`);
    console.log(
      `  parameter  ${r['parameter-name']} = ${r.version} (parameter version ${r['parameter-version']})`,
    );
    console.log(
      `  infra run  ${r['run-url']} → ${r.conclusion}, dispatched with ${JSON.stringify(dispatch?.inputs ?? {})}`,
    );
    if (!(tags.tags ?? []).includes(sha)) throw new Error(`the registry does not list hello-app:${sha}`);

    console.log(
      `\n${bold('Deploying the same commit again: the image is already in the registry, so build and push are skipped.')}`,
    );
    const second = await hosting(args);
    exitCode = second.code;
    if (second.result) {
      const skipped = second.result.steps.filter((s) => s.status === 'skipped').map((s) => s.step);
      console.log(
        `  skipped steps: ${skipped.join(', ')}; infra run ${second.result['run-url']} → ${second.result.conclusion}`,
      );
    }
  }
} finally {
  await github.stop().catch((e) => console.error(`GitHub peer: ${e.message}`));
  await aws.stop().catch((e) => console.error(`AWS peer: ${e.message}`));
  rmSync(work, { recursive: true, force: true });
}
console.log(exitCode === 0 ? bold('\nDemo complete.') : `\nDemo failed (exit code ${exitCode}).`);
process.exit(exitCode);
