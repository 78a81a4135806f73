import { readFileSync } from 'node:fs';

/**
 * The AWS service models the server validates against: botocore's JSON models, pruned to the operations the
 * server answers and vendored in `packages/testkit/models/` by `scripts/refresh-aws-models.py` (which records
 * the botocore version in each file). The validator checks AWS JSON 1.1 wire documents against botocore
 * shapes: structures (member names, required members), lists, maps, strings (enum, pattern, min/max length),
 * integers and longs (min/max), doubles, booleans, timestamps (epoch seconds on the wire), blobs (base64) and
 * documents (any JSON).
 */

interface ShapeRef {
  shape: string;
  timestampFormat?: string;
}

interface Shape {
  type: string;
  required?: string[];
  members?: Record<string, ShapeRef>;
  member?: ShapeRef;
  key?: ShapeRef;
  value?: ShapeRef;
  min?: number;
  max?: number;
  pattern?: string;
  enum?: string[];
  document?: boolean;
  timestampFormat?: string;
}

interface VendoredModel {
  source: { package: string; version: string };
  metadata: { targetPrefix: string; serviceId: string; signingName?: string; endpointPrefix: string };
  operations: Record<string, { input?: ShapeRef; output?: ShapeRef; errors: string[] }>;
  shapes: Record<string, Shape>;
}

export type ModelName = 'ssm-2014-11-06' | 'ecr-2015-09-21' | 'ecs-2014-11-13';

export interface ServiceModel {
  serviceId: string;
  targetPrefix: string;
  signingName: string;
  /** Where the model comes from, e.g. `botocore 1.43.11`. */
  source: string;
  operations: readonly string[];
  /** The error types an operation declares in the model. */
  errors(operation: string): readonly string[];
  /** Validate an operation's input document; returns the problems (empty when valid). */
  validateInput(operation: string, document: unknown): string[];
  /** Validate an operation's output document (wire form); returns the problems. */
  validateOutput(operation: string, document: unknown): string[];
}

interface Limit {
  min?: number | undefined;
  max?: number | undefined;
}

/**
 * Limits the API reference documents but botocore's model does not carry (ECS's model has no list or
 * page-size bounds), keyed by `Operation.member`. Real ECS answers a breach with a 400.
 */
const DOCUMENTED_LIMITS: Record<string, Record<string, Limit>> = {
  ECS: {
    'DescribeServices.services': { max: 10 },
    'DescribeTasks.tasks': { max: 100 },
    'ListTasks.maxResults': { min: 1, max: 100 },
    'ListServices.maxResults': { min: 1, max: 100 },
    'RunTask.count': { min: 1, max: 10 },
    'ListServiceDeployments.maxResults': { min: 1, max: 100 },
    'DescribeServiceDeployments.serviceDeploymentArns': { min: 1, max: 20 },
    'DescribeServiceRevisions.serviceRevisionArns': { min: 1, max: 20 },
  },
};

const MODELS_DIR = new URL('../../models/', import.meta.url);

export function loadModel(name: ModelName): ServiceModel {
  const raw = JSON.parse(readFileSync(new URL(`${name}.json`, MODELS_DIR), 'utf8')) as VendoredModel;
  const limits = DOCUMENTED_LIMITS[raw.metadata.serviceId] ?? {};
  const validators = {
    input: new ShapeValidator(raw.shapes, limits, 'input'),
    output: new ShapeValidator(raw.shapes, limits, 'output'),
  };
  const validate = (operation: string, document: unknown, part: 'input' | 'output'): string[] => {
    const op = raw.operations[operation];
    if (!op) return [`Unknown operation ${operation}`];
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      return [`The ${part} must be a JSON object`];
    }
    const problems: string[] = [];
    const ref = op[part];
    if (ref)
      validators[part].check(ref, document, part === 'input' ? 'params' : 'output', operation, problems);
    else if (Object.keys(document).length > 0) problems.push(`${operation} has no ${part} members`);
    return problems;
  };
  return {
    serviceId: raw.metadata.serviceId,
    targetPrefix: raw.metadata.targetPrefix,
    signingName: raw.metadata.signingName ?? raw.metadata.endpointPrefix,
    source: `${raw.source.package} ${raw.source.version}`,
    operations: Object.keys(raw.operations),
    errors: (operation) => raw.operations[operation]?.errors ?? [],
    validateInput: (operation, document) => validate(operation, document, 'input'),
    validateOutput: (operation, document) => validate(operation, document, 'output'),
  };
}

/** Checks a value against a botocore shape; problems are worded as AWS's own validation messages. */
class ShapeValidator {
  private readonly patterns = new Map<string, RegExp>();

  constructor(
    private readonly shapes: Record<string, Shape>,
    private readonly limits: Record<string, Limit>,
    private readonly part: 'input' | 'output',
  ) {}

  check(ref: ShapeRef, value: unknown, where: string, key: string, problems: string[]): void {
    if (value === null || value === undefined) return;
    const shape = this.shapes[ref.shape];
    if (!shape) {
      problems.push(`${where}: the model has no shape ${ref.shape}`);
      return;
    }
    const limit = { min: shape.min, max: shape.max, ...this.limits[key] };
    if (shape.type === 'structure') this.structure(shape, value, where, key, problems);
    else if (shape.type === 'list') this.list(shape, limit, value, where, key, problems);
    else if (shape.type === 'map') this.map(shape, limit, value, where, key, problems);
    else if (shape.type === 'string') this.string(ref.shape, shape, limit, value, where, problems);
    else scalar(shape, ref, limit, value, where, problems);
  }

  private structure(shape: Shape, value: unknown, where: string, key: string, problems: string[]): void {
    if (shape.document) return; // any JSON value
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${where} must be an object`);
      return;
    }
    const record = value as Record<string, unknown>;
    for (const name of shape.required ?? []) {
      if (record[name] === undefined || record[name] === null)
        problems.push(`Missing required key '${name}' in ${where}`);
    }
    for (const [name, memberValue] of Object.entries(record)) {
      const member = shape.members?.[name];
      if (member) this.check(member, memberValue, `${where}.${name}`, `${key}.${name}`, problems);
      else problems.push(`Unexpected key '${name}' found in ${where}`);
    }
  }

  private list(
    shape: Shape,
    limit: Limit,
    value: unknown,
    where: string,
    key: string,
    problems: string[],
  ): void {
    if (!Array.isArray(value)) {
      problems.push(`${where} must be a list`);
      return;
    }
    checkRange(this.collection(limit), value.length, where, 'length', problems);
    value.forEach((item, i) => {
      if (shape.member) this.check(shape.member, item, `${where}[${i}]`, `${key}[]`, problems);
    });
  }

  private map(
    shape: Shape,
    limit: Limit,
    value: unknown,
    where: string,
    key: string,
    problems: string[],
  ): void {
    if (typeof value !== 'object' || Array.isArray(value)) {
      problems.push(`${where} must be a map`);
      return;
    }
    const entries = Object.entries(value as Record<string, unknown>);
    checkRange(this.collection(limit), entries.length, where, 'length', problems);
    for (const [k, v] of entries) {
      if (shape.key) this.check(shape.key, k, `${where} key '${k}'`, `${key}{}`, problems);
      if (shape.value) this.check(shape.value, v, `${where}.${k}`, `${key}{}`, problems);
    }
  }

  /** AWS answers empty lists where the shape says `min: 1` (SSM's `Labels: []`): outputs skip that bound. */
  private collection(limit: Limit): Limit {
    return this.part === 'output' ? { max: limit.max } : limit;
  }

  private string(
    name: string,
    shape: Shape,
    limit: Limit,
    value: unknown,
    where: string,
    problems: string[],
  ): void {
    if (typeof value !== 'string') {
      problems.push(`${where} must be a string`);
      return;
    }
    checkRange(limit, [...value].length, where, 'length', problems);
    const failed = (what: string) =>
      problems.push(`Value '${value}' at '${where}' failed to satisfy constraint: Member must ${what}`);
    if (shape.enum && !shape.enum.includes(value))
      failed(`satisfy enum value set: [${shape.enum.join(', ')}]`);
    if (shape.pattern && !this.pattern(name, shape.pattern).test(value))
      failed(`satisfy regular expression pattern: ${shape.pattern}`);
  }

  /** AWS matches a whole value against a pattern (Java `matches`): anchor it. */
  private pattern(name: string, source: string): RegExp {
    let compiled = this.patterns.get(name);
    if (!compiled) {
      try {
        compiled = new RegExp(`^(?:${source})$`, 'u');
      } catch {
        compiled = new RegExp(`^(?:${source})$`);
      }
      this.patterns.set(name, compiled);
    }
    return compiled;
  }
}

function scalar(
  shape: Shape,
  ref: ShapeRef,
  limit: Limit,
  value: unknown,
  where: string,
  problems: string[],
): void {
  switch (shape.type) {
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) problems.push(`${where} must be an integer`);
      else checkRange(limit, value, where, 'value', problems);
      return;
    case 'float':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${where} must be a number`);
      else checkRange(limit, value, where, 'value', problems);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${where} must be a boolean`);
      return;
    case 'timestamp':
      timestamp(ref.timestampFormat ?? shape.timestampFormat, value, where, problems);
      return;
    case 'blob':
      if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
        problems.push(`${where} must be a base64 string`);
      return;
    default:
      problems.push(`${where}: the validator does not know the type ${shape.type}`);
  }
}

/** JSON 1.1 sends timestamps as epoch seconds unless the model names another format. */
function timestamp(format: string | undefined, value: unknown, where: string, problems: string[]): void {
  if (format === 'iso8601' || format === 'rfc822') {
    if (typeof value !== 'string' || Number.isNaN(Date.parse(value)))
      problems.push(`${where} must be a ${format} timestamp`);
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value))
    problems.push(`${where} must be a timestamp in epoch seconds`);
}

function checkRange(limit: Limit, value: number, where: string, what: string, problems: string[]): void {
  const member = what === 'value' ? 'value' : 'length';
  if (limit.min !== undefined && value < limit.min)
    problems.push(
      `Value at '${where}' failed to satisfy constraint: Member must have ${member} greater than or equal to ${limit.min}`,
    );
  if (limit.max !== undefined && value > limit.max)
    problems.push(
      `Value at '${where}' failed to satisfy constraint: Member must have ${member} less than or equal to ${limit.max}`,
    );
}
