export * from './errors.js';
export * from './events.js';
export * from './inputs.js';
export * from './ports.js';
