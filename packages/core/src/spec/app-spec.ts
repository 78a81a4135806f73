/**
 * The App spec: `apps/<application>.yaml` in the infra repository, saying where an application runs in
 * each environment. Parsed with `yaml` (which keeps positions) and validated against
 * `app-spec.schema.json` by ajv; every problem is an InputError naming the file, the line and the fix.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { InputError, InputErrors } from '../errors/errors.js';
import { appSpecSchema as schema } from './schema.js';

interface AppSpecEnvironment {
  cluster: string;
  service?: string | undefined;
  container?: string | undefined;
}

export interface AppSpec {
  /** The file as the user named it, for messages. */
  file: string;
  repository?: string | undefined;
  /** May contain `{application}` and `{environment}`. */
  parameter?: string | undefined;
  environments: Readonly<Record<string, AppSpecEnvironment>>;
  /** 1-based line of each environment's key, and of `environments:` itself (key ""). */
  lines: Readonly<Record<string, number>>;
}

type Schema = { properties?: Record<string, Schema>; 'x-fix'?: string; [k: string]: unknown };

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(data: unknown) {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
    ajv.addVocabulary(['x-default', 'x-fix']);
    validator = ajv.compile(schema);
  }
  const ok = validator(data);
  return ok ? [] : (validator.errors ?? []);
}

/** Parse and validate an App spec's text. Throws InputErrors listing every problem, each with its line. */
export function parseAppSpec(text: string, file: string): AppSpec {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const lineOf = (offset: number | undefined) =>
    offset === undefined ? 1 : lineCounter.linePos(offset).line;
  if (doc.errors.length > 0) {
    throw new InputErrors(
      doc.errors.map(
        (e) =>
          new InputError(
            file,
            `${file}:${lineOf(e.pos[0])}: not valid YAML: ${e.message.split('\n')[0]}`,
            'Fix the YAML syntax at that line (indentation with spaces, "key: value" pairs).',
          ),
      ),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) {
    throw new InputError(
      file,
      `${file} is empty.`,
      'Write at least "environments:" with one environment and its cluster (see the App spec reference).',
    );
  }
  const errors = validate(data);
  if (errors.length > 0) {
    // The line of the key naming what is wrong (the value's own line for the top level).
    const located = (path: string[], key?: string) =>
      lineOf(
        key === undefined && path.length > 0
          ? nodeOffset(doc.contents, path.slice(0, -1), path.at(-1))
          : nodeOffset(doc.contents, path, key),
      );
    throw new InputErrors(dedupe(errors).map((e) => toInputError(e, file, located)));
  }
  const spec = data as {
    repository?: string;
    parameter?: string;
    environments: Record<string, AppSpecEnvironment>;
  };
  const lines: Record<string, number> = { '': lineOf(nodeOffset(doc.contents, [], 'environments')) };
  for (const name of Object.keys(spec.environments)) {
    lines[name] = lineOf(nodeOffset(doc.contents, ['environments'], name));
  }
  return {
    file,
    repository: spec.repository,
    parameter: spec.parameter,
    environments: spec.environments,
    lines,
  };
}

/** The offset of a key (when given) in the map at `path`, else of the node at `path`. */
function nodeOffset(root: unknown, path: readonly string[], key?: string): number | undefined {
  let node = root as Node | null | undefined;
  let offset = node?.range?.[0];
  for (const segment of key === undefined ? path : [...path, key]) {
    if (!isMap(node)) return offset;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
    if (!pair) return offset;
    offset = (pair.key as Node).range?.[0] ?? offset;
    node = pair.value as Node | null;
  }
  if (key === undefined && node?.range) offset = node.range[0];
  return offset;
}

/** propertyNames reports each bad name twice (pattern, then propertyNames): keep one. */
function dedupe(errors: readonly ErrorObject[]): ErrorObject[] {
  return errors.filter((e) => !(e.keyword === 'propertyNames' && errors.some((o) => o.propertyName)));
}

function toInputError(
  e: ErrorObject,
  file: string,
  located: (path: string[], key?: string) => number,
): InputError {
  const path = e.instancePath.split('/').slice(1).map(unescapePointer);
  const where = (p: string[]) => (p.length === 0 ? 'the top level' : p.join('.'));
  const parent = (e.parentSchema ?? {}) as Schema;
  const at = (line: number, message: string, fix: string) =>
    new InputError(file, `${file}:${line}: ${message}`, fix);
  if (e.propertyName !== undefined) {
    const name = e.propertyName;
    return at(
      located(path, name),
      `"${name}" in ${where(path)} is not a valid environment name.`,
      (topSchema().properties?.environments?.['x-fix'] as string | undefined) ?? 'Rename it.',
    );
  }
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(e.params.additionalProperty);
      const allowed = Object.keys(parent.properties ?? {});
      return at(
        located(path, key),
        `unknown key "${key}" in ${where(path)}.`,
        `Remove it, or use one of: ${allowed.join(', ')} (see the App spec reference).`,
      );
    }
    case 'required': {
      const key = String(e.params.missingProperty);
      return at(
        located(path),
        `${where(path)} has no "${key}".`,
        key === 'environments'
          ? 'Add "environments:" with one entry per environment, each with its "cluster".'
          : `Add "${key}:" to ${where(path)}, e.g. "${key}: shared-${path.at(-1) ?? 'staging'}".`,
      );
    }
    case 'minProperties':
      return at(
        located(path),
        `${where(path)} is empty.`,
        'Add one entry per environment, each with its "cluster".',
      );
    case 'type':
      return at(
        located(path),
        `${where(path)} must be ${e.params.type === 'object' ? 'a mapping (key: value lines)' : `a ${String(e.params.type)}`}.`,
        e.params.type === 'object'
          ? 'Indent its entries under it as "key: value" lines.'
          : `Write ${where(path)} as a ${String(e.params.type)} (quote it if in doubt).`,
      );
    default:
      return at(
        located(path),
        `${where(path)} ${e.message ?? 'is invalid'}${e.data !== undefined && typeof e.data !== 'object' ? ` (got "${String(e.data)}")` : ''}.`,
        parent['x-fix'] ?? 'See the App spec reference for the expected form.',
      );
  }
}

function topSchema(): Schema {
  return schema as Schema;
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}
