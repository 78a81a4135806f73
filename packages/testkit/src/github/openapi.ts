/**
 * GitHub's official OpenAPI description (`@octokit/openapi`, `generated/api.github.com.json`) loaded once per
 * process into openapi-backend, used to route and validate every request and response of the GitHub peer.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Operation } from 'openapi-backend';

const require = createRequire(import.meta.url);

export interface SpecOperation {
  operationId: string;
  /** Status codes the description declares for this operation. */
  statuses: readonly string[];
}

export interface ValidationProblem {
  where: string;
  errors: string;
}

export interface GitHubSpec {
  /** The operation a request maps to, or undefined for paths GitHub does not have. */
  match(method: string, path: string): SpecOperation | undefined;
  validateRequest(
    req: {
      method: string;
      path: string;
      query: Record<string, string | string[]>;
      headers: Record<string, string>;
      body?: unknown;
    },
    operationId: string,
  ): string | undefined;
  validateResponse(operationId: string, status: number, body: unknown): string | undefined;
  /** Example payloads from the description, used as templates. */
  example(name: string): unknown;
  schemaOf(name: string): unknown;
}

let loading: Promise<GitHubSpec> | undefined;

/** Loads the description (about a second the first time; cached for the process). */
export function loadGitHubSpec(): Promise<GitHubSpec> {
  loading ??= load();
  return loading;
}

/** OpenAPI 3.0 `nullable` without `type` (used beside allOf/anyOf) is rejected by Ajv: express it as anyOf null. */
function fixNullable(node: unknown): unknown {
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

async function load(): Promise<GitHubSpec> {
  // Parsed afresh (not require()d): fixNullable rewrites it in place.
  const file = require.resolve('@octokit/openapi/generated/api.github.com.json');
  const definition = fixNullable(JSON.parse(readFileSync(file, 'utf8'))) as Record<string, unknown> & {
    components: { examples: Record<string, { value: unknown }>; schemas: Record<string, unknown> };
    paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
  };
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

  const statuses = new Map<string, string[]>();
  // Operations and routes compiled once: openapi-backend rebuilds its operation list on every lookup
  // (tens of ms for GitHub's 1000+ operations), so we route ourselves and pass operation objects.
  const operations = new Map<string, Operation>();
  for (const op of api.router.getOperations()) if (op.operationId) operations.set(op.operationId, op);
  const routes: Array<{ method: string; re: RegExp; statics: number; operationId: string }> = [];
  for (const [template, ops] of Object.entries(definition.paths)) {
    const segments = template.split('/');
    const re = new RegExp(
      `^${segments.map((seg) => (/^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/')}/?$`,
    );
    const statics = segments.filter((seg) => seg && !seg.startsWith('{')).length;
    for (const [method, op] of Object.entries(ops)) {
      if (!op || typeof op !== 'object' || !op.operationId) continue;
      statuses.set(op.operationId, Object.keys(op.responses ?? {}));
      routes.push({ method: method.toUpperCase(), re, statics, operationId: op.operationId });
    }
  }
  routes.sort((a, b) => b.statics - a.statics);
  const operation = (id: string): Operation => {
    const op = operations.get(id);
    if (!op) throw new Error(`unknown operation ${id}`);
    return op;
  };
  const errorSchemaValidator = (() => {
    // Error bodies GitHub sends on any endpoint: basic-error / validation-error shapes.
    return (body: unknown): string | undefined => {
      if (body === undefined || body === null || typeof body !== 'object')
        return 'error body is not a JSON object';
      const b = body as Record<string, unknown>;
      if (typeof b.message !== 'string') return 'error body has no string "message"';
      if (b.documentation_url !== undefined && typeof b.documentation_url !== 'string')
        return 'documentation_url is not a string';
      return undefined;
    };
  })();

  return {
    match(method, path) {
      const m = method.toUpperCase();
      const route = routes.find((r) => r.method === m && r.re.test(path));
      if (!route) return undefined;
      return { operationId: route.operationId, statuses: statuses.get(route.operationId) ?? [] };
    },
    validateRequest(req, operationId) {
      const result = api.validateRequest(
        { method: req.method, path: req.path, query: req.query, headers: req.headers, body: req.body },
        operation(operationId),
      );
      if (result.valid) return undefined;
      // The description types `created` as date-time, but GitHub documents (and accepts) the search range
      // syntax there (`>=2024-01-01T00:00:00Z`, `a..b`): accept that one documented deviation.
      const errors = (result.errors ?? []).filter(
        (e) =>
          !(
            e.instancePath === '/query/created' &&
            e.keyword === 'format' &&
            /^(>=|<=|>|<)?[0-9T:.Z+-]+(\.\.[0-9T:.Z*+-]+)?$/.test(String(req.query.created))
          ),
      );
      return errors.length === 0 ? undefined : JSON.stringify(errors);
    },
    validateResponse(operationId, status, body) {
      const declared = statuses.get(operationId) ?? [];
      if (status >= 400 && !declared.includes(String(status))) return errorSchemaValidator(body);
      if (!declared.includes(String(status))) {
        // 304 (conditional request) carries no body; anything else undeclared is a peer bug.
        if (status === 304) return undefined;
        return `status ${status} is not declared for ${operationId} (declared: ${declared.join(', ')})`;
      }
      if (status === 204 || status === 302 || status === 202) {
        if (status === 202) {
          const r = api.validateResponse(body, operation(operationId), status);
          return r.valid ? undefined : JSON.stringify(r.errors);
        }
        return undefined;
      }
      if (status >= 400) return errorSchemaValidator(body);
      const r = api.validateResponse(body, operation(operationId), status);
      return r.valid ? undefined : JSON.stringify(r.errors);
    },
    example(name) {
      const ex = definition.components.examples[name];
      if (!ex) throw new Error(`no example ${name} in the GitHub description`);
      return structuredClone(ex.value);
    },
    schemaOf(name) {
      return definition.components.schemas[name];
    },
  };
}
