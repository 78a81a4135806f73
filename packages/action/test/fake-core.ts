import type { ActionsCore } from '../src/reporter.js';

/** Records what the reporter asks of @actions/core, as one log of lines. */
export function fakeCore(): ActionsCore & { log: string[]; state: Map<string, string> } {
  const log: string[] = [];
  const state = new Map<string, string>();
  return {
    log,
    state,
    startGroup: (name) => log.push(`group ${name}`),
    endGroup: () => log.push('endgroup'),
    info: (message) => log.push(message),
    debug: (message) => log.push(`debug ${message}`),
    warning: (message, props) => log.push(`warning [${props?.title}] ${message}`),
    notice: (message, props) => log.push(`notice [${props?.title}] ${message}`),
    setSecret: (secret) => log.push(`mask ${secret}`),
    saveState: (name, value) => {
      state.set(name, String(value));
      log.push(`state ${name}=${String(value)}`);
    },
  };
}
