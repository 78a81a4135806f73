import type { EcrBackend, EcrState } from './ecr.js';
import type { EcsState, EcsStateOptions } from './ecs.js';
import type { ServiceModel } from './model.js';
import type { TestCredentials } from './sigv4.js';
import type { SsmState } from './ssm.js';

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
  /** More ECS options (the clock's compression, the service deployments API switch, …). */
  ecs?: Omit<EcsStateOptions, 'region' | 'accountId' | 'pullSource'> | undefined;
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
  /** The vendored botocore models the server validates against (`models().ecs.source` = `botocore 1.43.11`). */
  models(): Record<AwsService, ServiceModel>;
  inject(fault: FaultInjection): void;
  clearInjections(): void;
  /** Requests of one operation (optionally of one service). */
  calls(operation: string, service?: AwsService): AwsRequestRecord[];
  /** Forget recorded requests. */
  clearRequests(): void;
  assertNoViolations(): void;
  stop(): Promise<void>;
}
