// Test helpers for the operations' unit tests (not exported from the package).
import type { Ports } from '../ports/bundles.js';
import type { Reporter } from '../ports/events.js';
import type { ParameterStore } from '../ports/ports.js';
import type { createFakes } from './fakes.js';

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

/** The ports of an operation over the fakes, with SSM as the real one answers. */
export function fakePorts(fakes: ReturnType<typeof createFakes>, reporter: Reporter): Ports {
  return {
    builder: async () => fakes.builder,
    registry: fakes.registry,
    parameters: asSsm(fakes.parameters),
    workflows: fakes.workflows,
    clock: fakes.clock,
    reporter,
  };
}
