// Local peers for tests and the demo. Owned in two parts: registry + AWS (./registry, ./aws) and GitHub (./github).
export * from './argv-watch.js';
export * from './aws/index.js';
export * from './builder-storage.js';
export * from './docker-daemon.js';
export * from './fault-proxy.js';
export * from './github/index.js';
export * from './registry.js';
export * from './registry-gate.js';
export * from './registry-images.js';
