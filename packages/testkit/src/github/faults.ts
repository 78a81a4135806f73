/** Injected failures: which request a scenario's fault hits, and the answer GitHub would give. */
import { DOCS, type Reply } from './reply.js';
import type { PeerState } from './state.js';
import type { Fault } from './types.js';

/** The first fault with requests left that matches, counted down. */
export function takeFault(s: PeerState, operationId: string, method: string): Fault | undefined {
  for (const f of s.faults) {
    if (f.left <= 0) continue;
    if (f.method && f.method.toUpperCase() !== method) continue;
    if (f.operationId !== undefined) {
      const hit =
        typeof f.operationId === 'string' ? f.operationId === operationId : f.operationId.test(operationId);
      if (!hit) continue;
    }
    f.left--;
    return f;
  }
  return undefined;
}

export function faultReply(f: Fault): Reply {
  const status = f.status as number;
  const headers: Record<string, string> = {};
  if (f.retryAfter !== undefined) headers['retry-after'] = String(f.retryAfter);
  if (status === 403 || status === 429) {
    return {
      status,
      headers,
      body: {
        message:
          f.message ??
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID.',
        documentation_url:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        status: String(status),
      },
    };
  }
  if (status >= 500) {
    // GitHub's proxies answer 502/504 with an HTML page, not JSON.
    const text = f.message ?? 'We had issues producing the response to your request.';
    return {
      status,
      headers,
      raw: `<!DOCTYPE html><html><head><title>Unicorn! · GitHub</title></head><body>${text}</body></html>`,
      contentType: 'text/html; charset=utf-8',
    };
  }
  return { status, headers, body: { message: f.message ?? 'Injected failure', documentation_url: DOCS } };
}
