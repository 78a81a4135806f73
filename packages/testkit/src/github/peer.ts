/**
 * A local GitHub API test server for the infra repository and its deploy workflow. It serves the REST API
 * versions `2022-11-28` and `2026-03-10` (or, in the older-GHES mode, only `2022-11-28` from GitHub Enterprise
 * Server's description), and checks every request and response against the description of the version asked
 * for; violations are recorded and make `stop()` throw, so a test that provoked one fails.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createHandler, type ServedVersion } from './http.js';
import { Objects } from './objects.js';
import { API_VERSIONS, type ApiVersion, loadGitHubSpec } from './openapi.js';
import { infraRepo, scenarioOf } from './scenario.js';
import { PeerState } from './state.js';
import type { GitHubPeer, GitHubPeerOptions } from './types.js';

export type {
  AppOptions,
  Fault,
  GitHubPeer,
  GitHubPeerOptions,
  GitHubPeerStats,
  GitHubScenario,
  InfraRepo,
  IssuedToken,
  RequestLogEntry,
  TestApp,
  TokenAccess,
  TokenSpec,
} from './types.js';
export { defaultWorkflowYaml } from './workflow-file.js';

/** Starts the server on 127.0.0.1 with a port the OS picks. */
export async function startGitHubPeer(options: GitHubPeerOptions = {}): Promise<GitHubPeer> {
  const older = options.ghes === true || options.returnRunDetails === false;
  const versions = options.apiVersions ?? (older ? (['2022-11-28'] as const) : API_VERSIONS);
  const specs = await Promise.all(
    versions.map((v) => loadGitHubSpec(v, options.ghes ? 'ghes-3.19' : 'api.github.com')),
  );
  const prefix = (options.pathPrefix ?? (options.ghes ? '/api/v3' : '')).replace(/\/$/, '');
  let handler: ReturnType<typeof createHandler> | undefined;
  const violations: string[] = [];
  const server = http.createServer((req, res) => {
    handler?.(req, res).catch((error: unknown) => {
      violations.push(`test server crashed on ${req.method} ${req.url}: ${String(error)}`);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'test server error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const s = new PeerState(options, { origin, api: `${origin}${prefix}`, web: `${origin}/_web` });
  s.stats.violations = violations;
  const served = new Map<ApiVersion, ServedVersion>(
    specs.map((spec) => [spec.version, { spec, objects: new Objects(spec, s) }]),
  );
  handler = createHandler(s, served, prefix);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const assertValid = () => {
    if (violations.length === 0) return;
    throw new Error(`GitHub peer saw ${violations.length} OpenAPI violation(s):\n${violations.join('\n')}`);
  };
  return {
    apiVersions: versions,
    url: s.urls.api,
    webUrl: s.urls.web,
    token: s.token,
    infra: infraRepo(s),
    scenario: scenarioOf(s),
    stats: s.stats,
    assertValid,
    stop: async () => {
      await stopRuns(s);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      if (options.failOnViolation ?? true) assertValid();
    },
  };
}

/** Executed runs still going are cancelled (their processes killed) before the server goes. */
async function stopRuns(s: PeerState): Promise<void> {
  const going = [...s.liveRuns.values()].filter((live) => live.status !== 'completed');
  for (const live of going) live.cancel();
  await Promise.race([
    Promise.all(going.map((live) => live.done)),
    new Promise((resolve) => setTimeout(resolve, 5000).unref()),
  ]);
}
