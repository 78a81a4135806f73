// Shared helper: median wall time (and CPU time) of a command, run with a clean environment, alternating with a
// baseline.
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

/**
 * CPU time (user + sys, ms) of one run of `node <args>`, as bash's `times` reports its children: on a machine
 * loaded by other work the wall time mostly measures the others, the CPU time what the start-up itself costs.
 */
export function cpuOnce(args) {
  const r = spawnSync('bash', ['-c', '"$0" "$@" >/dev/null 2>&1; times', process.execPath, ...args], {
    env: cleanEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const children = r.stdout.toString().trim().split('\n')[1] ?? '';
  const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
  if (r.status !== 0 || seconds.length !== 2) throw new Error(`bash times: ${r.stdout}${r.stderr}`);
  return (seconds[0] + seconds[1]) * 1000;
}
