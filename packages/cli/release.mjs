// Pack the built CLI into hosting-cli-<version>.tgz, installable with only Node and no network:
//   npm install -g ./hosting-cli-<version>.tgz
// The CLI is already bundled by build.mjs (commander, the engine, the AWS SDK, Octokit, the builders: all in
// dist/), so the packed package.json declares no dependencies and names no workspace package. The library
// entry dist/index.js (used only to generate the docs) is left out.
//
// Usage: node release.mjs [--out DIR]   (default DIR: the repository root). Run `node build.mjs` first;
// `pnpm release:cli` at the root does both. Prints the tarball's path.
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);

/** The package.json the tarball carries: what `npm install -g` needs, and nothing to resolve. */
export function releaseManifest(source) {
  return {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license,
    bin: { hosting: 'dist/hosting.cjs' },
    files: ['dist'],
    engines: { node: '>=20' },
  };
}

function parseOut(argv) {
  const at = argv.indexOf('--out');
  if (at === -1) return path.resolve(here, '../..');
  const dir = argv[at + 1];
  if (!dir) throw new Error('--out needs a directory: node release.mjs --out DIR');
  return path.resolve(dir);
}

const README = (version) => `# hosting ${version}

The \`hosting\` CLI of Shared Hosting Deploy, bundled: it needs only Node 20 or newer (22 or 24 recommended)
and, to build images, docker, podman or buildah.

    npm install -g ./hosting-cli-${version}.tgz
    hosting --version
    hosting deploy --help
`;

/** Stage dist/ and the manifest in a temporary folder, `npm pack` it, and move the tarball to `outDir`. */
export function packRelease(outDir) {
  const source = JSON.parse(readFileSync(path.join(here, 'package.json'), 'utf8'));
  const bin = path.join(here, 'dist/hosting.cjs');
  if (!existsSync(bin) || !existsSync(path.join(here, 'dist/commands'))) {
    throw new Error(`${bin} is missing: build the CLI first (pnpm --filter @shared-hosting/cli build)`);
  }
  const stage = mkdtempSync(path.join(tmpdir(), 'hosting-release-'));
  try {
    mkdirSync(path.join(stage, 'dist'));
    // The bin, the program it runs and V8's code cache of it (build.mjs), each command's body.
    for (const file of ['hosting.cjs', 'main.cjs', 'main.cjs.cache'])
      cpSync(path.join(here, 'dist', file), path.join(stage, 'dist', file));
    cpSync(path.join(here, 'dist/commands'), path.join(stage, 'dist/commands'), { recursive: true });
    writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify(releaseManifest(source), null, 2)}\n`);
    writeFileSync(path.join(stage, 'README.md'), README(source.version));
    const packed = execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', stage], {
      cwd: stage,
      env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [{ filename }] = JSON.parse(packed.toString());
    mkdirSync(outDir, { recursive: true });
    const target = path.join(outDir, `hosting-cli-${source.version}.tgz`);
    renameSync(path.join(stage, path.basename(filename)), target);
    return target;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.join(here, 'release.mjs')) {
  try {
    console.log(packRelease(parseOut(process.argv.slice(2))));
  } catch (error) {
    console.error(`release: ${error.message}`);
    process.exit(1);
  }
}
