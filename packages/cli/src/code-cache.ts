import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

/** The name under which a bundle run by `runCached` imports its lazy parts (build.mjs rewrites `import(`). */
const IMPORT = '__hostingImport';

/**
 * Runs the CommonJS bundle `file` as `require` would, compiled from V8's code cache `<file>.cache` when this
 * Node made it: V8 checks its version, flags and the source, and compiles anew when any differs. build.mjs
 * makes the cache by running `hosting --help` and `hosting deploy --help` with HOSTING_CODE_CACHE_WRITE=1, so
 * it holds every function a start-up compiles; a start-up then compiles almost nothing.
 * The bundle's `import()` of its lazy parts is IMPORT(), given here: on Node 20 a script compiled from a
 * code cache loses its dynamic import callback.
 */
export function runCached(file: string): void {
  const script = compileCached(file);
  const lazy = (specifier: string) => import(pathToFileURL(path.resolve(path.dirname(file), specifier)).href);
  const module = { exports: {} };
  const body = script.runInThisContext() as (...args: unknown[]) => void;
  body.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file), lazy);
  if (process.env.HOSTING_CODE_CACHE_WRITE === '1')
    process.once('exit', () => writeFileSync(`${file}.cache`, script.createCachedData()));
}

/** The bundle `file` compiled as runCached() runs it, from its code cache when V8 accepts it (`cachedDataRejected`). */
export function compileCached(file: string): vm.Script {
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(`${file}.cache`);
  } catch {
    cachedData = undefined;
  }
  const wrapped = `(function (exports, require, module, __filename, __dirname, ${IMPORT}) {${readFileSync(file, 'utf8')}\n})`;
  return new vm.Script(wrapped, { filename: file, ...(cachedData ? { cachedData } : {}) });
}
