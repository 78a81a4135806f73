#!/usr/bin/env node
// `pnpm bench` for the Action: start-up of the committed bundle to its first input error (no inputs at
// all: "Input required and not supplied: application"), against `node -e 0`. Both run with a clean
// environment, as `env -i PATH="$PATH" HOME=/tmp` gives, alternated, after a warm-up; medians of many runs.
// Also shows the post step with nothing to cancel. Writes docs/benchmarks/_action.md and exits non-zero
// when the start-up ratio is above 2.0×.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const actionDir = path.resolve(here, '..');
const main = path.join(actionDir, 'dist/index.js');
const post = path.join(actionDir, 'dist/post.js');
const TARGET = 2.0;
const RUNS = Number(process.env.BENCH_RUNS ?? 41);
const cleanEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp' };

for (const file of [main, post]) {
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`pnpm --filter @shared-hosting/action build\``);
}

/** Wall time of one run in ms; checks that it behaved as expected. */
function timeOnce(args, check) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    env: cleanEnv,
    cwd: '/tmp',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  check?.(r);
  return ms;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

function compare(subjects) {
  const baseline = () => timeOnce(['-e', '0']);
  for (let i = 0; i < 3; i++) {
    baseline();
    for (const s of subjects) s.run();
  }
  const base = [];
  const times = subjects.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    base.push(baseline());
    for (const [j, s] of subjects.entries()) times[j].push(s.run());
  }
  const b = median(base);
  return {
    baseline: b,
    results: subjects.map((s, j) => ({
      name: s.name,
      median: median(times[j]),
      ratio: median(times[j]) / b,
    })),
  };
}

const expectInputError = (r) => {
  const out = r.stdout.toString();
  if (
    r.status !== 1 ||
    !out.includes('::error title=Invalid input%3A application::Input required and not supplied: application')
  ) {
    throw new Error(
      `dist/index.js did not fail on the missing input as expected (exit ${r.status}):\n${out}${r.stderr}`,
    );
  }
};
const expectQuietPost = (r) => {
  if (r.status !== 0 || r.stdout.length > 0)
    throw new Error(`dist/post.js with no state: exit ${r.status}\n${r.stdout}${r.stderr}`);
};

const { baseline, results } = compare([
  { name: '`dist/index.js` to the first input error', run: () => timeOnce([main], expectInputError) },
  { name: '`dist/post.js` with nothing to cancel', run: () => timeOnce([post], expectQuietPost) },
]);

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const [startup] = results;
/** A Markdown table with padded columns (as the docs' formatter leaves it). */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const line = (r) => `| ${r.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

const md = [
  `Measured by \`pnpm bench\` (packages/action/bench) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch}: medians of ${RUNS} alternated runs after a warm-up, each with a clean environment (\`env -i PATH="$PATH" HOME=/tmp\`).`,
  '',
  ...table([
    ['measurement', '`node -e 0`', 'median', 'ratio', 'target'],
    ...results.map((r, i) => [
      r.name,
      fmt(baseline),
      fmt(r.median),
      `**${r.ratio.toFixed(2)}×**`,
      i === 0 ? `≤ ${TARGET.toFixed(1)}×` : '—',
    ]),
  ]),
  '',
].join('\n');
const out = path.resolve(actionDir, '../../docs/benchmarks/_action.md');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, md);
console.log(md);
console.log(`start-up ratio ${startup.ratio.toFixed(2)}× (target ≤ ${TARGET.toFixed(1)}×)`);
if (startup.ratio > TARGET) {
  console.error(
    `dist/index.js takes ${startup.ratio.toFixed(2)}× node -e 0 to its first input error (target ≤ ${TARGET.toFixed(1)}×)`,
  );
  process.exitCode = 1;
}
