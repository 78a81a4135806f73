/**
 * GitHub's official OpenAPI descriptions, pruned to the operations the test server serves
 * (`description/*.json`, written by `scripts/refresh-github-description.mjs` from `@octokit/openapi`), one per
 * REST API version: `2026-03-10` is the description with its `x-github-breaking-changes` applied. Each is loaded
 * once per process into openapi-backend, which routes and validates every request and response.
 */
import { readFileSync } from 'node:fs';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import { applyBreakingChanges, fixNullable } from './openapi-transform.js';

/** The REST API versions GitHub serves: the first, and the one with the first breaking changes. */
export type ApiVersion = '2022-11-28' | '2026-03-10';
export const API_VERSIONS: readonly ApiVersion[] = ['2022-11-28', '2026-03-10'];
/** Which description: api.github.com, or GitHub Enterprise Server 3.19 (no 2026-03-10). */
export type DescriptionName = 'api.github.com' | 'ghes-3.19';

export interface SpecOperation {
  operationId: string;
  /** Status codes the description declares for this operation. */
  statuses: readonly string[];
  /** The description marks the operation deprecated under this version. */
  deprecated: boolean;
}

interface SpecRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: unknown;
}

export interface GitHubSpec {
  name: DescriptionName;
  version: ApiVersion;
  /** `@octokit/openapi` version the pruned description came from. */
  source: string;
  /** The operation a request maps to, or undefined for paths GitHub does not have. */
  match(method: string, path: string): SpecOperation | undefined;
  validateRequest(req: SpecRequest, operationId: string): string | undefined;
  validateResponse(operationId: string, status: number, body: unknown): string | undefined;
  /** Example payloads from the description, used as templates. */
  example(name: string): unknown;
  schemaOf(name: string): unknown;
}

interface Definition {
  'x-pruned-from': { version: string };
  components: { examples: Record<string, { value: unknown }>; schemas: Record<string, unknown> };
  paths: Record<string, Record<string, RawOperation>>;
}

interface RawOperation {
  operationId?: string;
  deprecated?: boolean;
  responses?: Record<string, unknown>;
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown> } }> };
}

interface Route {
  method: string;
  re: RegExp;
  statics: number;
  op: SpecOperation;
  bodyKeys: ReadonlySet<string> | undefined;
}

const DIR = new URL('../../src/github/description/', import.meta.url);
const loading = new Map<string, Promise<GitHubSpec>>();

/** Loads a description for a version (well under a second the first time; cached for the process). */
export function loadGitHubSpec(
  version: ApiVersion = '2022-11-28',
  name: DescriptionName = 'api.github.com',
): Promise<GitHubSpec> {
  const key = `${name}@${version}`;
  let spec = loading.get(key);
  if (!spec) {
    spec = load(name, version);
    loading.set(key, spec);
  }
  return spec;
}

function readDefinition(name: DescriptionName, version: ApiVersion): Definition {
  const raw = JSON.parse(readFileSync(new URL(`${name}.json`, DIR), 'utf8')) as unknown;
  return fixNullable(applyBreakingChanges(raw, version)) as Definition;
}

async function load(name: DescriptionName, version: ApiVersion): Promise<GitHubSpec> {
  const definition = readDefinition(name, version);
  const api = new OpenAPIBackend({
    // biome-ignore lint/suspicious/noExplicitAny: the OpenAPI document type is structural
    definition: definition as any,
    quick: true,
    validate: true,
    ajvOpts: { strict: false, logger: false },
    customizeAjv: (ajv) => {
      (addFormats as unknown as (a: unknown) => void)(ajv);
      return ajv;
    },
  });
  await api.init();
  const operations = new Map<string, Operation>();
  for (const op of api.router.getOperations()) if (op.operationId) operations.set(op.operationId, op);
  const operation = (id: string): Operation => {
    const op = operations.get(id);
    if (!op) throw new Error(`unknown operation ${id}`);
    return op;
  };
  const routes = compileRoutes(definition);
  const byId = new Map(routes.map((r) => [r.op.operationId, r]));
  return {
    name,
    version,
    source: `@octokit/openapi@${definition['x-pruned-from'].version}`,
    match(method, path) {
      const m = method.toUpperCase();
      return routes.find((r) => r.method === m && r.re.test(path))?.op;
    },
    validateRequest: (req, id) => requestProblem(api, operation(id), byId.get(id)?.bodyKeys, req),
    validateResponse: (id, status, body) =>
      responseProblem(api, operation(id), byId.get(id)?.op.statuses ?? [], status, body),
    example(exampleName) {
      const ex = definition.components.examples[exampleName];
      if (!ex) throw new Error(`no example ${exampleName} in the GitHub description`);
      return structuredClone(ex.value);
    },
    schemaOf: (schemaName) => definition.components.schemas[schemaName],
  };
}

/**
 * Routes compiled once, most specific first: openapi-backend rebuilds its operation list on every lookup,
 * so we route ourselves and pass operation objects.
 */
function compileRoutes(definition: Definition): Route[] {
  const routes: Route[] = [];
  for (const [template, ops] of Object.entries(definition.paths)) {
    const segments = template.split('/');
    const pattern = segments
      .map((seg) => (/^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
      .join('/');
    const statics = segments.filter((seg) => seg && !seg.startsWith('{')).length;
    for (const [method, op] of Object.entries(ops)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      const props = op.requestBody?.content?.['application/json']?.schema?.properties;
      routes.push({
        method: method.toUpperCase(),
        re: new RegExp(`^${pattern}/?$`),
        statics,
        op: {
          operationId: op.operationId,
          statuses: Object.keys(op.responses ?? {}),
          deprecated: op.deprecated === true,
        },
        bodyKeys: props ? new Set(Object.keys(props)) : undefined,
      });
    }
  }
  return routes.sort((a, b) => b.statics - a.statics);
}

function requestProblem(
  api: OpenAPIBackend,
  operation: Operation,
  bodyKeys: ReadonlySet<string> | undefined,
  req: SpecRequest,
): string | undefined {
  const result = api.validateRequest(
    { method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body },
    operation,
  );
  // The description types `created` as date-time, but GitHub documents (and accepts) the search range
  // syntax there (`>=2024-01-01T00:00:00Z`, `a..b`): accept that one documented deviation.
  const errors: unknown[] = (result.errors ?? []).filter(
    (e) =>
      !(
        e.instancePath === '/query/created' &&
        e.keyword === 'format' &&
        /^(>=|<=|>|<)?[0-9T:.Z+-]+(\.\.[0-9T:.Z*+-]+)?$/.test(String(req.query.created))
      ),
  );
  // A body key this version does not describe (e.g. `return_run_details` under 2026-03-10): GitHub answers
  // 422 "... is not a permitted key"; the description leaves additionalProperties open, so check it here.
  if (bodyKeys && req.body && typeof req.body === 'object') {
    for (const key of Object.keys(req.body))
      if (!bodyKeys.has(key))
        errors.push({ instancePath: `/requestBody/${key}`, message: 'not a permitted key' });
  }
  return errors.length === 0 ? undefined : JSON.stringify(errors);
}

/** Error bodies GitHub sends on any endpoint: basic-error / validation-error shapes. */
function errorBodyProblem(body: unknown): string | undefined {
  if (body === undefined || body === null || typeof body !== 'object')
    return 'error body is not a JSON object';
  const b = body as Record<string, unknown>;
  if (typeof b.message !== 'string') return 'error body has no string "message"';
  if (b.documentation_url !== undefined && typeof b.documentation_url !== 'string')
    return 'documentation_url is not a string';
  return undefined;
}

function responseProblem(
  api: OpenAPIBackend,
  operation: Operation,
  declared: readonly string[],
  status: number,
  body: unknown,
): string | undefined {
  if (status >= 400) return errorBodyProblem(body);
  if (!declared.includes(String(status))) {
    // 304 (conditional request) carries no body; anything else undeclared is a test server bug.
    if (status === 304) return undefined;
    return `status ${status} is not declared for ${operation.operationId} under this version (declared: ${declared.join(', ')})`;
  }
  if (status === 204 || status === 302) return undefined;
  const r = api.validateResponse(body, operation, status);
  return r.valid ? undefined : JSON.stringify(r.errors);
}
