import { AwsServiceError, validation } from './errors.js';

/** One stored version of a parameter. */
export interface StoredParameterVersion {
  Name: string;
  Type: string;
  Value: string;
  Version: number;
  LastModifiedDate: Date;
  LastModifiedUser: string;
  Description?: string | undefined;
  AllowedPattern?: string | undefined;
  Tier: string;
  DataType: string;
  Labels: string[];
}

export interface SsmCaller {
  arn: string;
  region: string;
  accountId: string;
}

export interface SsmLimits {
  /** Versions kept per parameter (SSM: 100; the oldest is dropped unless it has a label). */
  maxVersions: number;
  /** Standard parameters per account and region (SSM: 10,000). */
  maxParameters: number;
}

const epoch = (date: Date) => date.getTime() / 1000;

/** In-memory Parameter Store with SSM's version, overwrite and naming rules. */
export class SsmState {
  readonly parameters = new Map<string, StoredParameterVersion[]>();
  constructor(readonly limits: SsmLimits = { maxVersions: 100, maxParameters: 10_000 }) {}

  /** Seed a parameter directly (tests), as if written by `user`. */
  seed(
    name: string,
    value: string,
    options: { description?: string; user?: string; date?: Date; type?: string } = {},
  ): number {
    const versions = this.parameters.get(name) ?? [];
    const version: StoredParameterVersion = {
      Name: name,
      Type: options.type ?? 'String',
      Value: value,
      Version: (versions.at(-1)?.Version ?? 0) + 1,
      LastModifiedDate: options.date ?? new Date(),
      LastModifiedUser: options.user ?? 'arn:aws:iam::123456789012:user/seed',
      Description: options.description,
      Tier: 'Standard',
      DataType: 'text',
      Labels: [],
    };
    versions.push(version);
    this.parameters.set(name, versions);
    return version.Version;
  }

  handle(operation: string, input: Record<string, unknown>, caller: SsmCaller): Record<string, unknown> {
    switch (operation) {
      case 'GetParameter':
        return this.getParameter(input, caller);
      case 'PutParameter':
        return this.putParameter(input, caller);
      case 'GetParameterHistory':
        return this.getParameterHistory(input);
      case 'LabelParameterVersion':
        return this.labelParameterVersion(input);
      case 'DeleteParameter':
        return this.deleteParameter(input);
      case 'UnlabelParameterVersion':
        return this.unlabelParameterVersion(input);
      default:
        throw new AwsServiceError(
          'UnknownOperationException',
          `The testkit SSM peer does not implement ${operation}.`,
        );
    }
  }

  private arn(name: string, caller: SsmCaller): string {
    return `arn:aws:ssm:${caller.region}:${caller.accountId}:parameter${name.startsWith('/') ? '' : '/'}${name}`;
  }

  private getParameter(input: Record<string, unknown>, caller: SsmCaller) {
    const raw = String(input.Name);
    const { name, selector } = splitSelector(raw);
    const versions = this.parameters.get(name);
    if (!versions?.length) throw new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
    let chosen = versions.at(-1) as StoredParameterVersion;
    if (selector !== undefined) {
      const found = /^\d+$/.test(selector)
        ? versions.find((v) => v.Version === Number(selector))
        : versions.find((v) => v.Labels.includes(selector));
      if (!found) {
        throw new AwsServiceError(
          'ParameterVersionNotFound',
          `Systems Manager could not find version ${selector} of ${name}. Verify the version and try again.`,
        );
      }
      chosen = found;
    }
    return {
      Parameter: {
        Name: chosen.Name,
        Type: chosen.Type,
        Value: chosen.Value,
        Version: chosen.Version,
        ...(selector !== undefined ? { Selector: `:${selector}` } : {}),
        LastModifiedDate: epoch(chosen.LastModifiedDate),
        ARN: this.arn(chosen.Name, caller),
        DataType: chosen.DataType,
      },
    };
  }

  private putParameter(input: Record<string, unknown>, caller: SsmCaller) {
    const name = String(input.Name);
    checkParameterName(name);
    const value = String(input.Value);
    const type = input.Type === undefined ? undefined : String(input.Type);
    const tier = String(input.Tier ?? 'Standard');
    if (tier === 'Standard' && value.length > 4096) {
      throw validation(
        'Standard tier parameters support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier.',
      );
    }
    if (value.length === 0) throw validation('1 validation error detected: Value must not be empty.');
    const existing = this.parameters.get(name);
    const overwrite = input.Overwrite === true;
    if (existing?.length) {
      if (!overwrite) {
        throw new AwsServiceError(
          'ParameterAlreadyExists',
          'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
        );
      }
      if (input.Tags !== undefined) {
        throw validation(
          "Invalid request: tags and overwrite can't be used together. To create a parameter with tags, please remove overwrite flag. To update tags for an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.",
        );
      }
      const latest = existing.at(-1) as StoredParameterVersion;
      if (type !== undefined && type !== latest.Type) {
        throw new AwsServiceError(
          'HierarchyTypeMismatchException',
          `Parameter Type can't be changed from ${latest.Type} to ${type} for ${name}.`,
        );
      }
      if (existing.length >= this.limits.maxVersions) {
        const oldest = existing[0] as StoredParameterVersion;
        if (oldest.Labels.length > 0) {
          throw new AwsServiceError(
            'ParameterMaxVersionLimitExceeded',
            `You attempted to create a new version of ${name} by calling the PutParameter API with the overwrite flag. Version ${oldest.Version}, the oldest version, can't be deleted because it has a label associated with it. Move the label to another version of the parameter, and try again.`,
          );
        }
        existing.shift();
      }
    } else {
      if (type === undefined) throw validation('A parameter type is required when you create a parameter.');
      if (this.parameters.size >= this.limits.maxParameters) {
        throw new AwsServiceError(
          'ParameterLimitExceeded',
          `You have exceeded the number of parameters for this AWS account (${this.limits.maxParameters}). Delete one or more parameters and try again.`,
        );
      }
    }
    const allowed = input.AllowedPattern === undefined ? undefined : String(input.AllowedPattern);
    if (allowed !== undefined && !new RegExp(`^(?:${allowed})$`).test(value)) {
      throw new AwsServiceError(
        'ParameterPatternMismatchException',
        `Parameter value, ${value}, failed to satisfy constraint specified by allowed pattern: ${allowed}.`,
      );
    }
    const versions = existing ?? [];
    const latest = versions.at(-1);
    const next: StoredParameterVersion = {
      Name: name,
      Type: type ?? latest?.Type ?? 'String',
      Value: value,
      Version: (latest?.Version ?? 0) + 1,
      LastModifiedDate: new Date(),
      LastModifiedUser: caller.arn,
      // SSM keeps the previous description when an overwrite does not send one.
      Description: input.Description === undefined ? latest?.Description : String(input.Description),
      AllowedPattern: allowed ?? latest?.AllowedPattern,
      Tier: tier,
      DataType: String(input.DataType ?? latest?.DataType ?? 'text'),
      Labels: [],
    };
    versions.push(next);
    this.parameters.set(name, versions);
    return { Version: next.Version, Tier: next.Tier };
  }

  /** The labels of a parameter: label → version (tests: "label unmoved"). */
  labels(name: string): Record<string, number> {
    const result: Record<string, number> = {};
    for (const version of this.parameters.get(name) ?? []) {
      for (const label of version.Labels) result[label] = version.Version;
    }
    return result;
  }

  private versionOf(name: string, version: unknown): StoredParameterVersion {
    const versions = this.parameters.get(name);
    if (!versions?.length) throw new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
    const chosen =
      version === undefined ? versions.at(-1) : versions.find((v) => v.Version === Number(version));
    if (!chosen) {
      throw new AwsServiceError(
        'ParameterVersionNotFound',
        `Systems Manager could not find version ${String(version)} of ${name}. Verify the version and try again.`,
      );
    }
    return chosen;
  }

  /** SSM moves a label from whichever version holds it; invalid names come back in InvalidLabels. */
  private labelParameterVersion(input: Record<string, unknown>) {
    const name = String(input.Name);
    const target = this.versionOf(name, input.ParameterVersion);
    const labels = input.Labels as string[];
    const invalid = labels.filter((l) => !isValidLabel(l));
    const valid = labels.filter((l) => isValidLabel(l));
    const after = new Set([...target.Labels, ...valid]);
    if (after.size > 10) {
      throw new AwsServiceError(
        'ParameterVersionLabelLimitExceeded',
        'A parameter version can have maximum 10 labels.Move one or more labels to another version and try again.',
      );
    }
    for (const version of this.parameters.get(name) ?? []) {
      if (version !== target) version.Labels = version.Labels.filter((l) => !valid.includes(l));
    }
    target.Labels = [...after];
    return { InvalidLabels: invalid, ParameterVersion: target.Version };
  }

  private unlabelParameterVersion(input: Record<string, unknown>) {
    const target = this.versionOf(String(input.Name), input.ParameterVersion);
    const labels = input.Labels as string[];
    const removed = labels.filter((l) => target.Labels.includes(l));
    target.Labels = target.Labels.filter((l) => !labels.includes(l));
    return { RemovedLabels: removed, InvalidLabels: labels.filter((l) => !removed.includes(l)) };
  }

  private deleteParameter(input: Record<string, unknown>) {
    const name = String(input.Name);
    if (!this.parameters.delete(name)) {
      throw new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
    }
    return {};
  }

  private getParameterHistory(input: Record<string, unknown>) {
    const name = String(input.Name);
    const versions = this.parameters.get(name);
    if (!versions?.length) throw new AwsServiceError('ParameterNotFound', `Parameter ${name} not found.`);
    const max = typeof input.MaxResults === 'number' ? input.MaxResults : 50;
    let start = 0;
    if (input.NextToken !== undefined) {
      const decoded = decodeToken(String(input.NextToken), name);
      if (decoded === undefined)
        throw new AwsServiceError('InvalidNextToken', 'The specified token is not valid.');
      start = decoded;
    }
    // Oldest first, as SSM returns them.
    const page = versions.slice(start, start + max);
    const nextStart = start + page.length;
    return {
      Parameters: page.map((v) => ({
        Name: v.Name,
        Type: v.Type,
        LastModifiedDate: epoch(v.LastModifiedDate),
        LastModifiedUser: v.LastModifiedUser,
        ...(v.Description !== undefined ? { Description: v.Description } : {}),
        Value: v.Value,
        ...(v.AllowedPattern !== undefined ? { AllowedPattern: v.AllowedPattern } : {}),
        Version: v.Version,
        Labels: v.Labels,
        Tier: v.Tier,
        Policies: [],
        DataType: v.DataType,
      })),
      ...(nextStart < versions.length ? { NextToken: encodeToken(nextStart, name) } : {}),
    };
  }
}

/** SSM's rules for a label: 1-100 of a-zA-Z0-9_.-, not starting with a digit, "aws" or "ssm". */
function isValidLabel(label: string): boolean {
  return /^[a-zA-Z0-9_.-]{1,100}$/.test(label) && !/^(?:\d|aws|ssm)/i.test(label);
}

function splitSelector(raw: string): { name: string; selector: string | undefined } {
  const colon = raw.lastIndexOf(':');
  // ARNs contain colons; a selector is the part after the last colon of a plain name.
  if (raw.startsWith('arn:')) {
    const name = raw.replace(/^arn:[^:]*:ssm:[^:]*:\d*:parameter/, '');
    return splitSelector(name);
  }
  if (colon <= 0) return { name: raw, selector: undefined };
  return { name: raw.slice(0, colon), selector: raw.slice(colon + 1) };
}

/** SSM's naming rules for parameters (what the service answers with ValidationException). */
function checkParameterName(name: string): void {
  if (!/^[a-zA-Z0-9_.\-/]+$/.test(name)) {
    throw validation(`Parameter name: can't contain characters other than a-zA-Z0-9_.-/ (got "${name}").`);
  }
  if (name.includes('/') && !name.startsWith('/')) {
    throw validation('Parameter name must be a fully qualified name.');
  }
  if (name.split('/').length - 1 > 15) {
    throw validation(
      `Parameter name: ${name} has ${name.split('/').length - 1} levels of hierarchy; the maximum is 15.`,
    );
  }
  if (/^\/?(aws|ssm)/i.test(name)) {
    throw validation('Parameter name: can\'t be prefixed with "aws" or "ssm" (case-insensitive).');
  }
  if (name.length > 1011) throw validation('Parameter name: must be at most 1011 characters.');
}

function encodeToken(start: number, name: string): string {
  return Buffer.from(JSON.stringify({ s: start, n: name })).toString('base64');
}

function decodeToken(token: string, name: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { s?: unknown; n?: unknown };
    if (parsed.n !== name || typeof parsed.s !== 'number' || parsed.s < 0) return undefined;
    return parsed.s;
  } catch {
    return undefined;
  }
}
