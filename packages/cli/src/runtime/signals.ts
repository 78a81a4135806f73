/**
 * Run work with an AbortSignal wired to SIGINT and SIGTERM. The first signal aborts: the engine then
 * stops at the next safe point (once the version write has started, it finishes the write and the
 * trigger, or restores the previous value, and says which). A second one quits at once with 130,
 * after printing what state it leaves (`onQuit`: one line each, with the fix).
 */
export async function withInterrupts<T>(
  work: (signal: AbortSignal) => Promise<T>,
  options: { onQuit?: () => readonly string[]; write?: (text: string) => void } = {},
): Promise<T> {
  const controller = new AbortController();
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  let count = 0;
  const onSignal = (name: NodeJS.Signals) => {
    count++;
    if (count > 1) {
      const left = options.onQuit?.() ?? [];
      write(`\nReceived ${name} again: quitting at once.\n${left.map((l) => `${l}\n`).join('')}`);
      process.exit(130);
    }
    write(`\nReceived ${name}: stopping at the next safe point (press Ctrl-C again to quit at once)…\n`);
    controller.abort(new Error(`Interrupted by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await work(controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
