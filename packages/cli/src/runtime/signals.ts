/**
 * Run work with an AbortSignal wired to SIGINT and SIGTERM. The first signal aborts (the engine then
 * cancels the remote run unless told not to); a second one exits at once with 130.
 */
export async function withInterrupts<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (name: NodeJS.Signals) => {
    count++;
    if (count > 1) process.exit(130);
    process.stderr.write(`\nReceived ${name}: stopping (press Ctrl-C again to quit at once)…\n`);
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
