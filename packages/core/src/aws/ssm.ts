/** The `ParameterStore` port over SSM Parameter Store: versions, history with labels, labels, create, delete. */
import {
  DeleteParameterCommand,
  GetParameterCommand,
  GetParameterHistoryCommand,
  LabelParameterVersionCommand,
  type ParameterHistory,
  PutParameterCommand,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { withRetry } from '../domain/retry.js';
import { RemoteError } from '../errors/errors.js';
import type { ParameterStore, ParameterValue } from '../ports/ports.js';
import type { AwsCaller } from './call.js';
import { awsErrorName } from './errors.js';

/** SSM allows 1024 characters of Description. */
const MAX_DESCRIPTION = 1024;

export interface SsmOptions {
  /** First delay of the retries of TooManyUpdates. */
  baseDelayMs: number;
  debug?: ((message: string) => void) | undefined;
}

const codeOf = (error: unknown) => (error as { code?: string }).code;

function historyEntry(p: ParameterHistory, name: string): ParameterValue {
  return {
    name: p.Name ?? name,
    value: p.Value ?? '',
    version: p.Version ?? 0,
    lastModified: p.LastModifiedDate,
    lastModifiedUser: p.LastModifiedUser,
    description: p.Description,
    labels: p.Labels ?? [],
  };
}

function invalidLabels(name: string, version: number, invalid: readonly string[]): RemoteError {
  return new RemoteError(
    'ssm',
    'AWS_VALIDATION',
    `SSM rejected the label${invalid.length > 1 ? 's' : ''} ${invalid.map((l) => `"${l}"`).join(', ')} for version ${version} of ${name}.`,
    {
      fix: 'A label has 1-100 letters, digits, periods, hyphens or underscores and does not start with a digit, "aws" or "ssm".',
      details: { service: 'ssm', action: 'LabelParameterVersion', resource: name },
    },
  );
}

export class SsmParameterStore implements ParameterStore {
  constructor(
    private readonly ssm: SSMClient,
    private readonly aws: AwsCaller,
    private readonly options: SsmOptions,
  ) {}

  async get(name: string): Promise<ParameterValue | undefined> {
    try {
      const out = await this.ssm.send(new GetParameterCommand({ Name: name }));
      const p = out.Parameter;
      if (!p) return undefined;
      return {
        name: p.Name ?? name,
        value: p.Value ?? '',
        version: p.Version ?? 0,
        lastModified: p.LastModifiedDate,
      };
    } catch (error) {
      if (awsErrorName(error) === 'ParameterNotFound') return undefined;
      throw this.aws.mapError(error, { service: 'ssm', action: 'GetParameter', resource: name });
    }
  }

  async put(name: string, value: string, description: string): Promise<{ version: number }> {
    const out = await this.putParameter(name, value, description, true);
    return { version: out.Version ?? 0 };
  }

  async create(name: string, value: string, description: string): Promise<{ version: number } | 'exists'> {
    try {
      const out = await this.putParameter(name, value, description, false);
      return { version: out.Version ?? 0 };
    } catch (error) {
      if (codeOf(error) === 'SSM_PARAMETER_EXISTS') return 'exists';
      throw error;
    }
  }

  async history(name: string, limit = 50): Promise<ParameterValue[]> {
    const all: ParameterHistory[] = [];
    let token: string | undefined;
    try {
      do {
        const out = await this.ssm.send(
          new GetParameterHistoryCommand({
            Name: name,
            MaxResults: 50,
            ...(token ? { NextToken: token } : {}),
          }),
        );
        all.push(...(out.Parameters ?? []));
        token = out.NextToken;
      } while (token);
    } catch (error) {
      if (awsErrorName(error) === 'ParameterNotFound') return [];
      throw this.aws.mapError(error, { service: 'ssm', action: 'GetParameterHistory', resource: name });
    }
    // SSM returns the oldest first.
    return all
      .sort((a, b) => (b.Version ?? 0) - (a.Version ?? 0))
      .slice(0, limit)
      .map((p) => historyEntry(p, name));
  }

  async label(name: string, version: number, labels: readonly string[]): Promise<void> {
    const out = await this.withConflictRetry(name, () =>
      this.aws.call({ service: 'ssm', action: 'LabelParameterVersion', resource: name }, () =>
        this.ssm.send(
          new LabelParameterVersionCommand({ Name: name, ParameterVersion: version, Labels: [...labels] }),
        ),
      ),
    );
    const invalid = out.InvalidLabels ?? [];
    if (invalid.length > 0) throw invalidLabels(name, version, invalid);
  }

  async delete(name: string): Promise<void> {
    try {
      await this.withConflictRetry(name, () => this.ssm.send(new DeleteParameterCommand({ Name: name })));
    } catch (error) {
      if (awsErrorName(error) === 'ParameterNotFound') return;
      throw this.aws.mapError(error, { service: 'ssm', action: 'DeleteParameter', resource: name });
    }
  }

  /** PutParameter, Type String; with `overwrite` false SSM refuses an existing name (ParameterAlreadyExists). */
  private putParameter(name: string, value: string, description: string, overwrite: boolean) {
    const Description =
      description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 1)}…` : description;
    return this.withConflictRetry(name, () =>
      this.aws.call({ service: 'ssm', action: 'PutParameter', resource: name }, () =>
        this.ssm.send(
          new PutParameterCommand({
            Name: name,
            Value: value,
            Type: 'String',
            ...(overwrite ? { Overwrite: true } : {}),
            Description,
          }),
        ),
      ),
    );
  }

  /** TooManyUpdates is a conflict with a concurrent writer: worth a few more tries beyond the SDK's. */
  private withConflictRetry<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return withRetry(fn, {
      attempts: 4,
      baseDelayMs: Math.max(1, this.options.baseDelayMs),
      retryable: (error) =>
        codeOf(error) === 'SSM_TOO_MANY_UPDATES' || awsErrorName(error) === 'TooManyUpdates',
      onRetry: (_e, attempt, delay) =>
        this.options.debug?.(`SSM TooManyUpdates on ${name}: retry ${attempt} in ${delay} ms`),
    });
  }
}
