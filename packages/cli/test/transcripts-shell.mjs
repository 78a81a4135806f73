// What the transcript stories (transcripts.mjs, transcripts-rollout.mjs) share: the built `hosting` on a
// PATH of their own, a shell that runs a page's command line as written, and the transcript's shape.
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const CLI = path.resolve(import.meta.dirname, '../dist/hosting.cjs');

/** A `bin` folder under `work` whose `hosting` runs the built CLI: prepend it to PATH. */
export function hostingBin(work) {
  const bin = path.join(work, 'bin');
  mkdirSync(bin);
  writeFileSync(path.join(bin, 'hosting'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
  chmodSync(path.join(bin, 'hosting'), 0o755);
  return bin;
}

/**
 * Runs `line` (one simple command) with sh in `cwd`, stdout and stderr in one stream as a terminal shows
 * them. `onOutput(out, child)` sees the output so far at each chunk; the child is the command itself (sh
 * execs it), so that a signal sent to it reaches `hosting` as a Ctrl-C in a terminal would.
 */
export function sh(env, line, cwd, onOutput) {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `exec 2>&1; exec ${line}`], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      onOutput?.(out, child);
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code: code ?? -1, out }));
  });
}

/** The lines of `text` from the first matching `from` to the next matching `to`, both included. */
export function excerpt(text, [from, to]) {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => from.test(l));
  const end = lines.findIndex((l, i) => i >= start && to.test(l));
  if (start < 0 || end < 0) throw new Error(`story: no ${from} ... ${to} in:\n${text}`);
  return lines.slice(start, end + 1).join('\n');
}

/** A block's text: `$ <command>`, its output, `$ echo $?` and the exit code; or the step's excerpt. */
export function shown(step, line, out, code) {
  return step.excerpt ? excerpt(out, step.excerpt) : `$ ${line}\n${out}\n$ echo $?\n${code}`;
}
