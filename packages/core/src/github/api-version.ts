/**
 * The GitHub REST API version every request sends (`X-GitHub-Api-Version`). `2026-03-10` first; a server that
 * rejects it (GitHub Enterprise Server 3.20 and older answer 400 naming the header) gets `2022-11-28`, decided
 * once per process and server, and said once in the log. The rejected request is sent again under the older
 * version: a 400 changed nothing.
 */
import type { GitHubClient } from './client.js';
import { httpFailure } from './errors.js';

const API_VERSION = '2026-03-10';
export const FALLBACK_API_VERSION = '2022-11-28';
export type ApiVersion = typeof API_VERSION | typeof FALLBACK_API_VERSION;

/** Per API base URL: the version decided for this process (absent: the current one, not rejected yet). */
const decided = new Map<string, ApiVersion>();

/** The version requests to this server send now. */
export function apiVersionFor(baseUrl: string): ApiVersion {
  return decided.get(baseUrl) ?? API_VERSION;
}

/** A 400 that names the version header: the server does not serve that version. */
function isVersionRejection(error: unknown): boolean {
  const f = httpFailure(error);
  return f.status === 400 && /x-github-api-version/i.test(f.message);
}

interface VersionedOptions {
  headers: Record<string, string | number | undefined>;
}

/**
 * Send one request with the version header; when the server rejects 2026-03-10, decide 2022-11-28 for this
 * process and server (said once) and send it again. For Octokit hooks and `@octokit/request` hooks alike.
 */
export async function versionedRequest<O, R>(
  send: (options: O) => Promise<R> | R,
  options: O,
  baseUrl: string,
  log: (message: string) => void,
): Promise<R> {
  const o = options as unknown as VersionedOptions;
  const version = apiVersionFor(baseUrl);
  o.headers['x-github-api-version'] = version;
  try {
    return await send(options);
  } catch (error) {
    if (version !== API_VERSION || !isVersionRejection(error)) throw error;
    if (!decided.has(baseUrl)) {
      decided.set(baseUrl, FALLBACK_API_VERSION);
      log(
        `${baseUrl} does not serve GitHub REST API version ${API_VERSION} (HTTP 400: ${httpFailure(error).message}); using ${FALLBACK_API_VERSION} for the rest of this run.`,
      );
    }
    o.headers['x-github-api-version'] = FALLBACK_API_VERSION;
    return send(options);
  }
}

/** Send the version on every request of `client`; fall back once per process when the server rejects it. */
export function useApiVersion(client: GitHubClient, baseUrl: string, log: (message: string) => void): void {
  client.hook.wrap('request', (request, options) => versionedRequest(request, options, baseUrl, log));
}
