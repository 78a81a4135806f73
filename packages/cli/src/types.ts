// The CLI's view of the process. The commands' flags are not written here: each is the type commander
// infers from the command's definition (commands/<name>/command.ts, FlagsOf in options.ts).

/** What a command needs from the outside world; tests pass their own. */
export interface CliIO {
  stdout: { write(text: string): void; isTTY?: boolean | undefined; columns?: number | undefined };
  stderr: { write(text: string): void; isTTY?: boolean | undefined; columns?: number | undefined };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Set by a command to the process exit code. */
  exitCode: number;
}
