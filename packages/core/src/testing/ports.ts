// The ports bundle of an operation over the in-memory fakes, for unit tests of the core and of the adapters
// (`fakePorts`, exported from `@shared-hosting/core/testing`).
import type { Ports } from '../ports/bundles.js';
import type { Reporter } from '../ports/events.js';
import type { Clock, ImageBuilder, InfraWorkflows, ParameterStore, Registry } from '../ports/ports.js';

/** The fakes the bundle is made of (those of `createFakes()`). */
interface PortFakes {
  builder: ImageBuilder;
  registry: Registry;
  parameters: ParameterStore;
  workflows: InfraWorkflows;
  clock: Clock;
}

/** As real SSM: GetParameter returns no Description (only GetParameterHistory does). */
function asSsm(store: ParameterStore): ParameterStore {
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

/**
 * The ports of an operation over the fakes (each port one of `fakes`, the builder resolved at once), with
 * SSM as the real one answers, and `reporter`. A test that needs a port of its own spreads this and
 * replaces it; rollback and promote take it without the builder (`OperationPorts`).
 */
export function fakePorts(fakes: PortFakes, reporter: Reporter): Ports {
  return {
    builder: async () => fakes.builder,
    registry: fakes.registry,
    parameters: asSsm(fakes.parameters),
    workflows: fakes.workflows,
    clock: fakes.clock,
    reporter,
  };
}
