#!/usr/bin/env node
// Refreshes the GitHub REST descriptions the GitHub test server validates against, pruned to the operations
// it serves. Fetches `@octokit/openapi@<version>` with `npm pack` into a temporary directory (the package is
// not a dependency: 385 MB unpacked), keeps the listed operations and every component they reference
// (transitively, with their `x-github-breaking-changes`), and writes
// packages/testkit/src/github/description/<name>.json recording the package version.
// Usage: node packages/testkit/scripts/refresh-github-description.mjs [version]   (default: the recorded one)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const OUT = path.join(here, '..', 'src', 'github', 'description');

/** The operations the test server serves (routes/*.ts): one list, checked by a test against the routes. */
export const OPERATIONS = [
  'users/get-authenticated',
  'rate-limit/get',
  'repos/get',
  'repos/get-content',
  'repos/get-branch',
  'git/get-ref',
  'actions/get-workflow',
  'actions/create-workflow-dispatch',
  'actions/list-workflow-runs',
  'actions/get-workflow-run',
  'actions/list-jobs-for-workflow-run',
  'actions/download-job-logs-for-workflow-run',
  'actions/cancel-workflow-run',
  'actions/get-pending-deployments-for-run',
  'apps/get-repo-installation',
  'apps/create-installation-access-token',
  'apps/revoke-installation-access-token',
];

/** Components the test server uses as templates though no kept operation references them. */
const TEMPLATES = [['examples', 'full-repository']];

/** api.github.com (both REST versions, 2026-03-10 from its breaking changes) and the newest GHES shipped. */
const DESCRIPTIONS = ['api.github.com', 'ghes-3.19'];

function recordedVersion() {
  const file = path.join(OUT, 'api.github.com.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8'))['x-pruned-from']?.version;
}

/** Unpacks the package into a temp dir with `npm pack`; returns its `generated` folder and the dir. */
function fetchPackage(version) {
  const dir = mkdtempSync(path.join(tmpdir(), 'octokit-openapi-'));
  const out = execFileSync('npm', ['pack', `@octokit/openapi@${version}`, '--silent'], {
    cwd: dir,
    encoding: 'utf8',
  });
  const tarball = out.trim().split('\n').pop();
  execFileSync('tar', ['-xzf', path.join(dir, tarball), '-C', dir]);
  return { dir, generated: path.join(dir, 'package', 'generated') };
}

/** Every `$ref` under a node, as [section, name] of `#/components/<section>/<name>`. */
function refsIn(node, out = []) {
  if (Array.isArray(node)) for (const v of node) refsIn(v, out);
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const m = /^#\/components\/([^/]+)\/(.+)$/.exec(v);
        if (m) out.push([m[1], m[2].replaceAll('~1', '/').replaceAll('~0', '~')]);
      } else refsIn(v, out);
    }
  }
  return out;
}

/** The description with only OPERATIONS and the components they reach. */
function prune(full, source) {
  const paths = {};
  for (const [p, item] of Object.entries(full.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!OPERATIONS.includes(op?.operationId)) continue;
      paths[p] ??= {};
      paths[p][method] = op;
    }
  }
  const found = new Set(
    Object.values(paths).flatMap((item) => Object.values(item).map((o) => o.operationId)),
  );
  const missing = OPERATIONS.filter((id) => !found.has(id));
  if (missing.length > 0) throw new Error(`${source.file} lacks ${missing.join(', ')}`);
  const components = {};
  const queue = [...refsIn(paths), ...TEMPLATES];
  while (queue.length > 0) {
    const [section, name] = queue.pop();
    if (components[section]?.[name] !== undefined) continue;
    const value = full.components[section]?.[name];
    if (value === undefined) throw new Error(`${source.file}: dangling $ref ${section}/${name}`);
    components[section] ??= {};
    components[section][name] = value;
    queue.push(...refsIn(value));
  }
  const { openapi, info, servers, externalDocs } = full;
  return { openapi, info, servers, externalDocs, 'x-pruned-from': source, paths, components };
}

function main() {
  const version = process.argv[2] ?? recordedVersion();
  if (!version) throw new Error('Give the @octokit/openapi version to fetch, e.g. 23.0.2');
  const { dir, generated } = fetchPackage(version);
  try {
    mkdirSync(OUT, { recursive: true });
    for (const name of DESCRIPTIONS) {
      const file = `generated/${name}.json`;
      const full = JSON.parse(readFileSync(path.join(generated, `${name}.json`), 'utf8'));
      const pruned = prune(full, { package: '@octokit/openapi', version, file, operations: OPERATIONS });
      const text = `${JSON.stringify(pruned, null, 1)}\n`;
      writeFileSync(path.join(OUT, `${name}.json`), text);
      console.log(`${name}.json: ${Object.keys(pruned.paths).length} paths, ${text.length} bytes`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
