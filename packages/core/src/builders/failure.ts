/**
 * What a failed build says failed: a step of the Dockerfile, or the registry cache. Read from the whole log
 * as it streams, by the operation that failed (BuildKit's failed vertex, buildah's and podman's final error),
 * never by a line that merely names the cache: BuildKit logs a missing cache ("…/build-cache:inline: not
 * found") as an error of its cache import vertex and goes on building, so that line is in the log of every
 * build that starts without a cache, including one whose RUN then fails.
 */

/** BuildKit's vertices for the cache: imported before the build, exported after it. */
const CACHE_VERTEX =
  /^(importing cache manifest from |exporting cache|preparing build cache for export|writing cache)/;
/** buildah's and podman's own errors for the cache (`--cache-from` / `--cache-to`). */
const CONTAINERS_CACHE_ERROR = /^Error: (failed pushing cache to |failed while pulling cache from )/;

export class BuildFailureReader {
  /** BuildKit's vertex names by id (`#7 [2/3] RUN …` → `7` → `[2/3] RUN …`). */
  private readonly vertices = new Map<string, string>();
  /** The last vertex that ended with an error, and its error. */
  private failed: { name: string; error: string } | undefined;
  /** buildah's and podman's last `Error: …` line. */
  private lastError: string | undefined;
  /** A line said the daemon has no bridge network for RUN (`dockerd --bridge=none`). */
  noBridge = false;
  /** The client refused to build: BuildKit asked for, buildx missing (`DOCKER_BUILDKIT=1` on a client 23+). */
  buildxMissing = false;

  read(line: string): void {
    if (/network bridge not found/i.test(line)) this.noBridge = true;
    if (/buildx component is missing or broken/i.test(line)) this.buildxMissing = true;
    const vertex = /^#(\d+) (.*)$/.exec(line);
    if (vertex) {
      const [, id = '', rest = ''] = vertex;
      if (!this.vertices.has(id)) this.vertices.set(id, rest.trim());
      if (rest.startsWith('ERROR:')) {
        this.failed = { name: this.vertices.get(id) ?? '', error: rest.slice(6).trim() };
      }
      return;
    }
    if (/^Error: /.test(line)) this.lastError = line.trim();
  }

  /**
   * When the cache is what failed, a short description of the failure (for the warning); undefined when a step
   * of the build failed, or nothing says what failed (then the build failed: it is not run again).
   */
  cacheFailure(): string | undefined {
    if (this.failed) {
      return CACHE_VERTEX.test(this.failed.name) ? `${this.failed.name}: ${this.failed.error}` : undefined;
    }
    return this.lastError && CONTAINERS_CACHE_ERROR.test(this.lastError) ? this.lastError : undefined;
  }

  /** The step that failed (BuildKit's vertex name), for the error message. */
  failedStep(): string | undefined {
    return this.failed && !CACHE_VERTEX.test(this.failed.name) ? this.failed.name : undefined;
  }
}
