// The engine's public API. Importing it loads no SDK: AWS, Octokit and the builders load lazily.
export * from './catalog.js';
export * from './errors.js';
export * from './events.js';
export * from './execute.js';
export * from './inputs.js';
export * from './operations/index.js';
export * from './plan.js';
export * from './ports.js';
export * from './real-ports.js';
export * from './retry.js';
export * from './source.js';
