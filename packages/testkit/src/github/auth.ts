/**
 * Who is calling and what it may do: a token from the test's table, a GitHub App's JWT (only on the App
 * endpoints), or an installation token, limited to its repositories and permissions as GitHub limits them.
 */
import type { AppRecord } from './apps.js';
import type { SpecOperation } from './openapi.js';
import { fail } from './reply.js';
import type { PeerState } from './state.js';
import type { IssuedToken, TokenSpec } from './types.js';

export type Caller = TokenSpec & { token: string; app?: AppRecord; installation?: IssuedToken };

/** Operations an App calls with its JWT; every other one needs a token. */
const JWT_OPERATIONS = new Set(['apps/get-repo-installation', 'apps/create-installation-access-token']);

/** The permission an installation token needs per operation (GitHub's "permissions required"). */
const PERMISSIONS: Readonly<Record<string, readonly [string, 'read' | 'write']>> = {
  'repos/get': ['metadata', 'read'],
  'repos/get-content': ['contents', 'read'],
  'repos/get-branch': ['contents', 'read'],
  'git/get-ref': ['contents', 'read'],
  'actions/get-workflow': ['actions', 'read'],
  'actions/list-workflow-runs': ['actions', 'read'],
  'actions/get-workflow-run': ['actions', 'read'],
  'actions/list-jobs-for-workflow-run': ['actions', 'read'],
  'actions/download-job-logs-for-workflow-run': ['actions', 'read'],
  'actions/get-pending-deployments-for-run': ['actions', 'read'],
  'actions/create-workflow-dispatch': ['actions', 'write'],
  'actions/cancel-workflow-run': ['actions', 'write'],
};

export function authenticate(s: PeerState, header: string | undefined): Caller {
  if (!header) fail(401, 'Requires authentication');
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
  const token = m?.[1];
  if (!token) fail(401, 'Bad credentials');
  if (/^eyJ[^.]*\.[^.]+\.[^.]+$/.test(token)) {
    const app = s.apps.verifyJwt(token);
    return { login: `${app.slug}[bot]`, access: 'none', integration: true, user: false, token, app };
  }
  const installation = s.apps.installationToken(token);
  if (installation) {
    const app = s.apps.apps.get(installation.appId);
    const access = installation.permissions.actions === 'write' ? 'write' : 'read';
    return { login: `${app?.slug}[bot]`, access, integration: true, user: false, token, installation };
  }
  const spec = s.tokens.get(token);
  if (!spec) fail(401, 'Bad credentials');
  return { ...spec, token };
}

/** The App's JWT only on the App endpoints; an installation token only on its repositories and permissions. */
export function authorize(who: Caller, op: SpecOperation, seg: readonly string[]): void {
  const jwtOnly = JWT_OPERATIONS.has(op.operationId);
  if (jwtOnly && !who.app) fail(401, 'A JSON web token could not be decoded');
  if (who.app && !jwtOnly) forbidden(who);
  const t = who.installation;
  if (!t) return;
  if (seg[1] === 'repos' && !t.repositories.includes(`${seg[2]}/${seg[3]}`.toLowerCase())) forbidden(who);
  const needed = PERMISSIONS[op.operationId];
  if (!needed) return;
  const level = t.permissions[needed[0]];
  if (!level || (needed[1] === 'write' && level !== 'write')) forbidden(who);
}

/** 403 as GitHub words it for the kind of token. */
export function forbidden(who: TokenSpec): never {
  fail(
    403,
    who.integration === true
      ? 'Resource not accessible by integration'
      : 'Resource not accessible by personal access token',
  );
}

/** 404 unless the caller can see the repository `o/r` and it is the infra repository. */
export function requireRepo(s: PeerState, who: TokenSpec, o: string, r: string): void {
  if (who.access === 'none') fail(404, 'Not Found');
  if (o.toLowerCase() !== s.owner.toLowerCase() || r.toLowerCase() !== s.repo.toLowerCase())
    fail(404, 'Not Found');
}
