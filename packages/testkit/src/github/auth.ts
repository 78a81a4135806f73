/** Who is calling: the token in the Authorization header, and what it may do on the infra repository. */
import { fail } from './reply.js';
import type { PeerState } from './state.js';
import type { TokenSpec } from './types.js';

export type Caller = TokenSpec & { token: string };

export function authenticate(s: PeerState, header: string | undefined): Caller {
  if (!header) fail(401, 'Requires authentication');
  const m = /^(?:token|bearer)\s+(\S+)$/i.exec(header);
  const spec = m?.[1] ? s.tokens.get(m[1]) : undefined;
  if (!m?.[1] || !spec) fail(401, 'Bad credentials');
  return { ...spec, token: m[1] };
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
