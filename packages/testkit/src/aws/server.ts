import { randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EcrState } from './ecr.js';
import { EcsState } from './ecs.js';
import { AwsServiceError, statusOf } from './errors.js';
import { defaultFaultMessage } from './fault-messages.js';
import { loadModel, type ModelName, type ServiceModel } from './model.js';
import type {
  AwsRequestRecord,
  AwsService,
  AwsTestServer,
  AwsTestServerOptions,
  FaultInjection,
} from './server-types.js';
import { type TestCredentials, verifySigV4 } from './sigv4.js';
import { SsmState } from './ssm.js';

export type {
  AwsRequestRecord,
  AwsService,
  AwsTestServer,
  AwsTestServerOptions,
  FaultInjection,
} from './server-types.js';

const SERVICES: Record<AwsService, { model: ModelName; prefix: string }> = {
  ssm: { model: 'ssm-2014-11-06', prefix: 'AmazonSSM.' },
  ecr: { model: 'ecr-2015-09-21', prefix: 'AmazonEC2ContainerRegistry_V20150921.' },
  ecs: { model: 'ecs-2014-11-13', prefix: 'AmazonEC2ContainerServiceV20141113.' },
};

/** Errors any operation may answer (the protocol's and the authentication's), declared or not. */
const COMMON_ERRORS = new Set([
  'ValidationException',
  'SerializationException',
  'UnknownOperationException',
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
  'ThrottlingException',
  'InternalFailure',
]);

let models: Record<AwsService, ServiceModel> | undefined;
function getModels(): Record<AwsService, ServiceModel> {
  models ??= {
    ssm: loadModel(SERVICES.ssm.model),
    ecr: loadModel(SERVICES.ecr.model),
    ecs: loadModel(SERVICES.ecs.model),
  };
  return models;
}

/** The default test identity: what LastModifiedUser and AccessDenied messages name. */
export const TEST_USER_NAME = 'testkit-deployer';

interface ServerContext {
  accountId: string;
  credentials: TestCredentials[];
  ssm: SsmState;
  ecr: EcrState;
  ecs: EcsState;
  requests: AwsRequestRecord[];
  outputViolations: string[];
  faults: (FaultInjection & { remaining: number })[];
  strict: boolean;
}

interface Routed {
  service: AwsService;
  model: ServiceModel;
  operation: string;
}

interface Caller {
  arn: string;
  region: string;
  accountId: string;
}

/**
 * One AWS JSON 1.1 server for the SSM, ECR and ECS operations the engine uses. Every request is checked:
 * SigV4 signature with the test credentials, `x-amz-target` routing, the input against the vendored botocore
 * model; every answer against the output shape, every error against the operation's declared errors.
 */
export async function startAwsServer(options: AwsTestServerOptions = {}): Promise<AwsTestServer> {
  const accountId = options.accountId ?? '123456789012';
  const credentials = testCredentials(options, accountId);
  const first = credentials[0];
  if (!first) throw new Error('startAwsServer: at least one credential set is needed');
  const context: ServerContext = {
    accountId,
    credentials,
    ssm: new SsmState(),
    ecr: new EcrState(options.registry),
    ecs: new EcsState({
      region: options.region,
      accountId,
      tickMs: options.ecsTickMs,
      pullSource: options.registry,
      ...options.ecs,
    }),
    requests: [],
    outputViolations: [],
    faults: [],
    strict: (options.onOutputViolation ?? 'throw') === 'throw',
  };
  const server = http.createServer((req, res) => {
    handle(context, req, res).catch((error: unknown) => {
      if (res.headersSent) return;
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ __type: 'InternalFailure', message: `testkit: ${String(error)}` }));
    });
  });
  // Idle connections stay open as AWS's endpoints keep them (a minute), not Node's 5 s: the SDK's agent reuses
  // a connection after a wait (a deploy's wait on the infra run), and a server closing it at 5 s races that
  // reuse (ECONNRESET, retried by the client, and a transcript with a retry line it did not have before).
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return serverHandle(context, server, `http://127.0.0.1:${port}`, first);
}

function testCredentials(options: AwsTestServerOptions, accountId: string): TestCredentials[] {
  const given = options.credentials ?? [
    {
      accessKeyId: `AKIATESTKIT${randomBytes(5).toString('hex').toUpperCase()}`,
      secretAccessKey: randomBytes(30).toString('base64'),
    },
  ];
  return given.map((c) => ({ ...c, arn: `arn:aws:iam::${accountId}:user/${TEST_USER_NAME}` }));
}

function serverHandle(
  context: ServerContext,
  server: http.Server,
  url: string,
  first: TestCredentials,
): AwsTestServer {
  const { requests, outputViolations, ecs, strict } = context;
  const assertNoViolations = () => {
    if (ecs.schedulerErrors.length > 0) {
      throw new Error(`The ECS test peer's scheduler failed:\n${ecs.schedulerErrors.join('\n')}`);
    }
    if (outputViolations.length > 0) {
      throw new Error(
        `The AWS test peer produced answers its model does not allow:\n${outputViolations.join('\n')}`,
      );
    }
  };
  return {
    url,
    accountId: context.accountId,
    credentials: first,
    requests,
    outputViolations,
    ssm: context.ssm,
    ecr: context.ecr,
    ecs,
    models: () => getModels(),
    inject: (fault) => {
      if (!fault.errorType && !fault.status) throw new Error('inject: give an errorType or a status');
      context.faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    clearInjections: () => {
      context.faults.length = 0;
    },
    calls: (operation, service) =>
      requests.filter((r) => r.operation === operation && (!service || r.service === service)),
    clearRequests: () => {
      requests.length = 0;
    },
    assertNoViolations,
    stop: async () => {
      ecs.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (strict) assertNoViolations();
    },
  };
}

async function handle(context: ServerContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const record: AwsRequestRecord = {
    service: undefined,
    operation: undefined,
    params: undefined,
    status: 0,
    injected: false,
    at: Date.now(),
  };
  let routed: Routed | undefined;
  try {
    const body = await readBody(req);
    routed = route(req, record);
    const caller = await authenticate(context, req, body, routed, record);
    const params = parseParams(body, routed, record);
    const fault = takeFault(context, routed);
    if (fault) return await answerFault(context, res, record, fault, { ...routed, params, caller });
    const output = await dispatch(context, routed, params, caller);
    const problems = routed.model.validateOutput(routed.operation, output);
    if (problems.length === 0) return send(context, res, record, 200, output);
    const text = `${routed.service}:${routed.operation} answer violates the model: ${problems.join('; ')}`;
    context.outputViolations.push(text);
    if (!context.strict) return send(context, res, record, 200, output);
    throw new AwsServiceError('InternalFailure', `testkit: ${text}`, 500);
  } catch (error) {
    const serviceError = asServiceError(error, routed?.service);
    if (routed) checkDeclared(context, routed, serviceError.errorType);
    sendError(context, res, record, serviceError);
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function route(req: IncomingMessage, record: AwsRequestRecord): Routed {
  const target = String(req.headers['x-amz-target'] ?? '');
  const service = (Object.keys(SERVICES) as AwsService[]).find((s) => target.startsWith(SERVICES[s].prefix));
  if (req.method !== 'POST' || !service) {
    throw new AwsServiceError(
      'UnknownOperationException',
      `The testkit AWS peer answers POST / with x-amz-target AmazonSSM.*, AmazonEC2ContainerRegistry_V20150921.* or AmazonEC2ContainerServiceV20141113.* (got ${req.method} ${target || 'no target'}).`,
    );
  }
  const model = getModels()[service];
  const operation = target.slice(SERVICES[service].prefix.length);
  record.service = service;
  record.operation = operation;
  if (!model.operations.includes(operation)) {
    throw new AwsServiceError('UnknownOperationException', `Unknown operation ${target}.`);
  }
  const contentType = String(req.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/x-amz-json-1.1')) {
    throw new AwsServiceError(
      'SerializationException',
      `Expected content-type application/x-amz-json-1.1, got "${contentType}".`,
    );
  }
  return { service, model, operation };
}

async function authenticate(
  context: ServerContext,
  req: IncomingMessage,
  body: string,
  routed: Routed,
  record: AwsRequestRecord,
): Promise<Caller> {
  const signature = await verifySigV4(
    { method: req.method ?? 'POST', url: req.url ?? '/', headers: req.headers, body },
    context.credentials,
    routed.model.signingName,
  );
  if (!signature.ok) throw new AwsServiceError(signature.errorType, signature.message, signature.status);
  record.accessKeyId = signature.credentials.accessKeyId;
  record.region = signature.region;
  return { arn: signature.credentials.arn, region: signature.region, accountId: context.accountId };
}

function parseParams(body: string, routed: Routed, record: AwsRequestRecord): Record<string, unknown> {
  let params: unknown;
  try {
    params = body === '' ? {} : JSON.parse(body);
  } catch {
    throw new AwsServiceError('SerializationException', 'Request body is not valid JSON.');
  }
  record.params = params as Record<string, unknown>;
  const problems = routed.model.validateInput(routed.operation, params);
  if (problems.length === 0) return params as Record<string, unknown>;
  const message =
    problems.length === 1
      ? `1 validation error detected: ${problems[0]}`
      : `${problems.length} validation errors detected: ${problems.join('; ')}`;
  throw new AwsServiceError('ValidationException', message);
}

function takeFault(context: ServerContext, routed: Routed): FaultInjection | undefined {
  const fault = context.faults.find(
    (f) =>
      f.remaining > 0 &&
      (f.operation === '*' || f.operation === routed.operation) &&
      (!f.service || f.service === routed.service),
  );
  if (!fault) return undefined;
  fault.remaining--;
  if (fault.remaining === 0) context.faults.splice(context.faults.indexOf(fault), 1);
  return fault;
}

async function answerFault(
  context: ServerContext,
  res: ServerResponse,
  record: AwsRequestRecord,
  fault: FaultInjection,
  request: Routed & { params: Record<string, unknown>; caller: Caller },
): Promise<void> {
  record.injected = true;
  if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
  if (!fault.errorType) {
    const status = fault.status ?? 500;
    const page = `<html><body><h1>${status} ${http.STATUS_CODES[status] ?? ''}</h1></body></html>`;
    return send(context, res, record, status, page);
  }
  const message =
    fault.message ??
    defaultFaultMessage({
      errorType: fault.errorType,
      service: request.service,
      operation: request.operation,
      arn: request.caller.arn,
      params: request.params,
      region: request.caller.region,
      accountId: context.accountId,
    });
  const status = fault.status ?? statusOf(fault.errorType);
  sendError(context, res, record, new AwsServiceError(fault.errorType, message, status));
}

async function dispatch(
  context: ServerContext,
  routed: Routed,
  params: Record<string, unknown>,
  caller: Caller,
): Promise<Record<string, unknown>> {
  switch (routed.service) {
    case 'ssm':
      return context.ssm.handle(routed.operation, params, caller);
    case 'ecs':
      return await context.ecs.handle(routed.operation, params, caller);
    case 'ecr':
      return await context.ecr.handle(routed.operation, params, caller);
  }
}

function asServiceError(error: unknown, service: AwsService | undefined): AwsServiceError {
  if (error instanceof AwsServiceError) return error;
  const type = service === 'ssm' ? 'InternalServerError' : 'ServerException';
  return new AwsServiceError(type, `testkit: ${(error as Error).message}`, 500);
}

/** An error the operation does not declare (nor the protocol) is an answer outside the model. */
function checkDeclared(context: ServerContext, routed: Routed, errorType: string): void {
  if (COMMON_ERRORS.has(errorType) || routed.model.errors(routed.operation).includes(errorType)) return;
  context.outputViolations.push(
    `${routed.service}:${routed.operation} answered ${errorType}, an error the model does not declare for it`,
  );
}

function send(
  context: ServerContext,
  res: ServerResponse,
  record: AwsRequestRecord,
  status: number,
  body: unknown,
  errorType?: string,
): void {
  record.status = status;
  record.errorType = errorType;
  context.requests.push(record);
  const headers: Record<string, string> = { 'x-amzn-requestid': randomUUID() };
  let payload: string;
  if (typeof body === 'string') {
    headers['content-type'] = 'text/html';
    payload = body;
  } else {
    headers['content-type'] = 'application/x-amz-json-1.1';
    payload = JSON.stringify(body);
    if (errorType) headers['x-amzn-errortype'] = errorType;
  }
  res.writeHead(status, headers).end(payload);
}

function sendError(
  context: ServerContext,
  res: ServerResponse,
  record: AwsRequestRecord,
  error: AwsServiceError,
): void {
  const body = { __type: error.errorType, message: error.message };
  send(context, res, record, error.status, body, error.errorType);
}
