#!/usr/bin/env node
// Builds the Action's committed bundles: dist/index.js (main) and dist/post.js (post), one minified
// file each (CommonJS, see FORMAT), deterministic. `node build.mjs --check` builds into a temporary
// directory and fails when the result differs from the committed dist/ (CI runs it in `pnpm test`).
//
// Each entry has a small fast path (src/index.ts, src/post.ts) and a lazily loaded part (src/main.ts,
// src/post-main.ts) that holds @actions/core, the engine and the SDKs. Node has to parse every byte of a
// script it loads, so the lazy part is embedded as a compressed string: a step with invalid inputs (or a
// post step with nothing to do) never decompresses or compiles it. The lazy part is built as CommonJS and
// compiled with vm.compileFunction on first use. Compression uses fflate (pure JavaScript) rather than
// node:zlib so that the bytes do not depend on the Node.js version that ran the build.

import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { deflateSync } from 'fflate';

const root = path.dirname(fileURLToPath(import.meta.url));
/**
 * Module format of the dist files (dist/package.json tells Node). CommonJS: on Node 20 the ESM loader alone
 * adds ~10 ms to every start (an empty .mjs vs .cjs file), which is a third of the start-up budget; both
 * formats run on node24. ACTION_BUNDLE_FORMAT=esm builds the ESM variant for comparison.
 */
const FORMAT = process.env.ACTION_BUNDLE_FORMAT === 'esm' ? 'esm' : 'cjs';

/** dist file → fast-path entry, and the module it imports lazily → its source. */
const ENTRIES = [
  { out: 'index.js', entry: 'src/index.ts', lazy: { specifier: './main.js', source: 'src/main.ts' } },
  { out: 'post.js', entry: 'src/post.ts', lazy: { specifier: './post-main.js', source: 'src/post-main.ts' } },
];

const common = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  write: false,
  logLevel: 'warning',
  absWorkingDir: root,
  // Pure ASCII (non-ASCII escaped): Node then reads the file as a one-byte string, faster to decode and scan.
  charset: 'ascii',
};

/**
 * @actions/core imports @actions/http-client (and with it undici, 420 kB minified) only for getIDToken(),
 * which this Action never calls: leave it out, with a stub that says so if it is ever reached.
 */
const withoutHttpClient = {
  name: 'without-actions-http-client',
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/.*)?$/ }, (args) =>
      /@actions[+/]core/.test(args.importer) ? { path: args.path, namespace: 'left-out' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
      contents: `const leftOut = () => {
  throw new Error('@actions/http-client is not bundled with this Action: core.getIDToken() is unavailable.');
};
export class HttpClient { constructor() { leftOut(); } }
export class BearerCredentialHandler { constructor() { leftOut(); } }
`,
      loader: 'js',
    }));
  },
};

/** Build the lazy part: one CommonJS bundle, returned as text, with its license comments apart. */
async function buildLazy(source) {
  const result = await build({
    ...common,
    entryPoints: [source],
    format: 'cjs',
    outfile: 'lazy.cjs',
    legalComments: 'external',
    plugins: [withoutHttpClient],
    // Inside the compressed payload, so UTF-8 costs nothing at startup.
    charset: 'utf8',
    // Dynamic import() would need a module loader inside vm.compileFunction: turn it into require().
    supported: { 'dynamic-import': false },
  });
  const js = result.outputFiles.find((f) => f.path.endsWith('lazy.cjs'));
  const legal = result.outputFiles.find((f) => f.path.endsWith('.LEGAL.txt'));
  return { code: js.text, legal: legal?.text ?? '' };
}

/** The module that stands in for the lazy part in the fast-path bundle. */
function embeddedModule(code, name) {
  const payload = Buffer.from(deflateSync(Buffer.from(code, 'utf8'), { level: 9, mem: 12 })).toString(
    'base64',
  );
  const head =
    FORMAT === 'esm'
      ? `import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
const here = () => ({ require: createRequire(import.meta.url), filename: fileURLToPath(import.meta.url) });`
      : 'const here = () => ({ require, filename: __filename });';
  return `${head}
const PAYLOAD = ${JSON.stringify(payload)};
function load() {
  const { require, filename } = here();
  const source = require('node:zlib').inflateRawSync(Buffer.from(PAYLOAD, 'base64')).toString('utf8');
  const module = { exports: {} };
  const params = ['exports', 'require', 'module', '__filename', '__dirname'];
  require('node:vm').compileFunction(source, params, { filename: filename + ${JSON.stringify(`#${name}`)} })(
    module.exports, require, module, filename, require('node:path').dirname(filename));
  return module.exports;
}
const loaded = load();
export default loaded;
${['run', 'runPost'].map((n) => `export const ${n} = loaded.${n};`).join('\n')}
`;
}

async function buildEntry({ out, entry, lazy }) {
  const inner = await buildLazy(lazy.source);
  const embed = {
    name: 'embed-lazy-part',
    setup(b) {
      const filter = new RegExp(`^${lazy.specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
      b.onResolve({ filter }, () => ({ path: lazy.specifier, namespace: 'embedded' }));
      b.onLoad({ filter: /.*/, namespace: 'embedded' }, () => ({
        contents: embeddedModule(inner.code, path.basename(lazy.source, '.ts')),
        loader: 'js',
        resolveDir: root,
      }));
    },
  };
  const result = await build({
    ...common,
    entryPoints: [entry],
    format: FORMAT,
    outfile: out,
    legalComments: 'none',
    plugins: [embed],
    metafile: true,
  });
  const js = result.outputFiles.find((f) => f.path.endsWith(out));
  return { out, text: js.text, legal: inner.legal, metafile: result.metafile };
}

/** Build every file of dist/ in memory: name → contents. */
export async function buildDist() {
  const files = new Map();
  const legal = [];
  for (const entry of ENTRIES) {
    const built = await buildEntry(entry);
    files.set(built.out, built.text);
    if (built.legal.trim()) legal.push(`${built.out}:\n\n${built.legal.trim()}\n`);
  }
  files.set(
    'package.json',
    `${JSON.stringify({ type: FORMAT === 'esm' ? 'module' : 'commonjs' }, null, 2)}\n`,
  );
  files.set(
    'licenses.txt',
    `Third-party license notices of the bundled dependencies, as esbuild collected them.\n\n${legal.join('\n')}`,
  );
  return files;
}

function writeDist(dir, files) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [name, text] of files) writeFileSync(path.join(dir, name), text);
}

/** dist/ bundles packages/core from the work tree: say so when it differs from what is committed. */
function warnIfCoreUncommitted() {
  const r = spawnSync('git', ['status', '--porcelain', '--', '../core/src', '../core/package.json'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (r.status === 0 && r.stdout.trim()) {
    console.warn(
      'warning: packages/core has uncommitted changes; this dist/ includes them, so commit them with it\n' +
        '(CI compares dist/ with a build of the committed sources).',
    );
  }
}

async function main() {
  const check = process.argv.includes('--check');
  const files = await buildDist();
  const dist = path.join(root, 'dist');
  if (!check) {
    warnIfCoreUncommitted();
    writeDist(dist, files);
    for (const [name, text] of files)
      console.log(`dist/${name}  ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`);
    return;
  }
  // --check: write the fresh build to a temp dir (for inspection) and compare with the committed dist/.
  const tmp = mkdtempSync(path.join(tmpdir(), 'action-dist-'));
  writeDist(tmp, files);
  const problems = [];
  const committed = existsSync(dist) ? readdirSync(dist) : [];
  for (const [name, text] of files) {
    const file = path.join(dist, name);
    if (!existsSync(file)) problems.push(`dist/${name} is missing`);
    else if (!readFileSync(file).equals(Buffer.from(text)))
      problems.push(`dist/${name} differs from a fresh build`);
  }
  for (const name of committed)
    if (!files.has(name)) problems.push(`dist/${name} is not produced by the build`);
  if (problems.length > 0) {
    console.error(`The committed dist/ is out of date (fresh build in ${tmp}):`);
    for (const p of problems) console.error(`  - ${p}`);
    console.error('Run `pnpm --filter @shared-hosting/action build` and commit packages/action/dist.');
    process.exitCode = 1;
    return;
  }
  rmSync(tmp, { recursive: true, force: true });
  console.log(`dist/ is up to date (${files.size} files).`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
