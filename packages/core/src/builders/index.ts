export { type AuthDocument, authDocument, Redactor, type TempAuth, writeTempAuth } from './auth.js';
export { type BuilderOptions, type CacheMode, ContainersBuilder, DockerBuilder } from './builders.js';
export {
  BUILDX_CACHE_TAG,
  buildCacheRepository,
  type CacheProbe,
  type CacheProber,
  INLINE_CACHE_TAG,
  probeCache,
} from './cache.js';
export { BuildFailureReader } from './failure.js';
export {
  type ProcessEnv,
  type ProcessRunner,
  type RunOptions,
  type RunResult,
  spawnRunner,
  which,
} from './process.js';
export {
  BUILDER_CHOICES,
  BUILDER_NAMES,
  BUILDERS,
  type BuilderChoice,
  type BuilderEntry,
  type BuilderName,
  DEFAULT_BUILDER,
  isBuilderChoice,
} from './registry.js';
export { createBuilder, type SelectBuilderOptions, selectBuilder } from './select.js';
