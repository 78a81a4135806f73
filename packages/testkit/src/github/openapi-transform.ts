/**
 * Turning GitHub's description into the one of a REST API version, and into what Ajv accepts.
 *
 * GitHub publishes one description with the later versions' changes attached where they apply:
 * `x-github-breaking-changes: [{version, changeset, patch}]` on an operation, schema or example. A `patch`
 * that is an array is a JSON Patch (RFC 6902) relative to that node; an object is a JSON Merge Patch
 * (RFC 7386: `null` removes, objects merge, anything else replaces).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface BreakingChange {
  version: string;
  changeset: string;
  patch: Json;
}

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The description as served under `version`: every breaking change of that version or earlier applied. */
export function applyBreakingChanges(node: unknown, version: string): unknown {
  if (Array.isArray(node)) return node.map((v) => applyBreakingChanges(v, version));
  if (!isObject(node)) return node;
  const changes = (node['x-github-breaking-changes'] ?? []) as unknown as BreakingChange[];
  let out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key !== 'x-github-breaking-changes') out[key] = applyBreakingChanges(value, version) as Json;
  }
  for (const change of changes) {
    if (change.version > version) continue;
    out = Array.isArray(change.patch)
      ? jsonPatch(out, change.patch)
      : (mergePatch(out, change.patch) as JsonObject);
  }
  return out;
}

/** RFC 7386. */
function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else out[key] = mergePatch(out[key] ?? null, value);
  }
  return out;
}

/** RFC 6902: the operations GitHub's changes use (add, remove, replace). */
function jsonPatch(doc: JsonObject, ops: Json[]): JsonObject {
  const out = structuredClone(doc);
  for (const op of ops) {
    if (!isObject(op) || typeof op.path !== 'string') throw new Error(`bad JSON Patch ${JSON.stringify(op)}`);
    const keys = op.path
      .split('/')
      .slice(1)
      .map((k) => k.replaceAll('~1', '/').replaceAll('~0', '~'));
    const last = keys.pop() ?? '';
    let parent: Json = out;
    for (const k of keys)
      parent = (Array.isArray(parent) ? parent[Number(k)] : (parent as JsonObject)[k]) as Json;
    if (Array.isArray(parent)) {
      const i = last === '-' ? parent.length : Number(last);
      if (op.op === 'remove') parent.splice(i, 1);
      else if (op.op === 'add') parent.splice(i, 0, op.value ?? null);
      else parent[i] = op.value ?? null;
    } else if (isObject(parent)) {
      if (op.op === 'remove') delete parent[last];
      else parent[last] = op.value ?? null;
    } else throw new Error(`JSON Patch path ${op.path} does not exist`);
  }
  return out;
}

/** OpenAPI 3.0 `nullable` without `type` (used beside allOf/anyOf) is rejected by Ajv: express it as anyOf null. */
export function fixNullable(node: unknown): unknown {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) node[i] = fixNullable(node[i]);
    return node;
  }
  if (node === null || typeof node !== 'object') return node;
  const obj = node as Record<string, unknown>;
  for (const key of Object.keys(obj)) obj[key] = fixNullable(obj[key]);
  // `nullable` with an `enum` that lacks null (e.g. a job's `conclusion`): Ajv then rejects null, although the
  // description means "null or one of these" (GitHub sends null for jobs in progress).
  if (obj.nullable === true && Array.isArray(obj.enum) && !obj.enum.includes(null))
    obj.enum = [...obj.enum, null];
  if (obj.nullable === true && obj.type === undefined && !('$ref' in obj)) {
    const { nullable: _n, description, ...rest } = obj;
    return { ...(description === undefined ? {} : { description }), anyOf: [rest, { type: 'null' }] };
  }
  return obj;
}
