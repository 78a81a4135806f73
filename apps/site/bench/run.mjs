// `pnpm bench` for the docs site: the cold production build time, and the JavaScript the guide page loads,
// measured in Chromium. Writes both into docs/benchmarks/_site.md (shown on the Performance page).
// One cold build only: the machine's two cores are shared.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { serveBuild } from '../scripts/serve.mjs';

const siteDir = path.resolve(import.meta.dirname, '..');
const repoRoot = path.resolve(siteDir, '../..');
const outFile = path.join(repoRoot, 'docs/benchmarks/_site.md');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const guide = '/deployment-workflow';

/** Runs the build under /usr/bin/time (when present) for its peak memory; resolves with wall time and peak RSS. */
function build() {
  const docusaurus = path.join(siteDir, 'node_modules/.bin/docusaurus');
  const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const [cmd, args] = timeBin
    ? [timeBin, ['-f', 'MAXRSS_KB=%M CPU_S=%U+%S', docusaurus, 'build']]
    : [docusaurus, ['build']];
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      cwd: siteDir,
      env: { ...process.env, CI: 'true', NO_UPDATE_NOTIFIER: '1' },
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`docusaurus build exited ${code}`));
      const rss = /MAXRSS_KB=(\d+)/.exec(stderr)?.[1];
      const cpu = /CPU_S=([\d.]+)\+([\d.]+)/.exec(stderr);
      resolve({
        seconds,
        peakMiB: rss ? Number(rss) / 1024 : undefined,
        cpuSeconds: cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined,
      });
    });
  });
}

/** Loads the guide in Chromium and sums every script it fetches, split into the first load and later chunks. */
async function guideJavaScript() {
  if (!existsSync(chromiumPath))
    throw new Error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium`);
  const server = await serveBuild(path.join(siteDir, 'build'));
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    // Scripts the page's HTML names (runtime, app and this route's chunks) vs. the ones fetched on demand.
    const html = await (await fetch(`${server.url}${guide}`)).text();
    const inHtml = new Set(
      [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*\shref)=["']?([^"'\s>]+\.js)/g)].map(
        (m) => new URL(m[1] ?? '', server.url).pathname,
      ),
    );
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pending = [];
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'script') return;
      pending.push(
        response
          .body()
          .catch(() => Buffer.alloc(0))
          .then((body) => ({
            initial: inHtml.has(new URL(response.url()).pathname),
            bytes: body.length,
            gzip: gzipSync(body, { level: 9 }).length,
          })),
      );
    });
    await page.goto(`${server.url}${guide}`, { waitUntil: 'load' });
    // The diagrams' renderer (mermaid) is loaded on demand: wait until it has drawn them.
    const drawn = page.locator('.docusaurus-mermaid-container svg');
    await drawn.last().waitFor({ state: 'visible', timeout: 60_000 });
    await page.waitForLoadState('networkidle');
    const scripts = await Promise.all(pending);
    const sum = (list, key) => list.reduce((total, s) => total + s[key], 0);
    const total = (list) => ({ count: list.length, bytes: sum(list, 'bytes'), gzip: sum(list, 'gzip') });
    return {
      first: total(scripts.filter((s) => s.initial)),
      later: total(scripts.filter((s) => !s.initial)),
      all: total(scripts),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const kb = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`;

// Cold: no Docusaurus, Rspack or search caches, no previous build.
for (const dir of ['.docusaurus', 'build', 'node_modules/.cache']) {
  await rm(path.join(siteDir, dir), { recursive: true, force: true });
}
const load = os.loadavg()[0];
const cold = await build();
const js = await guideJavaScript();

const date = new Date().toISOString().slice(0, 10);
const cpus = os.cpus();
const machine = `${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
const goal = 30;
const markdown = `Measured by \`pnpm bench\` (apps/site/bench/run.mjs) on ${date}, ${machine}; Docusaurus 3.10 with Rspack (\`future.v4\`). Load average when the build started: ${load.toFixed(1)} (the machine's cores are shared, so wall time varies with the load).

| measurement | value | goal |
| --- | --- | --- |
| cold production build (no caches, no previous build), wall time | **${cold.seconds.toFixed(1)} s** | ≤ ${goal} s |
| the same build's CPU time (user + system) and peak memory | ${cold.cpuSeconds?.toFixed(1) ?? '?'} s CPU${cold.peakMiB ? `, ${cold.peakMiB.toFixed(0)} MiB` : ''} | |
| guide page (\`${guide}\`) JavaScript named in its HTML (runtime, app, the page) | **${kb(js.first.gzip)} gzip** (${kb(js.first.bytes)} raw, ${js.first.count} files) | |
| guide page JavaScript loaded on demand (mostly the diagrams' renderer) | ${kb(js.later.gzip)} gzip (${kb(js.later.bytes)} raw, ${js.later.count} files) | |
| guide page JavaScript in all | ${kb(js.all.gzip)} gzip (${kb(js.all.bytes)} raw, ${js.all.count} files) | |
`;
await writeFile(outFile, markdown);
console.log(markdown);
console.log(`Wrote ${path.relative(repoRoot, outFile)}`);
if (cold.seconds > goal) console.log(`Note: the cold build took longer than the ${goal} s goal on this run.`);
