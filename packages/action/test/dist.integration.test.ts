import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const actionDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}
/** build.mjs's exports (a JavaScript module: typed here). */
interface BuildModule {
  buildDist(): Promise<{ files: Map<string, string>; metafiles: Map<string, Metafile> }>;
  bundledInputs(out: string, metafile: Metafile): string[];
  ruleViolations(out: string, metafile: Metafile): string[];
}

describe('committed dist/', () => {
  // The package's test task does not run its build (packages/action/turbo.json), so this compares what is
  // committed with a fresh build, like actions/typescript-action's check-dist workflow.
  it('is what a fresh build produces', () => {
    const r = spawnSync(process.execPath, ['build.mjs', '--check'], { cwd: actionDir, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toMatch(/^dist\/ is up to date/);
    expect(r.status).toBe(0);
    if (process.env.CI) {
      // In CI the work tree must also be the commit: nothing rebuilt dist/ before this test.
      const git = spawnSync('git', ['status', '--porcelain', '--', 'dist'], {
        cwd: actionDir,
        encoding: 'utf8',
      });
      expect(git.stdout).toBe('');
    }
  });
});

describe('the bundles, from their esbuild metafiles', async () => {
  const build = (await import(pathToFileURL(path.join(actionDir, 'build.mjs')).href)) as BuildModule;
  const { files, metafiles } = await build.buildDist();
  const inputs = (out: string) => {
    const metafile = metafiles.get(out);
    if (!metafile) throw new Error(`no metafile for ${out}`);
    return build.bundledInputs(out, metafile);
  };
  const aws = (input: string) => /node_modules\/(@aws-sdk|@smithy)\//.test(input);

  it('are the plain files of the layout, with nothing compressed or evaluated', () => {
    expect([...files.keys()].sort()).toEqual(
      [
        'index.js',
        'licenses.txt',
        'main.cjs',
        'package.json',
        'post-lock.cjs',
        'post-main.cjs',
        'post.js',
      ].sort(),
    );
    for (const out of ['index.js', 'main.cjs', 'post.js', 'post-main.cjs', 'post-lock.cjs'])
      expect(files.get(out), out).not.toMatch(/compileFunction|inflateRawSync/);
    expect(files.get('index.js')).toContain('require("./main.cjs")');
    expect(files.get('post.js')).toContain('require("./post-main.cjs")');
    expect(files.get('post-main.cjs')).toContain('require("./post-lock.cjs")');
  });

  it('post step: the GitHub client, no AWS SDK and no stand-in for it; SSM alone in the lazy lock part', () => {
    expect(inputs('post-main.cjs').some((input) => input.includes('node_modules/@octokit/'))).toBe(true);
    expect(inputs('post-main.cjs').filter(aws)).toEqual([]);
    expect(files.get('post-main.cjs')).not.toContain('The AWS SDK is not bundled');
    expect(inputs('post.js').filter((input) => input.includes('node_modules/'))).toEqual([]);
    const lock = inputs('post-lock.cjs');
    expect(lock.some((input) => input.includes('node_modules/@aws-sdk/client-ssm/'))).toBe(true);
    expect(lock.filter((input) => /node_modules\/(@octokit|@aws-sdk\/client-ec[rs])\//.test(input))).toEqual(
      [],
    );
  });

  it('main step: the fast path holds no dependency, main.cjs the SDKs', () => {
    expect(inputs('index.js').filter((input) => input.includes('node_modules/'))).toEqual([]);
    expect(inputs('main.cjs').some(aws)).toBe(true);
    expect(inputs('main.cjs').some((input) => input.includes('node_modules/@actions/core/'))).toBe(true);
  });

  it('the build fails a bundle that breaks its rules (the check is live)', () => {
    // main.cjs's contents, checked as if they were the post step's.
    const main = metafiles.get('main.cjs');
    const [file, output] = Object.entries(main?.outputs ?? {}).find(([f]) => f.endsWith('main.cjs')) ?? [];
    expect(output).toBeDefined();
    const asPost = {
      outputs: { [`${file}`.replace('main.cjs', 'post-main.cjs')]: output ?? { inputs: {} } },
    };
    expect(build.ruleViolations('post-main.cjs', asPost).length).toBeGreaterThan(0);
  });
});
