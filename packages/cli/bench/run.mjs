// `pnpm bench` for the CLI: start-up time of `hosting --help` against `node -e 0` (both with a clean
// environment, alternated in one run), and the engine's overhead around a real build + push.
// Writes docs/benchmarks/_cli.md and exits non-zero when the start-up target (≤ 1.7×) is missed.
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { compare, timeOnce } from './startup.mjs';

const here = path.dirname(new URL(import.meta.url).pathname);
const bin = path.resolve(here, '../dist/hosting.cjs');
if (!existsSync(bin)) throw new Error(`${bin} is missing: run pnpm --filter @shared-hosting/cli build first`);

const startup = compare(
  () => timeOnce(process.execPath, ['-e', '0'], { expectStatus: 0 }),
  () => timeOnce(process.execPath, [bin, '--help'], { expectStatus: 0 }),
);
const deployHelp = compare(
  () => timeOnce(process.execPath, ['-e', '0'], { expectStatus: 0 }),
  () => timeOnce(process.execPath, [bin, 'deploy', '--help'], { expectStatus: 0 }),
);

const rows = [
  ['`hosting --help`', startup],
  ['`hosting deploy --help`', deployHelp],
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
  '| measurement | baseline | median | ratio | target |',
  '|---|---|---|---|---|',
  ...rows.map(
    ([name, r]) =>
      `| ${name} start-up | \`node -e 0\` ${fmt(r.baseline)} | ${fmt(r.subject)} | **${r.ratio.toFixed(2)}×** | ≤ 1.70× |`,
  ),
];
if (overhead) {
  lines.push(
    `| \`hosting deploy\` (build + push + SSM, no wait) | bare \`buildah bud\` + \`buildah push\` ${fmt(overhead.baseline)} | ${fmt(overhead.subject)} | **${overhead.ratio.toFixed(2)}×** | engine overhead ${fmt(overhead.subject - overhead.baseline)} |`,
  );
}
const md = [
  `Measured by \`pnpm bench\` (packages/cli/bench) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${process.platform}/${process.arch}; medians of alternated runs, clean environment (\`env -i PATH=… HOME=/tmp\`).`,
  '',
  ...lines,
  '',
].join('\n');
const out = path.resolve(here, '../../../docs/benchmarks/_cli.md');
writeFileSync(out, md);
console.log(md);
if (startup.ratio > 1.7) {
  console.error(`hosting --help takes ${startup.ratio.toFixed(2)}× node -e 0 (target ≤ 1.70×)`);
  process.exitCode = 1;
}
