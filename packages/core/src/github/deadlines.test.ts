/**
 * Deadlines of the wait for the infra run: a rate limit that outlasts `<timeout>` ends the wait saying so
 * (exit 5), and polls that never answer (a fault-injecting proxy in front of the GitHub peer) end it by
 * the deadline. Time runs on a fake clock shared by the peer and the client; request timeouts are real.
 */
import { startFaultProxy, startGitHubPeer } from '@shared-hosting/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../errors/errors.js';
import type { InfraWorkflows } from '../ports/ports.js';
import { infraTarget, PeerClock } from '../testing/github.js';
import { ADAPTER_NAMES } from '../testing/names.js';
import { createGitHubWorkflows } from './index.js';

const target = infraTarget();

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/**
 * The peer, a fault proxy in front of it, and the workflows talking through the proxy: `gh` waits with
 * `requestTimeoutMs`; `dispatch` (10 s per request, so a loaded machine does not fail the setup) dispatches.
 */
async function setup(requestTimeoutMs = 10_000) {
  const clock = new PeerClock();
  const peer = await startGitHubPeer({ clock });
  stops.push(() => peer.stop());
  const proxy = await startFaultProxy(peer.url);
  stops.push(() => proxy.stop());
  const workflows = (timeoutMs: number): Promise<InfraWorkflows> =>
    createGitHubWorkflows({
      names: ADAPTER_NAMES,
      token: peer.token,
      baseUrl: proxy.url,
      clock,
      log: () => {},
      tuning: { retryAfterBaseValue: 1, writeMinTimeMs: 0, requestTimeoutMs: timeoutMs },
    });
  const [gh, dispatcher] = await Promise.all([workflows(requestTimeoutMs), workflows(10_000)]);
  const dispatch = () => dispatcher.dispatch(target);
  return { peer, proxy, clock, gh, dispatch };
}

const isRunPoll = (r: { method: string; path: string }) =>
  r.method === 'GET' && /\/actions\/runs\/\d+(\?|$)/.test(r.path);

describe('the wait for the infra run, within its deadline', () => {
  it('a rate limit asking for longer than the time left ends the wait saying so (exit 5), not as a timeout', async () => {
    const { peer, proxy, clock, gh, dispatch } = await setup();
    peer.scenario.nextRun({
      queuedMs: 500,
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy', durationMs: 1000 }] }],
    });
    const run = await dispatch();
    proxy.inject({ match: isRunPoll, fault: { status: 403, headers: { 'retry-after': '120' } } });
    const t0 = clock.now();
    const error = await gh.wait(run, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('GITHUB_RATE_LIMITED_WAITING');
    expect((error as RemoteError).message).toMatch(
      /^GitHub's rate limit stopped the wait for the infra deployment: run \d+ answered HTTP 403 asking to wait 2m 0s, more than the 1m 0s left of the 1m 0s timeout/,
    );
    expect((error as RemoteError).message).toContain('Whether the run finished is unknown');
    expect((error as RemoteError).message).not.toMatch(/did not finish/);
    expect(clock.now() - t0).toBeLessThan(60_000); // no sleeping to the deadline for nothing
  });

  it('a rate limit that fits in the time left is waited out, and the run reported', async () => {
    const { peer, proxy, clock, gh, dispatch } = await setup();
    peer.scenario.nextRun({
      queuedMs: 500,
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy', durationMs: 1000 }] }],
    });
    const run = await dispatch();
    proxy.inject({ match: isRunPoll, fault: { status: 429, headers: { 'retry-after': '30' } }, times: 1 });
    const t0 = clock.now();
    const result = await gh.wait(run, { timeoutMs: 60_000 });
    expect(result.conclusion).toBe('success');
    expect(clock.now() - t0).toBeGreaterThanOrEqual(30_000);
  });

  it('polls that never answer end the wait by its deadline with exit 5, naming GitHub', async () => {
    const { peer, proxy, clock, gh, dispatch } = await setup(200);
    peer.scenario.nextRun({
      queuedMs: 500,
      jobs: [{ name: 'deploy', steps: [{ name: 'Deploy', durationMs: 1000 }] }],
    });
    const run = await dispatch();
    proxy.inject({ match: isRunPoll, fault: 'hang' });
    const t0 = clock.now();
    const started = Date.now();
    const error = await gh.wait(run, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).code).toBe('GITHUB_UNAVAILABLE_WAITING');
    expect((error as RemoteError).message).toMatch(
      /^GitHub kept failing while waiting for the infra deployment/,
    );
    expect(clock.now() - t0).toBeLessThanOrEqual(60_000);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(proxy.seen.filter((s) => s.fault === 'hang').length).toBeGreaterThanOrEqual(2);
  });
});
