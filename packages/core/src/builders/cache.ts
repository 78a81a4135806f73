/**
 * The registry layer cache (issue 13). It lives in a sibling repository of the app's, `<repository>/build-cache`,
 * which the platform creates beside the app's repository: status, history, rollback and promote only ever
 * look at the app's repository and its SSM parameter, so a cache entry can never be taken for a version, and
 * an ECR lifecycle policy on the cache repository alone expires it. A missing, unreachable or corrupt cache
 * never fails a build: the builder builds without it and returns one warning.
 */
import type { BuildCache, BuildCacheOutcome } from '../ports/ports.js';
import type { ProcessEnv } from './process.js';

export { buildCacheRepository } from '../domain/names.js';

/** Tag of the buildx registry cache manifest (buildah/podman tag each step by its cache key, a hex digest). */
export const BUILDX_CACHE_TAG = 'buildx';
/** Tag of the image that carries docker's inline cache (default docker driver, or no buildx). */
export const INLINE_CACHE_TAG = 'inline';

/** What a look at the cache repository before the build found. */
export interface CacheProbe {
  /** `ready`: readable (maybe empty); `unusable`: build without it, for `reason`. */
  state: 'ready' | 'unusable';
  /** Tags in the cache repository (first page), to notice entries that exist but could not be used. */
  tags: ReadonlySet<string>;
  reason?: string | undefined;
}

export type CacheProber = (cache: BuildCache) => Promise<CacheProbe>;

/** `host/path/name` → `path/name` (the repository path in the registry API). */
function repositoryPath(cache: BuildCache): string {
  const prefix = `${cache.auth.registry}/`;
  return cache.repository.startsWith(prefix) ? cache.repository.slice(prefix.length) : cache.repository;
}

/**
 * Look at the cache repository through the registry API (`GET /v2/<name>/tags/list`, Basic auth as ECR and
 * distribution accept): quick, and it says why a cache cannot be used before a build waits on retries.
 * A repository the registry does not know yet (distribution creates it on the first push) is `ready` and
 * empty; ECR's "does not exist" is `unusable`.
 */
export async function probeCache(cache: BuildCache, timeoutMs = 5000): Promise<CacheProbe> {
  const { auth } = cache;
  const url = `${auth.insecure ? 'http' : 'https'}://${auth.registry}/v2/${repositoryPath(cache)}/tags/list?n=1000`;
  const basic = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Basic ${basic}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    return unusable(`${auth.registry} is unreachable (${why})`);
  }
  const text = await response.text().catch(() => '');
  if (response.ok) {
    const tags = (safeJson(text) as { tags?: unknown } | undefined)?.tags;
    return { state: 'ready', tags: new Set(Array.isArray(tags) ? tags.map(String) : []) };
  }
  if (response.status === 404) {
    if (/does not exist/i.test(text))
      return unusable(`the repository ${repositoryPath(cache)} does not exist`);
    return { state: 'ready', tags: new Set() };
  }
  if (response.status === 401 || response.status === 403) {
    return unusable(
      `the registry refused to read ${repositoryPath(cache)} (HTTP ${response.status}; see the IAM policy for the cache)`,
    );
  }
  return unusable(`the registry answered HTTP ${response.status}`);
}

function unusable(reason: string): CacheProbe {
  return { state: 'unusable', tags: new Set(), reason };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Counts what the builder's log says about the cache: steps reused, and entries that existed yet were rebuilt. */
export class CacheLogReader {
  reused = 0;
  private readonly replaced = new Set<string>();
  private note: string | undefined;
  private readonly repository: string;
  /** The step now running was reused (pulled or local): its cache push is no repair of a corrupt entry. */
  private localHit = false;

  constructor(
    cache: BuildCache,
    private readonly known: ReadonlySet<string>,
  ) {
    this.repository = cache.repository;
  }

  read(line: string): void {
    // buildah/podman: "--> Cache pulled from remote R:KEY", "--> Pushing cache R:KEY".
    // buildkit (plain progress): "#7 CACHED".
    // A step is reused once, whether buildah says it pulled it from the registry, found it in the local
    // storage ("--> Using cache ID", also printed after a pull), or buildkit says CACHED.
    if (/^STEP \d+/.test(line)) this.localHit = false;
    if (/^#\d+ CACHED\s*$/.test(line)) this.reused++;
    // The classic docker builder: " ---> Using cache" under each reused step.
    if (/^ ---> Using cache\s*$/.test(line)) this.reused++;
    if (/^--> (Using cache |Cache pulled from remote )/.test(line)) {
      if (!this.localHit) this.reused++;
      this.localHit = true;
    }
    const pushed = /^--> Pushing cache (\S+):([0-9a-f]{64})\s*$/.exec(line);
    if (pushed && !this.localHit && pushed[1] === this.repository && this.known.has(pushed[2] as string)) {
      this.replaced.add(pushed[2] as string);
    }
  }

  /** A problem found after the build (e.g. the inline cache image could not be pushed). */
  warn(note: string): void {
    this.note ??= note;
  }

  outcome(): BuildCacheOutcome {
    const replaced = this.replaced.size;
    if (this.note)
      return { repository: this.repository, status: 'used', reused: this.reused, warning: this.note };
    return {
      repository: this.repository,
      status: 'used',
      reused: this.reused,
      ...(replaced > 0
        ? {
            warning: `Registry cache ${this.repository}: ${replaced} cached step${replaced === 1 ? '' : 's'} could not be read (corrupt or incomplete) and ${replaced === 1 ? 'was' : 'were'} run again; the cache entry was replaced.`,
          }
        : {}),
    };
  }
}

/** The outcome when the image was built without the cache. */
export function unavailable(cache: BuildCache, reason: string): BuildCacheOutcome {
  return {
    repository: cache.repository,
    status: 'unavailable',
    reused: 0,
    warning: `Registry cache ${cache.repository} not used: ${reason}. The image was built without it.`,
  };
}

/** Where buildah and podman find the user's own credentials (read to keep private base images pullable). */
export function containersAuthFile(env: ProcessEnv): string | undefined {
  if (env.REGISTRY_AUTH_FILE) return env.REGISTRY_AUTH_FILE;
  if (env.XDG_RUNTIME_DIR) return `${env.XDG_RUNTIME_DIR}/containers/auth.json`;
  return env.HOME ? `${env.HOME}/.config/containers/auth.json` : undefined;
}

/** The user's docker configuration directory. */
export function dockerConfigDir(env: ProcessEnv): string | undefined {
  return env.DOCKER_CONFIG ?? (env.HOME ? `${env.HOME}/.docker` : undefined);
}
