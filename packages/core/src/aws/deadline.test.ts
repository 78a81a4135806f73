import { type AwsPeers, type FaultProxy, startAwsPeers, startFaultProxy } from '@shared-hosting/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RemoteError } from '../errors/errors.js';
import { ADAPTER_NAMES } from '../testing/names.js';
import { createAwsPorts } from './index.js';

let peers: AwsPeers;
let proxy: FaultProxy;

beforeAll(async () => {
  peers = await startAwsPeers({ region: 'eu-west-1' });
  proxy = await startFaultProxy(peers.env.AWS_ENDPOINT_URL);
  peers.aws.ssm.seed('/shared-hosting/slow/prod/version', 'v1');
});
afterAll(async () => {
  await proxy?.stop();
  await peers?.stop();
});
beforeEach(() => proxy.clearFaults());

/** Ports through the proxy, with short timeouts: 200 ms per request, 1 s per call. */
async function portsThroughProxy(lines: string[]) {
  return createAwsPorts({
    names: ADAPTER_NAMES,
    env: { ...peers.env, AWS_ENDPOINT_URL: proxy.url },
    retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 5 },
    requestTimeoutMs: 200,
    callDeadlineMs: 1_000,
    onRetry: (line) => lines.push(line),
  });
}

describe('AWS deadlines (a fault-injecting proxy in front of the test server)', () => {
  it('fails a request that never answers within the call deadline, naming the service, saying it retried', async () => {
    const lines: string[] = [];
    const ports = await portsThroughProxy(lines);
    proxy.inject({ match: 'GetParameter', fault: 'hang' });
    const started = Date.now();
    const error = await ports.parameters.get('/shared-hosting/slow/prod/version').catch((e: unknown) => e);
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(RemoteError);
    expect((error as RemoteError).service).toBe('ssm');
    expect((error as RemoteError).code).toBe('AWS_UNAVAILABLE');
    expect((error as RemoteError).message).toMatch(
      /^SSM kept failing on GetParameter \(no answer: every attempt timed out\) after [3-5] attempts\.$/,
    );
    expect(elapsed).toBeGreaterThanOrEqual(600);
    expect(elapsed).toBeLessThan(1_500);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^SSM did not answer within 0\.2 s; retrying in \d+(\.\d)? s \(attempt 2\)$/);
  });

  it('gets the answer when a hung request is retried, and a cut connection too', async () => {
    const lines: string[] = [];
    const ports = await portsThroughProxy(lines);
    const before = proxy.seen.length;
    proxy.inject({ match: 'GetParameter', fault: 'hang', times: 1 });
    proxy.inject({ match: 'GetParameter', fault: 'cut', times: 1 });
    expect((await ports.parameters.get('/shared-hosting/slow/prod/version'))?.value).toBe('v1');
    // The hang, the cut, then plain requests until one is answered: on a busy machine a plain one can
    // outlast the 0.2 s request timeout too, and is retried like the hang (its own "did not answer" line).
    const faults = proxy.seen.slice(before).map((s) => s.fault);
    expect(faults.slice(0, 2)).toEqual(['hang', 'cut']);
    expect(faults.length).toBeGreaterThanOrEqual(3);
    expect(faults.slice(2).every((f) => f === undefined)).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(/^SSM did not answer within 0\.2 s/);
    expect(lines[1]).toMatch(/^SSM closed the connection without answering \(ECONNRESET\); retrying/);
    for (const line of lines.slice(2)) expect(line).toMatch(/^SSM did not answer within 0\.2 s/);
  });

  it('retries 5xx and 429 answered by the proxy, without a retrying line (the request was answered)', async () => {
    const lines: string[] = [];
    const ports = await portsThroughProxy(lines);
    proxy.inject({ match: 'GetParameter', fault: { status: 503 }, times: 1 });
    proxy.inject({
      match: 'GetParameter',
      fault: { status: 429, headers: { 'retry-after': '0' } },
      times: 1,
    });
    expect((await ports.parameters.get('/shared-hosting/slow/prod/version'))?.value).toBe('v1');
    expect(lines).toEqual([]);
  });
});
