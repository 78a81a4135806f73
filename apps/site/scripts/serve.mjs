// Serves a Docusaurus build (trailingSlash: false, so /usage is usage.html) on 127.0.0.1, on a free port.
// Used by the browser tests and the bench.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.yaml': 'text/yaml; charset=utf-8',
  '.woff2': 'font/woff2',
};

async function isFile(file) {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

/**
 * @param {string} root the build folder
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function serveBuild(root) {
  const server = createServer(async (req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
    const base = path.join(root, path.normalize(decodeURIComponent(pathname)));
    for (const file of [base, `${base}.html`, path.join(base, 'index.html')]) {
      if (file.startsWith(root) && (await isFile(file))) {
        // As a static host serves Docusaurus: the hashed assets for good, the pages checked each time.
        const cache = pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache';
        res.writeHead(200, {
          'content-type': types[path.extname(file)] ?? 'application/octet-stream',
          'cache-control': cache,
        });
        createReadStream(file).pipe(res);
        return;
      }
    }
    res.writeHead(404, { 'content-type': types['.html'] });
    createReadStream(path.join(root, '404.html')).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve(undefined)));
      }),
  };
}
