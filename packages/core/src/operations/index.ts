// Day-2 operations over the engine's ports: status, history, rollback, promote.
export * from './common.js';
export * from './history.js';
export * from './plan.js';
export * from './promote.js';
export * from './rollback.js';
export * from './status.js';
