#!/usr/bin/env node
// Writes each Mermaid diagram of the site, as the browser draws it, to static/img/diagrams/<name>.svg: the image
// the pages show without JavaScript (src/theme/Mermaid). Run after a build, then build again:
//   pnpm --filter @shared-hosting/site diagrams
// The site tests compare every image with its Mermaid source, so a stale one fails them.
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { serveBuild } from './serve.mjs';

const siteDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const buildDir = path.join(siteDir, 'build');
const outDir = path.join(siteDir, 'static/img/diagrams');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (!existsSync(path.join(buildDir, 'sitemap.xml'))) {
  throw new Error(`No site build in ${buildDir}: run "pnpm --filter @shared-hosting/site build" first.`);
}
const sitemap = await readFile(path.join(buildDir, 'sitemap.xml'), 'utf8');
const paths = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1] ?? '/').pathname);
const server = await serveBuild(buildDir);
const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--headless', '--no-sandbox'] });
const written = new Set();
try {
  const page = await browser.newPage({ colorScheme: 'light', viewport: { width: 1280, height: 900 } });
  for (const pathname of paths) {
    await page.goto(`${server.url}${pathname}`, { waitUntil: 'load' });
    const names = await page
      .locator('[data-diagram]')
      .evaluateAll((els) => els.map((el) => el.dataset.diagram));
    for (const [index, name] of names.entries()) {
      const svg = page.locator('[data-diagram]').nth(index).locator('svg').first();
      await svg.waitFor({ state: 'visible', timeout: 20_000 });
      // A standalone image: its own size from the viewBox, XML syntax.
      const xml = await svg.evaluate((el) => {
        const copy = el.cloneNode(true);
        const [, , width, height] = (copy.getAttribute('viewBox') ?? '').split(/\s+/);
        if (width && height) {
          copy.setAttribute('width', width);
          copy.setAttribute('height', height);
        }
        copy.removeAttribute('style');
        return new XMLSerializer().serializeToString(copy);
      });
      await mkdir(outDir, { recursive: true });
      await writeFile(path.join(outDir, `${name}.svg`), `${xml}\n`);
      written.add(`${name}.svg`);
      console.log(`[diagrams] ${pathname}: ${name}.svg`);
    }
  }
} finally {
  await browser.close();
  await server.close();
}
for (const file of await readdir(outDir).catch(() => [])) {
  if (file.endsWith('.svg') && !written.has(file)) await rm(path.join(outDir, file));
}
