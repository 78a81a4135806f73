/**
 * A fault-injecting HTTP proxy to put in front of a test server (the AWS server, the GitHub server):
 * it forwards every request unchanged (the Host header too, so SigV4 signatures still verify) unless a
 * rule matches, and then it hangs (accepts the request, never answers), answers a status of its own
 * (5xx, 429 with Retry-After) or cuts the connection.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * What the proxy does instead of forwarding: hang, cut, answer a status of its own, or forward after a
 * delay (`delayMs`; not at all when the client went away meanwhile, as a killed process's request).
 */
export type ProxyFault =
  | 'hang'
  | 'cut'
  | { status: number; headers?: Record<string, string>; body?: string }
  | { delayMs: number };

/** The request as a rule sees it. */
export interface ProxyRequest {
  method: string;
  /** Path and query, e.g. `/repos/o/r/actions/workflows/deploy.yml/dispatches`. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The request body (read before the rule is chosen): tells one SSM `PutParameter` from another. */
  body: string;
}

export interface ProxyFaultRule {
  /** Which requests: a predicate, or an AWS operation (`GetParameter`, matched on `x-amz-target`); default all. */
  match?: ((request: ProxyRequest) => boolean) | string;
  fault: ProxyFault;
  /** How many matching requests get the fault (default: all of them). */
  times?: number;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: use it as the endpoint instead of the target's. */
  url: string;
  inject(rule: ProxyFaultRule): void;
  clearFaults(): void;
  /** Every request seen, with the fault it got (`undefined`: forwarded). */
  readonly seen: { request: ProxyRequest; fault: ProxyFault | undefined }[];
  stop(): Promise<void>;
}

function matches(rule: ProxyFaultRule, request: ProxyRequest): boolean {
  if (rule.match === undefined) return true;
  if (typeof rule.match === 'function') return rule.match(request);
  const target = String(request.headers['x-amz-target'] ?? '');
  return target.endsWith(`.${rule.match}`);
}

/** The fault for this request, counting down the rule's `times`. */
function takeFault(rules: ProxyFaultRule[], request: ProxyRequest): ProxyFault | undefined {
  const rule = rules.find((r) => (r.times === undefined || r.times > 0) && matches(r, request));
  if (!rule) return undefined;
  if (rule.times !== undefined) rule.times -= 1;
  return rule.fault;
}

function forward(target: URL, req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
  const upstream = http.request(
    { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  upstream.end(body);
}

function applyFault(
  fault: Exclude<ProxyFault, { delayMs: number }>,
  req: http.IncomingMessage,
  res: http.ServerResponse,
): void {
  if (fault === 'hang') return; // the body was read; never answer
  if (fault === 'cut') {
    req.socket.destroy();
    return;
  }
  const body = fault.body ?? JSON.stringify({ message: `injected HTTP ${fault.status}` });
  res.writeHead(fault.status, { 'content-type': 'application/json', ...fault.headers });
  res.end(body);
}

/** Start a proxy in front of `target` (an http URL) on a port chosen by the OS. */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const to = new URL(target);
  const rules: ProxyFaultRule[] = [];
  const seen: FaultProxy['seen'] = [];
  const sockets = new Set<Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const request = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: body.toString('utf8'),
      };
      const fault = takeFault(rules, request);
      seen.push({ request, fault });
      if (typeof fault === 'object' && 'delayMs' in fault) {
        setTimeout(() => {
          if (!req.socket.destroyed) forward(to, req, body, res);
        }, fault.delayMs);
      } else if (fault) applyFault(fault, req, res);
      else forward(to, req, body, res);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    inject: (rule) => rules.push({ ...rule }),
    clearFaults: () => rules.splice(0),
    seen,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
