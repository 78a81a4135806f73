#!/usr/bin/env node
// Fails when a function in the sources of core, the CLI, the Action or the testkit is longer than MAX lines
// (house style: aim for 60, none over 80). Every kind counts: declarations, methods, constructors,
// accessors, function expressions and arrow functions; a function's lines run from its first to its
// last line. Prints the longest ones either way. Usage: node scripts/check-function-length.mjs [--max N]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The testkit's test servers and helpers are held to the same rule (issue 18, item 8).
const PACKAGES = ['packages/core/src', 'packages/cli/src', 'packages/action/src', 'packages/testkit/src'];
const maxArg = process.argv.indexOf('--max');
const MAX = maxArg > 0 ? Number(process.argv[maxArg + 1]) : 80;
const AIM = 60;

function* sources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.ts$/.test(entry.name) && !/\.(test|d)\.ts$/.test(entry.name)) yield full;
  }
}

function nameOf(node, file) {
  if (node.name && ts.isIdentifier(node.name)) return node.name.text;
  if (node.name) return node.name.getText(file);
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText(file);
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText(file);
  return '(anonymous)';
}

const functions = [];
for (const pkg of PACKAGES) {
  for (const file of sources(path.join(root, pkg))) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
        const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
        functions.push({
          where: `${path.relative(root, file)}:${start + 1}`,
          name: nameOf(node, source),
          lines: end - start + 1,
        });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}

functions.sort((a, b) => b.lines - a.lines);
const tooLong = functions.filter((f) => f.lines > MAX);
const overAim = functions.filter((f) => f.lines > AIM).length;
console.log(`function length: ${functions.length} functions; ${overAim} over ${AIM} lines; longest:`);
for (const f of functions.slice(0, 8)) console.log(`  ${String(f.lines).padStart(4)}  ${f.name}  ${f.where}`);
if (tooLong.length > 0) {
  console.error(
    `\n${tooLong.length} function(s) longer than ${MAX} lines: split them (house style: aim for ${AIM}).`,
  );
  for (const f of tooLong) console.error(`  ${f.lines} lines: ${f.name} at ${f.where}`);
  process.exit(1);
}
