/** Pure timing helpers: the poll interval of a run and elapsed times in words. */

/** Poll interval for the run: short at first, growing for long runs; longer when ETags do not save requests. */
export function pollInterval(elapsedMs: number, conditional: boolean): number {
  const base =
    elapsedMs < 10_000
      ? 1000
      : elapsedMs < 120_000
        ? 2000
        : elapsedMs < 600_000
          ? 5000
          : elapsedMs < 1_800_000
            ? 10_000
            : 20_000;
  return conditional ? base : Math.max(5000, Math.round(base * 2.5));
}

export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h ${m}m ${sec}s`;
  if (m > 0) return `${m}m ${sec}s`;
  return `${sec}s`;
}
