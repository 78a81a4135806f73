// Build the CLI in two parts, for a fast start:
//   dist/hosting.cjs      the entry: commander and the program only, one CommonJS file (CJS loads faster
//                         than ESM on Node 20), so `hosting --help` parses almost nothing;
//   dist/commands/*.mjs   each command's body (src/commands/<name>/run.ts), ESM with shared chunks,
//                         imported when the command runs;
//                         the engine's AWS SDK, Octokit and builders are further chunks loaded on demand.
//   dist/index.js         the library entry (createProgram, EXIT_CODES) used to generate the docs.
import { chmod, readdir, readFile, rm } from 'node:fs/promises';
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
    entryPoints: { hosting: 'src/bin.ts' },
    outExtension: { '.js': '.cjs' },
    outdir: 'dist',
    format: 'cjs',
    plugins: [rawText, lazyCommands],
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
