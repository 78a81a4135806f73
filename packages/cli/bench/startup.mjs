// Shared helper: median wall time of a command, run with a clean environment, alternating with a baseline.
import { spawnSync } from 'node:child_process';

export const cleanEnv = { PATH: process.env.PATH, HOME: '/tmp' };

export function timeOnce(cmd, args, options = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(cmd, args, {
    env: options.env ?? cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: options.cwd,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (options.expectStatus !== undefined && r.status !== options.expectStatus) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  }
  return ms;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Alternate baseline and subject `runs` times (after warm-up) and return medians and the ratio. */
export function compare(baseline, subject, runs = 31) {
  for (let i = 0; i < 3; i++) {
    baseline();
    subject();
  }
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(baseline());
    b.push(subject());
  }
  const base = median(a);
  const subj = median(b);
  return { baseline: base, subject: subj, ratio: subj / base };
}
