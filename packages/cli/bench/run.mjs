// `pnpm bench` for the CLI: start-up time of `hosting --version`, `hosting --help` and `hosting deploy --help`
// against `node -e 0` (both with a clean environment, alternated in one run; wall time and CPU time), and the
// engine's overhead around a real build + push. Writes docs/benchmarks/_cli.md and exits non-zero when a
// start-up target is missed: 1.5× bare Node (issue 23) for --version, and for --help and deploy --help (commander
// and the program, compiled from V8's code cache: src/code-cache.ts).
import { existsSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import path from 'node:path';
import { compare, cpuOnce, timeOnce } from './startup.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const bin = path.resolve(here, '../dist/hosting.cjs');
if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm --filter @shared-hosting/cli build first`);

const measure = (args) => ({
  wall: compare(
    () => timeOnce(process.execPath, ['-e', '0'], { expectStatus: 0 }),
    () => timeOnce(process.execPath, [bin, ...args], { expectStatus: 0 }),
  ),
  cpu: compare(
    () => cpuOnce(['-e', '0']),
    () => cpuOnce([bin, ...args]),
  ),
});
const rows = [
  ['`hosting --version`', measure(['--version']), 1.5],
  ['`hosting --help`', measure(['--help']), 1.5],
  ['`hosting deploy --help`', measure(['deploy', '--help']), 1.5],
];
let overhead;
try {
  const { measureDeployOverhead } = await import('./overhead.mjs');
  overhead = await measureDeployOverhead(bin);
} catch (error) {
  console.error(`deploy overhead not measured: ${error.message}`);
  process.exitCode = 1;
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;
const lines = [
  '| measurement | baseline `node -e 0` (wall, CPU) | median (wall, CPU) | ratio (wall, CPU) | target |',
  '|---|---|---|---|---|',
  ...rows.map(
    ([name, r, target]) =>
      `| ${name} start-up | ${fmt(r.wall.baseline)}, ${fmt(r.cpu.baseline)} | ${fmt(r.wall.subject)}, ${fmt(r.cpu.subject)} | **${r.wall.ratio.toFixed(2)}×**, **${r.cpu.ratio.toFixed(2)}×** | ≤ ${target.toFixed(2)}× |`,
  ),
];
if (overhead) {
  lines.push(
    `| \`hosting deploy\` (build + push + SSM, no wait) | bare \`buildah bud\` + \`buildah push\` ${fmt(overhead.baseline)} | ${fmt(overhead.subject)} | **${overhead.ratio.toFixed(2)}×** | engine overhead ${fmt(overhead.subject - overhead.baseline)} |`,
  );
}
const md = [
  `Measured by \`pnpm bench\` (packages/cli/bench) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch}, load average ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores; medians of 31 alternated runs, clean environment (\`env -i PATH=… HOME=/tmp\`). Wall time and CPU time (user + sys, from bash's \`times\`): on a loaded machine the wall time mostly measures the other work, the CPU time what the start-up costs.`,
  '',
  ...lines,
  '',
].join('\n');
const out = path.resolve(here, '../../../docs/benchmarks/_cli.md');
writeFileSync(out, md);
console.log(md);
for (const [name, r, target] of rows) {
  // The CPU time decides: it does not depend on what else the machine runs.
  if (r.cpu.ratio > target) {
    console.error(`${name} takes ${r.cpu.ratio.toFixed(2)}× node -e 0 in CPU time (target ≤ ${target}×)`);
    process.exitCode = 1;
  }
}
