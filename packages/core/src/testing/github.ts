// What the tests against the GitHub test server share (github/workflows.integration.test.ts, deadlines.test.ts,
// app.integration.test.ts): the infra workflow they dispatch, and a clock that lets the server answer
// while time stands still. Test helpers, not exported from the package.
import type { WorkflowTarget } from '../ports/ports.js';
import { FakeClock } from './fakes.js';

/** acme/infra's deploy.yaml on main, for hello-app's production unless `inputs` say otherwise. */
export function infraTarget(
  inputs: Record<string, string> = { application: 'hello-app', environment: 'production' },
): WorkflowTarget {
  return { owner: 'acme', repo: 'infra', workflow: 'deploy.yaml', ref: 'main', inputs };
}

/**
 * A fake clock for a client of the GitHub test server: its time moves only when something sleeps, and each
 * sleep lets the server (in this process) answer before it returns; `slept` counts what was slept.
 */
export class PeerClock extends FakeClock {
  slept = 0;
  constructor(time = Date.parse('2026-03-01T09:00:00.400Z')) {
    super(time);
  }
  override async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    await super.sleep(ms, signal);
    this.slept += ms;
    await new Promise((r) => setImmediate(r));
    if (signal?.aborted) throw signal.reason;
  }
}
