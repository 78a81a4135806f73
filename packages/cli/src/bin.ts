#!/usr/bin/env node
import { run } from './program.js';

// Keep the user's terminal free of Node's deprecation/experimental warnings (e.g. from SDKs on Node 20);
// they are shown with --debug.
const debug = process.argv.includes('--debug');
process.removeAllListeners('warning');
process.on('warning', (warning) => {
  if (debug) process.stderr.write(`${warning.stack ?? warning.message}\n`);
});

// A closed pipe (`hosting --help | head`) is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // The command is over: a request the SDK left open (a credentials endpoint that never answers, whose
  // timeout only warns) must not keep the process alive. Output still being written gets a second.
  setTimeout(() => process.exit(code), 1_000).unref();
});
