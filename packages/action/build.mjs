#!/usr/bin/env node
// Builds the Action's committed dist/: plain minified CommonJS files, one per part, deterministic.
// `node build.mjs --check` builds into a temporary directory and fails when the result differs from the
// committed dist/ (the package's tests run it, so `pnpm test` does).
//
//   dist/index.js       the main step's fast path (src/index.ts): reads, masks and validates the inputs;
//                       require()s ./main.cjs only when they are valid
//   dist/main.cjs       the rest of the main step (src/main.ts): @actions/core, the engine, AWS SDK, Octokit
//   dist/post.js        the post step's fast path (src/post.ts): returns at once unless a run is waiting
//   dist/post-main.cjs  the post step's clean-up (src/post-main.ts): @actions/core and the GitHub client
//                       only, no AWS SDK; require()s ./post-lock.cjs only when a lock was left
//   dist/post-lock.cjs  the post step's lock release (src/post-lock.ts): the SSM client alone
//
// Node parses every byte of a script it loads, so the fast paths are separate files that hold no SDK:
// a step with invalid inputs (or a post step with nothing to do) never reads the rest. BUNDLE_RULES says
// which packages each file must not contain; the build fails when one does.

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

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Packages each dist file must not bundle (matched against the metafile's input paths). The fast paths
 * hold no dependency at all but the engine's pure input parsing; the post step holds no AWS code.
 */
export const BUNDLE_RULES = {
  'index.js': [/node_modules\//],
  'post.js': [/node_modules\//],
  'post-main.cjs': [/node_modules\/@aws-sdk\//, /node_modules\/@smithy\//, /(^|\/)core\/src\/aws\//],
  'post-lock.cjs': [
    /node_modules\/@octokit\//,
    /node_modules\/@aws-sdk\/client-ecr\//,
    /(^|\/)core\/src\/github\//,
  ],
};

/**
 * The dist files: entry, and the modules an entry loads lazily (its dynamic `import()`), each another
 * dist file that it require()s at run time.
 */
const BUNDLES = [
  { out: 'index.js', entry: 'src/index.ts', lazy: { './main.js': './main.cjs' } },
  { out: 'main.cjs', entry: 'src/main.ts', plugins: ['withoutHttpClient'] },
  { out: 'post.js', entry: 'src/post.ts', lazy: { './post-main.js': './post-main.cjs' } },
  {
    out: 'post-main.cjs',
    entry: 'src/post-main.ts',
    lazy: { './post-lock.js': './post-lock.cjs' },
    plugins: ['withoutHttpClient'],
  },
  { out: 'post-lock.cjs', entry: 'src/post-lock.ts', plugins: ['withoutHttpClient'] },
];

const common = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  conditions: ['source'],
  write: false,
  metafile: true,
  logLevel: 'warning',
  absWorkingDir: root,
  legalComments: 'external',
  // Pure ASCII (non-ASCII escaped): Node then reads the file as a one-byte string, faster to decode and scan.
  charset: 'ascii',
};

/** A module standing in for a left-out package: any use throws, saying what is missing. */
function leftOutModule(what, exports) {
  return `const leftOut = () => {
  throw new Error(${JSON.stringify(`${what} is not bundled with this part of the Action.`)});
};
${exports}
`;
}

const PLUGINS = {
  /**
   * @actions/core imports @actions/http-client (and with it undici, 420 kB minified) only for
   * getIDToken(), which this Action never calls: leave it out, with a stub that says so if it is reached.
   */
  withoutHttpClient: {
    name: 'without-actions-http-client',
    setup(b) {
      b.onResolve({ filter: /^@actions\/http-client(\/.*)?$/ }, (args) =>
        /@actions[+/]core/.test(args.importer) ? { path: args.path, namespace: 'left-out' } : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'left-out' }, () => ({
        contents: leftOutModule(
          '@actions/http-client (core.getIDToken())',
          `export class HttpClient { constructor() { leftOut(); } }
export class BearerCredentialHandler { constructor() { leftOut(); } }`,
        ),
        loader: 'js',
      }));
    },
  },
};

/**
 * The entry's dynamic `import('./main.js')` → a module whose body is `require('./main.cjs')`, the other
 * dist file. esbuild evaluates a dynamically imported module on first import(), so the require() runs
 * only then; the fast path keeps its dynamic imports (unlike a require(), an import() of a module that
 * the fast path never reaches leaves that module out of the bundle).
 */
function lazyParts(lazy) {
  return {
    name: 'lazy-parts',
    setup(b) {
      b.onResolve({ filter: /^\.\/[\w-]+\.c?js$/ }, (args) => {
        if (args.namespace === 'lazy') return { path: args.path, external: true };
        if (Object.hasOwn(lazy, args.path) && args.kind === 'dynamic-import')
          return { path: args.path, namespace: 'lazy' };
        return undefined;
      });
      b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({
        contents: `module.exports = require(${JSON.stringify(lazy[args.path])});`,
        loader: 'js',
      }));
    },
  };
}

/**
 * The source files whose code is in a dist file, from its metafile (esbuild lists every file it reached
 * in `inputs`, also those tree shaking left out: only the output's inputs with bytes count).
 */
export function bundledInputs(out, metafile) {
  const output = Object.entries(metafile.outputs).find(([file]) => file === out || file.endsWith(`/${out}`));
  if (!output) throw new Error(`The metafile has no output ${out}`);
  return Object.entries(output[1].inputs)
    .filter(([, { bytesInOutput }]) => bytesInOutput > 0)
    .map(([input]) => input);
}

/** Source files that break the dist file's rules: `dist/<file> bundles <input>`. */
export function ruleViolations(out, metafile) {
  const rules = BUNDLE_RULES[out] ?? [];
  return bundledInputs(out, metafile)
    .filter((input) => rules.some((rule) => rule.test(input)))
    .map((input) => `dist/${out} bundles ${input}`);
}

async function buildBundle({ out, entry, lazy, plugins = [] }) {
  const result = await build({
    ...common,
    entryPoints: [entry],
    outfile: out,
    plugins: [...plugins.map((name) => PLUGINS[name]), ...(lazy ? [lazyParts(lazy)] : [])],
    // A lazy part is loaded whole: its import()s (the engine's SDKs) become require()s, no ESM loader.
    ...(lazy ? {} : { supported: { 'dynamic-import': false } }),
  });
  const js = result.outputFiles.find((f) => f.path.endsWith(out));
  const legal = result.outputFiles.find((f) => f.path.endsWith('.LEGAL.txt'));
  return { out, text: js.text, legal: legal?.text ?? '', metafile: result.metafile };
}

/** Build every file of dist/ in memory: `files` (name → contents) and each bundle's esbuild metafile. */
export async function buildDist() {
  const files = new Map();
  const metafiles = new Map();
  const legal = [];
  const problems = [];
  for (const bundle of BUNDLES) {
    const built = await buildBundle(bundle);
    files.set(built.out, built.text);
    metafiles.set(built.out, built.metafile);
    problems.push(...ruleViolations(built.out, built.metafile));
    if (built.legal.trim()) legal.push(`${built.out}:\n\n${built.legal.trim()}\n`);
  }
  if (problems.length > 0) throw new Error(`The bundles break their rules:\n  ${problems.join('\n  ')}`);
  files.set('package.json', `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
  files.set(
    'licenses.txt',
    `Third-party license notices of the bundled dependencies, as esbuild collected them.\n\n${legal.join('\n')}`,
  );
  return { files, metafiles };
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

/** Differences between the committed dist/ and a fresh build, one line each. */
function compareDist(dist, files) {
  const problems = [];
  for (const [name, text] of files) {
    const file = path.join(dist, name);
    if (!existsSync(file)) problems.push(`dist/${name} is missing`);
    else if (!readFileSync(file).equals(Buffer.from(text)))
      problems.push(`dist/${name} differs from a fresh build`);
  }
  for (const name of existsSync(dist) ? readdirSync(dist) : [])
    if (!files.has(name)) problems.push(`dist/${name} is not produced by the build`);
  return problems;
}

async function main() {
  const check = process.argv.includes('--check');
  const { files } = await buildDist();
  const dist = path.join(root, 'dist');
  if (!check) {
    warnIfCoreUncommitted();
    writeDist(dist, files);
    for (const [name, text] of files)
      console.log(`dist/${name}  ${(Buffer.byteLength(text) / 1024).toFixed(1)} KiB`);
    return;
  }
  const problems = compareDist(dist, files);
  if (problems.length > 0) {
    // Keep the fresh build for inspection.
    const tmp = mkdtempSync(path.join(tmpdir(), 'action-dist-'));
    writeDist(tmp, files);
    console.error(`The committed dist/ is out of date (fresh build in ${tmp}):`);
    for (const p of problems) console.error(`  - ${p}`);
    console.error('Run `pnpm --filter @shared-hosting/action build` and commit packages/action/dist.');
    process.exitCode = 1;
    return;
  }
  console.log(`dist/ is up to date (${files.size} files).`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
