#!/usr/bin/env node
import pkg from '../package.json' with { type: 'json' };

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

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // What commander prints for the program's --version, without loading commander and the program: the
  // start-up stays within 1.5x of bare Node (packages/cli/bench, docs/performance.mdx).
  process.stdout.write(`${pkg.version}\n`);
} else {
  // Loaded only here (esbuild keeps a bundled dynamic import lazy): commander and the program's definition.
  import('./program.js')
    .then(({ run }) => run(argv))
    .then((code) => {
      process.exitCode = code;
      // The command is over: a request the SDK left open (a credentials endpoint that never answers, whose
      // timeout only warns) must not keep the process alive. Output still being written gets a second.
      setTimeout(() => process.exit(code), 1_000).unref();
    });
}
