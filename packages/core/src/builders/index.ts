export {
  type ProcessRunner,
  type RunOptions,
  type RunResult,
  spawnRunner,
} from './process.js';
export { BUILDER_CHOICES, BUILDER_NAMES, isBuilderChoice } from './registry.js';
export { type SelectBuilderOptions, selectBuilder } from './select.js';
