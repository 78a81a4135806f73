#!/usr/bin/env node
import { writeSync } from 'node:fs';
import path from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import { runCached } from './code-cache.js';

/** The folder of dist/hosting.cjs (a CommonJS bundle). */
declare const __dirname: string;

// Keep the user's terminal free of Node's deprecation/experimental warnings (e.g. from SDKs on Node 20);
// they are shown with --debug.
const debug = process.argv.includes('--debug');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (debug) process.stderr.write(`${warning.stack ?? warning.message}\n`);
});

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // What commander prints for the program's --version, without loading commander and the program (nor the
  // stdout stream): the start-up stays within 1.5x of bare Node (packages/cli/bench, docs/performance.mdx).
  try {
    writeSync(1, `${pkg.version}\n`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPIPE') throw error;
  }
} else {
  // A closed pipe (`hosting --help | head`) is not an error: on each stream when Node makes it (on first use).
  for (const name of ['stdout', 'stderr'] as const)
    onFirstUse(name, (stream) => stream.on('error', closedPipe));
  // Loaded only here: commander and the program's definition (dist/main.cjs), from V8's code cache.
  runCached(path.join(__dirname, 'main.cjs'));
}

function closedPipe(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
}

/** Calls `then` with process[name] when something first reads it (Node's own getter makes the stream). */
function onFirstUse(name: 'stdout' | 'stderr', then: (stream: NodeJS.WriteStream) => void): void {
  const own = Object.getOwnPropertyDescriptor(process, name);
  if (!own?.get || !own.configurable) {
    then(process[name]);
    return;
  }
  const make = own.get;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: own.enumerable ?? false,
    get() {
      const stream = make.call(process) as NodeJS.WriteStream;
      Object.defineProperty(process, name, {
        configurable: true,
        enumerable: own.enumerable ?? false,
        get: () => stream,
      });
      then(stream);
      return stream;
    },
  });
}
