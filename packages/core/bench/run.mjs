// `pnpm bench` for the core: runs every bench/*.bench.mjs in turn (each in its own process), and exits
// non-zero when any of them does (a missed target). Each bench writes its own docs/benchmarks partial.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.mjs'))
  .sort();
let failed = 0;
for (const bench of benches) {
  console.log(`\n# ${bench}`);
  const r = spawnSync(process.execPath, [path.join(here, bench)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.error(`${bench} failed (exit ${r.status ?? r.signal})`);
  }
}
console.log(`\n${benches.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
