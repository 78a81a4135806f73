import { randomBytes, randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type EcrBackend, EcrState } from './ecr.js';
import { EcsState } from './ecs.js';
import { AwsServiceError, statusOf } from './errors.js';
import { loadModel, type ServiceModel } from './model.js';
import { type TestCredentials, verifySigV4 } from './sigv4.js';
import { SsmState } from './ssm.js';

export type AwsService = 'ssm' | 'ecr' | 'ecs';

/** One request the peer received, for assertions ("no call to any peer", "retried 3 times"). */
export interface AwsRequestRecord {
  service: AwsService | undefined;
  /** Operation name from `x-amz-target`, e.g. `PutParameter`. */
  operation: string | undefined;
  params: Record<string, unknown> | undefined;
  status: number;
  /** Error `__type` when the answer was an error. */
  errorType?: string | undefined;
  /** True when the answer came from `inject()`. */
  injected: boolean;
  accessKeyId?: string | undefined;
  region?: string | undefined;
  at: number;
}

/** A fault to answer with instead of the real operation. */
export interface FaultInjection {
  /** Operation name (`PutParameter`), or `*` for any. */
  operation: string;
  service?: AwsService | undefined;
  /** HTTP status; for 502/503/504 without errorType the body is a proxy's HTML page. */
  status?: number | undefined;
  /** AWS error type, e.g. `ThrottlingException`, `InternalServerError`, `AccessDeniedException`, `TooManyUpdates`. */
  errorType?: string | undefined;
  message?: string | undefined;
  /** How many requests to fail (default 1). */
  times?: number | undefined;
  /** Wait this long before answering (to provoke client timeouts). */
  delayMs?: number | undefined;
}

export interface AwsTestServerOptions {
  /** Registry behind the ECR operations (GetAuthorizationToken, DescribeImages, BatchGetImage, PutImage). */
  registry?: EcrBackend | undefined;
  accountId?: string | undefined;
  /** Region in the ARNs of ECS resources (default `eu-west-1`). */
  region?: string | undefined;
  /** ECS scheduler: milliseconds per task transition (default 200). */
  ecsTickMs?: number | undefined;
  /** Credentials the peer accepts; generated when omitted. */
  credentials?: readonly Omit<TestCredentials, 'arn'>[] | undefined;
  /**
   * When our own answer would violate the service model: `throw` (default) makes `stop()`/`assertNoViolations()`
   * fail the test and answers 500; `ignore` only records it.
   */
  onOutputViolation?: 'throw' | 'ignore';
}

export interface AwsTestServer {
  /** `http://127.0.0.1:PORT`: what AWS_ENDPOINT_URL points at. */
  url: string;
  accountId: string;
  /** The first credential set: the one the env vars carry. */
  credentials: TestCredentials;
  /** Every request received, in order. */
  readonly requests: AwsRequestRecord[];
  /** Answers of ours that the service model does not allow (always empty in a healthy test). */
  readonly outputViolations: string[];
  ssm: SsmState;
  ecr: EcrState;
  /** ECS control plane: `addService()` seeds a service; deployments progress every `tickMs`. */
  ecs: EcsState;
  inject(fault: FaultInjection): void;
  clearInjections(): void;
  /** Requests of one operation (optionally of one service). */
  calls(operation: string, service?: AwsService): AwsRequestRecord[];
  /** Forget recorded requests. */
  clearRequests(): void;
  assertNoViolations(): void;
  stop(): Promise<void>;
}

const SERVICES: Record<AwsService, { model: string; prefix: string }> = {
  ssm: { model: 'ssm-2014-11-06', prefix: 'AmazonSSM.' },
  ecr: { model: 'ecr-2015-09-21', prefix: 'AmazonEC2ContainerRegistry_V20150921.' },
  ecs: { model: 'ecs-2014-11-13', prefix: 'AmazonEC2ContainerServiceV20141113.' },
};

let models: Record<AwsService, ServiceModel> | undefined;
function getModels(): Record<AwsService, ServiceModel> {
  models ??= {
    ssm: loadModel('ssm-2014-11-06'),
    ecr: loadModel('ecr-2015-09-21'),
    ecs: loadModel('ecs-2014-11-13'),
  };
  return models;
}

/** The default test identity: what LastModifiedUser and AccessDenied messages name. */
export const TEST_USER_NAME = 'testkit-deployer';

/**
 * One AWS JSON 1.1 server for the SSM and ECR operations the engine uses. Every request is checked: SigV4
 * signature with the test credentials, `x-amz-target` routing, the input against the official model; every
 * answer against the output shape.
 */
export async function startAwsServer(options: AwsTestServerOptions = {}): Promise<AwsTestServer> {
  const accountId = options.accountId ?? '123456789012';
  const credentials: TestCredentials[] = (
    options.credentials ?? [
      {
        accessKeyId: `AKIATESTKIT${randomBytes(5).toString('hex').toUpperCase()}`,
        secretAccessKey: randomBytes(30).toString('base64'),
      },
    ]
  ).map((c) => ({ ...c, arn: `arn:aws:iam::${accountId}:user/${TEST_USER_NAME}` }));
  const first = credentials[0];
  if (!first) throw new Error('startAwsServer: at least one credential set is needed');
  const ssm = new SsmState();
  const ecr = new EcrState(options.registry);
  const ecs = new EcsState({
    region: options.region,
    accountId,
    tickMs: options.ecsTickMs,
    pullSource: options.registry,
  });
  const requests: AwsRequestRecord[] = [];
  const outputViolations: string[] = [];
  const faults: (FaultInjection & { remaining: number })[] = [];
  const strict = (options.onOutputViolation ?? 'throw') === 'throw';

  const send = (
    res: ServerResponse,
    record: AwsRequestRecord,
    status: number,
    body: unknown,
    errorType?: string,
  ) => {
    record.status = status;
    record.errorType = errorType;
    requests.push(record);
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
  };

  const sendError = (res: ServerResponse, record: AwsRequestRecord, error: AwsServiceError) =>
    send(res, record, error.status, { __type: error.errorType, message: error.message }, error.errorType);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const record: AwsRequestRecord = {
      service: undefined,
      operation: undefined,
      params: undefined,
      status: 0,
      injected: false,
      at: Date.now(),
    };
    const target = String(req.headers['x-amz-target'] ?? '');
    const service = (Object.keys(SERVICES) as AwsService[]).find((s) =>
      target.startsWith(SERVICES[s].prefix),
    );
    if (req.method !== 'POST' || !service) {
      return sendError(
        res,
        record,
        new AwsServiceError(
          'UnknownOperationException',
          `The testkit AWS peer answers POST / with x-amz-target AmazonSSM.*, AmazonEC2ContainerRegistry_V20150921.* or AmazonEC2ContainerServiceV20141113.* (got ${req.method} ${target || 'no target'}).`,
        ),
      );
    }
    const model = getModels()[service];
    const operation = target.slice(SERVICES[service].prefix.length);
    record.service = service;
    record.operation = operation;
    if (!model.operations.includes(operation)) {
      return sendError(
        res,
        record,
        new AwsServiceError('UnknownOperationException', `Unknown operation ${target}.`),
      );
    }
    const contentType = String(req.headers['content-type'] ?? '');
    if (!contentType.startsWith('application/x-amz-json-1.1')) {
      return sendError(
        res,
        record,
        new AwsServiceError(
          'SerializationException',
          `Expected content-type application/x-amz-json-1.1, got "${contentType}".`,
        ),
      );
    }
    const signature = await verifySigV4(
      { method: req.method, url: req.url ?? '/', headers: req.headers, body },
      credentials,
      model.signingName,
    );
    if (!signature.ok) {
      return sendError(
        res,
        record,
        new AwsServiceError(signature.errorType, signature.message, signature.status),
      );
    }
    record.accessKeyId = signature.credentials.accessKeyId;
    record.region = signature.region;
    let params: unknown;
    try {
      params = body === '' ? {} : JSON.parse(body);
    } catch {
      return sendError(
        res,
        record,
        new AwsServiceError('SerializationException', 'Request body is not valid JSON.'),
      );
    }
    record.params = params as Record<string, unknown>;
    const problems = model.validateInput(operation, params);
    if (problems.length > 0) {
      const message =
        problems.length === 1
          ? `1 validation error detected: ${problems[0]}`
          : `${problems.length} validation errors detected: ${problems.join('; ')}`;
      return sendError(res, record, new AwsServiceError('ValidationException', message));
    }

    const fault = faults.find(
      (f) =>
        f.remaining > 0 &&
        (f.operation === '*' || f.operation === operation) &&
        (!f.service || f.service === service),
    );
    if (fault) {
      fault.remaining--;
      if (fault.remaining === 0) faults.splice(faults.indexOf(fault), 1);
      record.injected = true;
      if (fault.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
      if (!fault.errorType) {
        const status = fault.status ?? 500;
        return send(
          res,
          record,
          status,
          `<html><body><h1>${status} ${http.STATUS_CODES[status] ?? ''}</h1></body></html>`,
        );
      }
      const message =
        fault.message ??
        defaultFaultMessage(
          fault.errorType,
          service,
          operation,
          signature.credentials.arn,
          params,
          signature.region,
          accountId,
        );
      return sendError(
        res,
        record,
        new AwsServiceError(fault.errorType, message, fault.status ?? statusOf(fault.errorType)),
      );
    }

    let output: Record<string, unknown>;
    try {
      const input = params as Record<string, unknown>;
      const caller = { arn: signature.credentials.arn, region: signature.region, accountId };
      output =
        service === 'ssm'
          ? ssm.handle(operation, input, caller)
          : service === 'ecs'
            ? ecs.handle(operation, input, caller)
            : await ecr.handle(operation, input, caller);
    } catch (error) {
      if (error instanceof AwsServiceError) return sendError(res, record, error);
      return sendError(
        res,
        record,
        new AwsServiceError(
          service === 'ssm' ? 'InternalServerError' : 'ServerException',
          `testkit: ${(error as Error).message}`,
          500,
        ),
      );
    }
    const outputProblems = model.validateOutput(operation, output);
    if (outputProblems.length > 0) {
      const text = `${service}:${operation} answer violates the model: ${outputProblems.join('; ')}`;
      outputViolations.push(text);
      if (strict)
        return sendError(res, record, new AwsServiceError('InternalFailure', `testkit: ${text}`, 500));
    }
    return send(res, record, 200, output);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify({ __type: 'InternalFailure', message: `testkit: ${String(error)}` }));
      }
    });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

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
    url: `http://127.0.0.1:${port}`,
    accountId,
    credentials: first,
    requests,
    outputViolations,
    ssm,
    ecr,
    ecs,
    inject: (fault) => {
      if (!fault.errorType && !fault.status) throw new Error('inject: give an errorType or a status');
      faults.push({ ...fault, remaining: fault.times ?? 1 });
    },
    clearInjections: () => {
      faults.length = 0;
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

function defaultFaultMessage(
  errorType: string,
  service: AwsService,
  operation: string,
  arn: string,
  params: unknown,
  region: string,
  accountId: string,
): string {
  const p = (params ?? {}) as Record<string, unknown>;
  switch (errorType) {
    case 'ThrottlingException':
      return 'Rate exceeded';
    case 'AccessDeniedException': {
      const resource =
        service === 'ssm'
          ? `arn:aws:ssm:${region}:${accountId}:parameter${String(p.Name ?? '/*')}`
          : service === 'ecs'
            ? ecsResource(operation, p, region, accountId)
            : `arn:aws:ecr:${region}:${accountId}:repository/${String(p.repositoryName ?? (p.repositoryNames as string[] | undefined)?.[0] ?? '*')}`;
      return `User: ${arn} is not authorized to perform: ${service}:${operation} on resource: ${resource} because no identity-based policy allows the ${service}:${operation} action`;
    }
    case 'TooManyUpdates':
      return 'There are concurrent updates for the resource that you are trying to update. Please try again.';
    case 'HierarchyTypeMismatchException':
      return "Parameter Type can't be changed.";
    case 'ParameterLimitExceeded':
      return 'You have exceeded the number of parameters for this AWS account. Delete one or more parameters and try again.';
    case 'ParameterMaxVersionLimitExceeded':
      return `You attempted to create a new version of ${String(p.Name)} by calling the PutParameter API with the overwrite flag. Version 1, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`;
    case 'InternalServerError':
    case 'InternalFailure':
    case 'ServerException':
      return 'An internal error occurred.';
    case 'ExpiredTokenException':
      return 'The security token included in the request is expired';
    case 'UnrecognizedClientException':
      return 'The security token included in the request is invalid.';
    default:
      return `${errorType} (injected by the testkit)`;
  }
}

/** The resource an ECS AccessDenied names: the service, the task definition family, or `*`. */
function ecsResource(
  operation: string,
  p: Record<string, unknown>,
  region: string,
  accountId: string,
): string {
  const arn = `arn:aws:ecs:${region}:${accountId}`;
  const cluster = String(p.cluster ?? 'default').replace(/^.*:cluster\//, '');
  if (operation === 'UpdateService') return `${arn}:service/${cluster}/${String(p.service)}`;
  if (operation === 'DescribeServices')
    return `${arn}:service/${cluster}/${String((p.services as string[] | undefined)?.[0] ?? '*')}`;
  if (operation === 'RegisterTaskDefinition') return `${arn}:task-definition/${String(p.family)}:*`;
  if (operation === 'DescribeTaskDefinition')
    return `${arn}:task-definition/${String(p.taskDefinition).replace(/^.*:task-definition\//, '')}`;
  return '*';
}
