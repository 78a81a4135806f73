export * from './catalog.js';
export * from './errors.js';
export * from './events.js';
export * from './inputs.js';
export * from './ports.js';
export * from './retry.js';
