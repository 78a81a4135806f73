// Test helpers for the operations' unit tests (not exported from the package).
import type { ParameterStore } from '../ports/ports.js';

/** As real SSM: GetParameter returns no Description (only GetParameterHistory does). */
export function asSsm(store: ParameterStore): ParameterStore {
  return {
    get: async (name) => {
      const value = await store.get(name);
      return value && { ...value, description: undefined };
    },
    put: (name, value, description) => store.put(name, value, description),
    history: (name, limit) => store.history(name, limit),
    label: (name, version, labels) => store.label(name, version, labels),
    create: (name, value, description) => store.create(name, value, description),
    delete: (name) => store.delete(name),
  };
}
