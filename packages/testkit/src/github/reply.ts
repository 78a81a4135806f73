/** What a route answers, and the helpers every route shares (errors as GitHub words them, times, ids). */
import { createHash } from 'node:crypto';

export const DOCS = 'https://docs.github.com/rest';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Not JSON: sent as is. */
  raw?: string;
  contentType?: string;
}

/** Thrown by a route (or the request pipeline) to answer at once. */
export class HttpReply extends Error {
  constructor(readonly reply: Reply) {
    super(`HTTP ${reply.status}`);
  }
}

/** Answer with GitHub's error body. */
export function fail(status: number, message: string, extra: Record<string, unknown> = {}): never {
  throw new HttpReply({
    status,
    body: { message, documentation_url: DOCS, status: String(status), ...extra },
  });
}

/** GitHub's timestamps: whole seconds, `Z`. */
export function iso(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function sha(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** A stable numeric id for a name. */
export function idOf(kind: string, name: string, hexDigits = 7): number {
  return Number.parseInt(sha(`${kind}:${name}`).slice(0, hexDigits), 16);
}
