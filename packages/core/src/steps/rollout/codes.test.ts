import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '../../errors/catalog.js';

const FILES = [
  'read.ts',
  'resolve.ts',
  'render.ts',
  'deploy.ts',
  'wait.ts',
  'record.ts',
  '../../aws/ecs.ts',
  '../../aws/errors.ts',
];

describe('error catalog', () => {
  it('lists every code the rollout steps and the ECS client throw (the rule table of aws/errors.ts has its own check)', () => {
    const listed = new Set(errorCatalog.map((e) => e.code));
    const codes = new Set<string>(['ROLLOUT_FAILED']);
    for (const file of FILES) {
      const text = readFileSync(new URL(`./${file}`, import.meta.url), 'utf8');
      for (const m of text.matchAll(
        /new (?:PreconditionError|RemoteError|HostingError)\(\s*(?:'[a-z]+',\s*)?'([A-Z_]+)'|\bcode: '([A-Z_]+)'/g,
      )) {
        const code = m[1] ?? m[2];
        if (code) codes.add(code);
      }
    }
    expect(codes).toContain('IMAGE_NOT_FOUND');
    expect([...codes].filter((c) => !listed.has(c))).toEqual([]);
  });
});
