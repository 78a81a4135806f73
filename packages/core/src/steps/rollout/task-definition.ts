import type { TaskDefinitionDocument } from '../../ports/ports.js';

/** Fields DescribeTaskDefinition returns that RegisterTaskDefinition does not accept. */
export const READ_ONLY_FIELDS = [
  'taskDefinitionArn',
  'revision',
  'status',
  'requiresAttributes',
  'compatibilities',
  'registeredAt',
  'registeredBy',
  'deregisteredAt',
] as const;

/** The described task definition as RegisterTaskDefinition input: every setting, no read-only field. */
export function registrable(document: TaskDefinitionDocument): TaskDefinitionDocument {
  const copy: Record<string, unknown> = structuredClone(document);
  for (const field of READ_ONLY_FIELDS) delete copy[field];
  return copy as TaskDefinitionDocument;
}

/** A copy with only `container`'s image replaced. */
export function withImage(
  document: TaskDefinitionDocument,
  container: string,
  image: string,
): TaskDefinitionDocument {
  const copy = structuredClone(document);
  copy.containerDefinitions = copy.containerDefinitions.map((c) =>
    c.name === container ? { ...c, image } : c,
  );
  return copy;
}

/**
 * What changes between two task definitions, one line per changed setting, e.g.
 * `~ containerDefinitions[web].image: "a:1" → "a@sha256:..."`. Containers are matched by name.
 */
export function diffDocuments(before: unknown, after: unknown, path = ''): string[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (Array.isArray(before) && Array.isArray(after)) {
    const named = (list: unknown[]) =>
      list.every(
        (x) => typeof x === 'object' && x !== null && typeof (x as { name?: unknown }).name === 'string',
      );
    if (named(before) && named(after)) {
      const key = (x: unknown) => (x as { name: string }).name;
      const names = [...new Set([...before.map(key), ...after.map(key)])];
      return names.flatMap((n) =>
        diffDocuments(
          before.find((x) => key(x) === n),
          after.find((x) => key(x) === n),
          `${path}[${n}]`,
        ),
      );
    }
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffDocuments(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (before === undefined) return [`+ ${path}: ${JSON.stringify(after)}`];
  if (after === undefined) return [`- ${path}: ${JSON.stringify(before)}`];
  return [`~ ${path}: ${JSON.stringify(before)} → ${JSON.stringify(after)}`];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `family:revision` from a task definition ARN (or the text itself). */
export function shortTaskDefinition(arn: string): string {
  return arn.includes('/') ? arn.slice(arn.lastIndexOf('/') + 1) : arn;
}
