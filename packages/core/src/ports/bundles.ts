import type { Reporter } from './events.js';
import type { Clock, ImageBuilder, InfraWorkflows, ParameterStore, Registry } from './ports.js';

/** Every side effect an operation may perform, passed in once. */
export interface Ports {
  /** Resolved lazily: a deployment whose image already exists needs no builder at all. */
  builder: () => Promise<ImageBuilder>;
  registry: Registry;
  parameters: ParameterStore;
  /** Undefined when no GitHub token is available: only a dry run can proceed then. */
  workflows: InfraWorkflows | undefined;
  clock: Clock;
  reporter: Reporter;
  /** Release what the ports hold (revoke GitHub App tokens). Adapters call it once, at the end. */
  close?(): Promise<void>;
}

/** The ports a rollback or promote uses: no builder, so neither can build by construction. */
export type OperationPorts = Omit<Ports, 'builder'>;
