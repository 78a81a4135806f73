import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What the gate does with a request for one repository: pass it to the registry, or answer as ECR does for a
 * repository that does not exist (404 NAME_UNKNOWN) or an identity the IAM policy does not cover (403 DENIED).
 */
export type GateDecision = 'allow' | 'missing' | 'denied';

export type GatePolicy = (repository: string, method: string) => GateDecision;

/** An HTTP front of a real registry that answers like ECR for the repositories the policy names. */
export interface RegistryGate {
  url: string;
  /** `127.0.0.1:PORT`: use it as the registry host in image references and auth. */
  host: string;
  stop(): Promise<void>;
}

/** `/v2/<name>/(blobs|manifests|tags)/...` → `<name>`; undefined for `/v2/` itself. */
export function repositoryOf(pathname: string): string | undefined {
  const match = /^\/v2\/(.+?)\/(blobs|manifests|tags)\//.exec(pathname);
  return match?.[1];
}

/**
 * The Debian registry creates a repository on its first push and knows no permissions; ECR refuses both.
 * Tests that need a missing or write-protected repository put this gate in front of the real registry: every
 * other request (and the `Host` header, so upload locations point back at the gate) passes unchanged.
 */
export async function startRegistryGate(
  upstreamUrl: string,
  policy: GatePolicy,
  accountId = '000000000000',
): Promise<RegistryGate> {
  const upstream = new URL(upstreamUrl);
  const server = http.createServer((req, res) => {
    const repository = repositoryOf(new URL(req.url ?? '/', 'http://gate').pathname);
    const decision = repository ? policy(repository, req.method ?? 'GET') : 'allow';
    if (decision !== 'allow') {
      req.resume();
      const [status, code, message] =
        decision === 'missing'
          ? [
              404,
              'NAME_UNKNOWN',
              `The repository with name '${repository}' does not exist in the registry with id '${accountId}'`,
            ]
          : [
              403,
              'DENIED',
              `User: arn:aws:sts::${accountId}:assumed-role/deploy/ci is not authorized to perform: ecr:InitiateLayerUpload on resource: ${repository}`,
            ];
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify({ errors: [{ code, message }] }));
      return;
    }
    const forward = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.once('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`gate: ${error.message}`);
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
