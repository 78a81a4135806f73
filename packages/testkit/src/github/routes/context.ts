/** What every route receives: the state, the caller, the request, and the objects of the version served. */
import { type Caller, requireRepo } from '../auth.js';
import type { RunRecord } from '../model.js';
import type { Objects } from '../objects.js';
import type { ApiVersion } from '../openapi.js';
import { fail, type Reply } from '../reply.js';
import type { PeerState } from '../state.js';

export interface RouteContext {
  s: PeerState;
  who: Caller;
  version: ApiVersion;
  objects: Objects;
  /** The path's segments, decoded: ['', 'repos', owner, repo, ...]. */
  seg: string[];
  query: Record<string, string | string[]>;
  body: unknown;
}

export type Route = (c: RouteContext) => Reply;

/** The routes of one group, by operationId. */
export type RouteGroup = Record<string, Route>;

/** The request is on the infra repository and the caller may see it. */
export function onRepo(c: RouteContext): void {
  requireRepo(c.s, c.who, c.seg[2] ?? '', c.seg[3] ?? '');
}

/** A string query parameter. */
export function queryParam(c: RouteContext, name: string): string | undefined {
  const v = c.query[name];
  return typeof v === 'string' ? v : undefined;
}

/** The run named by the path's `{run_id}` (segment 6), or 404. */
export function runOf(c: RouteContext): RunRecord {
  onRepo(c);
  const run = c.s.run(Number(c.seg[6]));
  if (!run) fail(404, 'Not Found');
  return run;
}
