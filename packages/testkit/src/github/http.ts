/**
 * The request pipeline: the REST API version asked for, routing and validation against that version's
 * description, injected faults, authentication, the rate limit, the route, ETags, and the answer validated
 * in turn. Violations are recorded in `stats.violations`.
 */
import type http from 'node:http';
import { authenticate, authorize } from './auth.js';
import { faultReply, takeFault } from './faults.js';
import { jobLog, type Objects } from './objects.js';
import type { ApiVersion, GitHubSpec, SpecOperation } from './openapi.js';
import { fail, HttpReply, type Reply, sha } from './reply.js';
import { ROUTES } from './routes/index.js';
import type { PeerState } from './state.js';
import type { RequestLogEntry } from './types.js';

export interface ServedVersion {
  spec: GitHubSpec;
  objects: Objects;
}

/** The versions served; GitHub serves 2022-11-28 to a request that names none. */
export type Served = ReadonlyMap<ApiVersion, ServedVersion>;

interface ApiRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body: unknown;
}

/** What the pipeline decided: an answer, or drop the connection (a `reset` fault). */
type Outcome = { reply: Reply } | { reset: true };

export function createHandler(
  s: PeerState,
  served: Served,
  prefix: string,
): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    const url = new URL(req.url ?? '/', s.urls.origin);
    if (url.pathname.startsWith('/_logs/')) return serveLog(s, url, res);
    if (prefix && !url.pathname.startsWith(`${prefix}/`)) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not an API path');
      return;
    }
    const request = await readRequest(s, req, url, prefix);
    s.stats.requests++;
    const entry: RequestLogEntry = {
      method: request.method,
      path: request.path,
      operationId: undefined,
      status: 0,
      counted: true,
      at: s.now(),
      apiVersion: request.headers['x-github-api-version'],
    };
    s.stats.log.push(entry);
    const version = entry.apiVersion ?? 'none';
    s.stats.apiVersions[version] = (s.stats.apiVersions[version] ?? 0) + 1;
    const outcome = await answer(s, served, request, entry);
    if ('reset' in outcome) {
      entry.status = 'reset';
      req.socket.destroy();
      return;
    }
    send(s, served, request, entry, outcome.reply, res);
  };
}

/** Job logs behind the "signed" URL a download redirects to, like GitHub's blob storage: not the API. */
function serveLog(s: PeerState, url: URL, res: http.ServerResponse): void {
  const m = /^\/_logs\/(\d+)\/(\d+)$/.exec(url.pathname);
  const run = m ? s.run(Number(m[1])) : undefined;
  const job = run ? s.stateOf(run).jobs.find((j) => j.id === Number(m?.[2])) : undefined;
  if (!run || !job || url.searchParams.get('sig') !== sha(`log:${job.id}`)) {
    res.writeHead(403, { 'content-type': 'application/xml' });
    res.end('<Error><Code>AuthenticationFailed</Code></Error>');
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(jobLog(run, job));
}

async function readRequest(
  s: PeerState,
  req: http.IncomingMessage,
  url: URL,
  prefix: string,
): Promise<ApiRequest> {
  const method = (req.method ?? 'GET').toUpperCase();
  let path = url.pathname.slice(prefix.length) || '/';
  // contents/{path} may arrive with literal slashes: match it as one parameter.
  const contents = /^(\/repos\/[^/]+\/[^/]+\/contents\/)(.+)$/.exec(path);
  if (contents?.[1] && contents[2]) path = contents[1] + encodeURIComponent(decodeURIComponent(contents[2]));
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
  const query: Record<string, string | string[]> = {};
  for (const k of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(k);
    query[k] = all.length > 1 ? all : (all[0] ?? '');
  }
  let body: unknown;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      s.stats.violations.push(`${method} ${path}: body is not JSON`);
    }
  }
  return { method, path, query, headers, body };
}

/** The version a request asked for, or 400 naming the header (as servers that lack it answer). */
function versionOf(served: Served, headers: Record<string, string>): ApiVersion {
  const asked = headers['x-github-api-version'] ?? '2022-11-28';
  if (served.has(asked as ApiVersion)) return asked as ApiVersion;
  fail(
    400,
    `Invalid 'X-GitHub-Api-Version' header value '${asked}'. Supported versions: ${[...served.keys()].join(', ')}.`,
  );
}

async function answer(s: PeerState, served: Served, r: ApiRequest, entry: RequestLogEntry): Promise<Outcome> {
  try {
    const version = versionOf(served, r.headers);
    const { spec, objects } = served.get(version) as ServedVersion;
    const op = spec.match(r.method, r.path);
    if (!op) fail(404, 'Not Found');
    entry.operationId = op.operationId;
    s.stats.byOperation[op.operationId] = (s.stats.byOperation[op.operationId] ?? 0) + 1;
    if (op.deprecated) s.stats.deprecated.push(`${r.method} ${r.path} (${op.operationId}) @${version}`);
    validateRequest(s, spec, op, r);
    const fault = takeFault(s, op.operationId, r.method);
    if (fault?.status === 'reset' && !fault.afterProcessing) return { reset: true };
    if (fault && !fault.afterProcessing) return { reply: faultReply(fault) };
    const who = authenticate(s, r.headers.authorization);
    const seg = r.path.split('/').map((x) => decodeURIComponent(x));
    authorize(who, op, seg);
    s.rate.take();
    const route = ROUTES[op.operationId];
    if (!route) fail(404, `Not Found (the GitHub test server does not implement ${op.operationId})`);
    const reply = route({ s, who, version, objects, seg, query: r.query, body: r.body });
    if (fault?.status === 'reset') return { reset: true };
    return { reply: fault ? faultReply(fault) : reply };
  } catch (error) {
    if (!(error instanceof HttpReply)) throw error;
    return { reply: error.reply };
  }
}

/**
 * A request the version's description does not allow is a violation (422). One exception: a body key an
 * older server lacks (GitHub Enterprise's description) is how clients probe its age, so it is answered 422
 * "not a permitted key", as that server does, without a violation.
 */
function validateRequest(s: PeerState, spec: GitHubSpec, op: SpecOperation, r: ApiRequest): void {
  const problem = spec.validateRequest(r, op.operationId);
  if (!problem) return;
  const unknownKey = /^\[\{"instancePath":"\/requestBody\/([^"]+)","message":"not a permitted key"\}\]$/.exec(
    problem,
  );
  if (unknownKey && spec.name !== 'api.github.com')
    fail(422, `Invalid request.\n\n"${unknownKey[1]}" is not a permitted key.`);
  s.stats.violations.push(
    `request ${r.method} ${r.path} (${op.operationId}) violates the description: ${problem}`,
  );
  fail(422, `Invalid request.\n\n${problem}`);
}

function send(
  s: PeerState,
  served: Served,
  r: ApiRequest,
  entry: RequestLogEntry,
  reply: Reply,
  res: http.ServerResponse,
): void {
  const headers: Record<string, string> = {
    date: new Date(s.now()).toUTCString(),
    ...s.rate.headers(),
    ...(reply.headers ?? {}),
  };
  let status = reply.status;
  let payload = reply.raw ?? (reply.body === undefined ? undefined : JSON.stringify(reply.body));
  // Conditional requests: a 304 does not count against the rate limit.
  if (status === 200 && r.method === 'GET' && payload !== undefined && (s.options.etags ?? true)) {
    headers.etag = `W/"${sha(payload)}"`;
    if (r.headers['if-none-match'] === headers.etag) {
      status = 304;
      payload = undefined;
      s.rate.refund();
      Object.assign(headers, s.rate.headers());
    }
  }
  entry.status = status;
  entry.counted = status !== 304;
  if (status === 401) s.stats.unauthorized++;
  if (status === 304) s.stats.notModified++;
  else s.stats.rateLimited++;
  const version = served.get(r.headers['x-github-api-version'] as ApiVersion) ?? served.get('2022-11-28');
  if (entry.operationId && reply.raw === undefined && version) {
    const problem = version.spec.validateResponse(
      entry.operationId,
      status,
      status === 304 ? undefined : reply.body,
    );
    if (problem)
      s.stats.violations.push(
        `response ${status} to ${r.method} ${r.path} (${entry.operationId}) violates the description: ${problem}`,
      );
  }
  if (payload !== undefined) headers['content-type'] = reply.contentType ?? 'application/json; charset=utf-8';
  res.writeHead(status, headers);
  res.end(payload);
}
