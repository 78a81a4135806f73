// Library entry of @shared-hosting/cli: the program (for docs generation and tests) and the exit codes.
export { EXIT_CODES, exitCodeFor } from './exit-codes.js';
export { type CliIO, createProgram, run } from './program.js';
