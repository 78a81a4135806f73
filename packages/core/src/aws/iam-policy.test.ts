// The infra role's IAM policy (docs/platform/iam-policy.md) against the ECS calls the code makes: every
// operation the ECS port calls is allowed, and the policy allows no ECS action the code never calls.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../../..');
const page = readFileSync(path.join(root, 'docs/platform/iam-policy.md'), 'utf8');
const source = readFileSync(path.join(import.meta.dirname, 'ecs.ts'), 'utf8');

/** The actions of the page's first JSON block (the policy). */
function policyActions(): string[] {
  const json = /```json[^\n]*\n([\s\S]*?)```/.exec(page)?.[1];
  if (!json) throw new Error('docs/platform/iam-policy.md has no JSON policy block');
  const policy = JSON.parse(json) as { Statement: { Action: string | string[] }[] };
  return policy.Statement.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

describe('the infra role IAM policy page', () => {
  it('allows every ECS operation the code calls, and no ECS action it never calls', () => {
    const called = [...source.matchAll(/call\('([A-Za-z]+)'/g)].map((m) => `ecs:${m[1]}`);
    expect(called).toEqual(expect.arrayContaining(['ecs:RunTask', 'ecs:DescribeTasks', 'ecs:StopTask']));
    const allowed = policyActions();
    for (const action of called) expect(allowed, action).toContain(action);
    // TagResource: RegisterTaskDefinition with tags needs it; the SDK call is RegisterTaskDefinition.
    const extra = allowed.filter((a) => a.startsWith('ecs:') && !called.includes(a));
    expect(extra).toEqual(['ecs:TagResource']);
    expect(allowed).toContain('iam:PassRole');
    for (const action of called) expect(page, `${action} in the table`).toContain(`\`${action}\``);
  });
});
