// The program's entry (dist/main.cjs): commander and every command's flags; each command's body loads when
// it runs. bin.ts answers `--version` without it and runs it from V8's code cache (code-cache.ts).
import { run } from './program.js';

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
  // The command is over: a request the SDK left open (a credentials endpoint that never answers, whose
  // timeout only warns) must not keep the process alive. Output still being written gets a second.
  setTimeout(() => process.exit(code), 1_000).unref();
});
