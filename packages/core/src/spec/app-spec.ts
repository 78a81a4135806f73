/**
 * The App spec: `apps/<application>.yaml` in the infra repository, saying where an application runs in
 * each environment. Parsed with `yaml` (which keeps positions) and validated against
 * `app-spec.schema.json` by ajv; every problem is an InputError naming the file, the line and the fix.
 */
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, LineCounter, type Node, parseDocument } from 'yaml';
import { RELEASE_TIMEOUT } from '../domain/names.js';
import { InputError, InputErrors } from '../errors/errors.js';
import { parseDuration, quote } from '../inputs/inputs.js';
import { appSpecSchema as schema } from './schema.js';

/** One entry of `services`: an ECS service and its app container (each defaults to the entry's name). */
interface AppSpecService {
  service?: string | undefined;
  container?: string | undefined;
}

/** A one-off task run before any service changes. */
interface AppSpecRelease {
  /** An entry of `services` (or the single service's name); default: the only service. */
  service?: string | undefined;
  command: readonly string[];
  /** A duration, default 10m. */
  timeout?: string | undefined;
}

export interface AppSpecEnvironment {
  cluster: string;
  service?: string | undefined;
  container?: string | undefined;
  services?: Readonly<Record<string, AppSpecService>> | undefined;
  release?: AppSpecRelease | undefined;
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
  let data: unknown;
  try {
    // Aliases that expand past 100 nodes (a "billion laughs") are refused by the parser.
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new InputError(
      file,
      `${file}: not a usable App spec: ${error instanceof Error ? error.message : String(error)}.`,
      'Write the App spec without YAML anchors and aliases that expand into large documents.',
    );
  }
  if (data === null || data === undefined) {
    throw new InputError(
      file,
      `${file} is empty.`,
      'Write at least "environments:" with one environment and its cluster (see the App spec reference).',
    );
  }
  // The line of the key naming what is wrong (the value's own line for the top level).
  const located = (path: string[], key?: string) =>
    lineOf(
      key === undefined && path.length > 0
        ? nodeOffset(doc.contents, path.slice(0, -1), path.at(-1))
        : nodeOffset(doc.contents, path, key),
    );
  const errors = validate(data);
  if (errors.length > 0) {
    throw new InputErrors(dedupe(errors).map((e) => toInputError(e, file, located)));
  }
  const spec = data as {
    repository?: string;
    parameter?: string;
    environments: Record<string, AppSpecEnvironment>;
  };
  const problems = Object.entries(spec.environments).flatMap(([name, env]) =>
    checkEnvironment(name, env, file, located),
  );
  if (problems.length > 0) throw new InputErrors(problems);
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

/**
 * What the schema cannot say well: `service`/`container` beside `services`, a release naming no service of
 * the environment (or none when there are several), a release timeout outside its bounds.
 */
function checkEnvironment(
  name: string,
  env: AppSpecEnvironment,
  file: string,
  located: (path: string[], key?: string) => number,
): InputError[] {
  const errors: InputError[] = [];
  const at = (path: string[], message: string, fix: string) =>
    errors.push(new InputError(file, `${file}:${located(path)}: ${message}`, fix));
  const where = `environments.${name}`;
  const base = ['environments', name];
  const single = (['service', 'container'] as const).filter((k) => env[k] !== undefined);
  if (env.services && single.length > 0)
    at(
      [...base, single[0] ?? 'service'],
      `${where} has both "${single.join('" and "')}" and "services".`,
      `Remove "${single.join('" and "')}": with "services", each entry names its own service and container (e.g. "web: { service: hello-app-web, container: web }"); or remove "services" for an application of one service.`,
    );
  const release = env.release;
  if (!release) return errors;
  const names = env.services ? Object.keys(env.services) : [env.service ?? '(the application name)'];
  const listed = names.map((n) => `"${n}"`).join(', ');
  if (release.service === undefined && names.length > 1)
    at(
      [...base, 'release'],
      `${where}.release names no service, and ${where} has several (${listed}).`,
      `Add "service:" under "release:" naming whose new task definition the task runs, e.g. "service: ${names[0]}".`,
    );
  if (release.service !== undefined && env.services && !(release.service in env.services))
    at(
      [...base, 'release', 'service'],
      `${where}.release.service "${release.service}" is not one of the services of ${where} (${listed}).`,
      `Set it to one of ${names.join(', ')}: the entry of "services" whose new task definition the task runs.`,
    );
  if (release.service !== undefined && !env.services && release.service !== (env.service ?? release.service))
    at(
      [...base, 'release', 'service'],
      `${where}.release.service "${release.service}" is not the service of ${where} ("${env.service}").`,
      `Remove "service:" from "release:" (it defaults to the only service), or set it to ${env.service}.`,
    );
  const timeout = release.timeout ?? RELEASE_TIMEOUT.defaultText;
  const ms = parseDuration(timeout);
  if (ms === undefined || ms < RELEASE_TIMEOUT.minMs || ms > RELEASE_TIMEOUT.maxMs)
    at(
      [...base, 'release', 'timeout'],
      `${where}.release.timeout "${timeout}" is not a duration between 10s and 24h.`,
      'Write it like 10m, 90s or 1h30m.',
    );
  return errors;
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
    const what = path.at(-1) === 'services' ? 'service entry name' : 'environment name';
    return at(
      located(path, name),
      `"${name}" in ${where(path)} is not a valid ${what}.`,
      parent['x-fix'] ??
        (topSchema().properties?.environments?.['x-fix'] as string | undefined) ??
        'Rename it.',
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
        path.at(-1) === 'services'
          ? (parent['x-fix'] ?? 'List at least one service.')
          : 'Add one entry per environment, each with its "cluster".',
      );
    case 'type': {
      const type = String(e.params.type);
      const noun =
        type === 'object' ? 'a mapping (key: value lines)' : type === 'array' ? 'a list' : `a ${type}`;
      return at(
        located(path),
        `${where(path)} must be ${noun}.`,
        type === 'object'
          ? 'Indent its entries under it as "key: value" lines.'
          : (parent['x-fix'] ?? `Write ${where(path)} as a ${type} (quote it if in doubt).`),
      );
    }
    default:
      return at(
        located(path),
        `${where(path)} ${e.message ?? 'is invalid'}${e.data !== undefined && typeof e.data !== 'object' ? ` (got ${quote(String(e.data))})` : ''}.`,
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
