// Sums every vitest JSON report written by `pnpm test` (packages/*/test-results, apps/*/test-results)
// and prints the closing line CI reads: "N passed, N failed". Exits 1 when a test failed, a package's
// report is missing, or no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(path.join(root, group))) {
    const dir = path.join(root, group, name);
    const pkg = path.join(dir, 'package.json');
    if (!existsSync(pkg) || !JSON.parse(readFileSync(pkg, 'utf8')).scripts?.test) continue;
    const report = path.join(dir, 'test-results', 'vitest.json');
    if (!existsSync(report)) {
      missing.push(`${group}/${name}`);
      continue;
    }
    const r = JSON.parse(readFileSync(report, 'utf8'));
    const failedSuites = (r.testResults ?? []).filter(
      (t) => t.status === 'failed' && (t.assertionResults ?? []).length === 0,
    ).length;
    passed += r.numPassedTests;
    failed += r.numFailedTests + failedSuites;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
    console.log(
      `${group}/${name}: ${r.numPassedTests} passed, ${r.numFailedTests + failedSuites} failed${r.numPendingTests ? `, ${r.numPendingTests} skipped` : ''}`,
    );
  }
}
for (const m of missing) console.log(`${m}: no test report (its tests did not run)`);
failed += missing.length;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
