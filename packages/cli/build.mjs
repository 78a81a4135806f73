// Build the CLI in parts, for a fast start:
//   dist/hosting.cjs      the bin: answers --version, else runs dist/main.cjs from V8's code cache;
//   dist/main.cjs(.cache) commander and the program only, one CommonJS file (CJS loads faster than ESM on
//                         Node 20), with V8's code cache of it, so `hosting --help` compiles almost nothing;
//   dist/commands/*.mjs   each command's body (src/commands/<name>/run.ts), ESM with shared chunks,
//                         imported when the command runs;
//                         the engine's AWS SDK, Octokit and builders are further chunks loaded on demand.
//   dist/index.js         the library entry (createProgram, EXIT_CODES) used to generate the docs.
import { execFileSync } from 'node:child_process';
import { chmod, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';

/** `import text from './file?raw'` (as in Vite): the file's contents as a string. */
const rawText = {
  name: 'raw-text',
  setup(b) {
    b.onResolve({ filter: /\?raw$/ }, (args) => ({
      path: path.resolve(args.resolveDir, args.path.slice(0, -'?raw'.length)),
      namespace: 'raw-text',
    }));
    b.onLoad({ filter: /.*/, namespace: 'raw-text' }, async (args) => ({
      contents: await readFile(args.path, 'utf8'),
      loader: 'text',
    }));
  },
};

/** In the entry, `import('./commands/x/run.js')` stays a lazy import of the separately built `commands/x.mjs`. */
const lazyCommands = {
  name: 'lazy-commands',
  setup(b) {
    b.onResolve({ filter: /^\.\/commands\/[a-z-]+\/run\.js$/ }, (args) => ({
      path: args.path.replace(/\/run\.js$/, '.mjs'),
      external: true,
    }));
  },
};

/**
 * In the program's bundle, commander's `require('node:child_process')` (for executable subcommands, which
 * the program has none of) loads only if used: a start-up without it is ~4 ms of CPU shorter.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes(`${path.sep}commander${path.sep}`)
        ? { path: 'child_process', namespace: 'lazy-child-process' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      contents:
        "let m; module.exports = new Proxy({}, { get: (_, key) => (m ??= require('node:child_process'))[key] });",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  conditions: ['source'],
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [rawText],
};
// CommonJS dependencies bundled into ESM need require().
const esmBanner = {
  js: "import{createRequire as __cr}from'node:module';const require=__cr(import.meta.url);",
};

await rm('dist', { recursive: true, force: true });
// One folder per command: its flags (command.ts, in the entry) and its body (run.ts, built here).
const commands = (await readdir('src/commands', { withFileTypes: true }))
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
await Promise.all([
  build({
    ...common,
    entryPoints: { hosting: 'src/bin.ts', main: 'src/main.ts' },
    outExtension: { '.js': '.cjs' },
    outdir: 'dist',
    format: 'cjs',
    plugins: [rawText, lazyCommands, lazyChildProcess],
  }),
  build({
    ...common,
    entryPoints: Object.fromEntries(commands.map((name) => [name, `src/commands/${name}/run.ts`])),
    outdir: 'dist/commands',
    outExtension: { '.js': '.mjs' },
    format: 'esm',
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    banner: esmBanner,
  }),
  build({
    ...common,
    entryPoints: { index: 'src/index.ts' },
    outdir: 'dist',
    format: 'esm',
    banner: esmBanner,
  }),
]);
await chmod('dist/hosting.cjs', 0o755);
// dist/main.cjs runs in bin.ts's runCached(), which gives it the import function of its lazy commands.
const main = await readFile('dist/main.cjs', 'utf8');
const lazyImports = main.split('import("./commands/').length - 1;
if (lazyImports !== commands.length)
  throw new Error(`dist/main.cjs: ${lazyImports} lazy command imports, expected ${commands.length}`);
await writeFile('dist/main.cjs', main.replaceAll('import("./commands/', '__hostingImport("./commands/'));
// V8's code cache of dist/main.cjs (src/code-cache.ts): what two start-ups compile, the second adding to the
// first's. Made by this Node; another Node's V8 rejects it and compiles as usual.
for (const args of [['--help'], ['deploy', '--help']]) {
  execFileSync(process.execPath, ['dist/hosting.cjs', ...args], {
    env: { PATH: process.env.PATH, HOSTING_CODE_CACHE_WRITE: '1' },
    stdio: 'ignore',
  });
}
