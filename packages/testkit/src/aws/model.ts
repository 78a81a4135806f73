import { createRequire } from 'node:module';

/**
 * The official service models as shipped in `aws-sdk@2` (`apis/*.min.json`), and a validator of AWS JSON 1.1
 * wire documents against their shapes: member names, required members, types (timestamps are epoch seconds
 * on the wire, blobs base64 strings). The `.min.json` files keep structure and types but not the length /
 * range / pattern / enum traits, so the constraints our peers rely on are added below from the full model
 * (see `CONSTRAINTS`), taken from the API reference of each operation.
 */

interface RawShape {
  type?: string;
  shape?: string;
  required?: string[];
  members?: Record<string, RawShape>;
  member?: RawShape;
  key?: RawShape;
  value?: RawShape;
  [trait: string]: unknown;
}

interface RawModel {
  metadata: { targetPrefix: string; serviceId: string; signingName?: string; endpointPrefix: string };
  operations: Record<string, { input?: RawShape; output?: RawShape }>;
  shapes: Record<string, RawShape>;
}

export interface Constraint {
  min?: number;
  max?: number;
  pattern?: RegExp;
  enum?: readonly string[];
}

export interface ServiceModel {
  serviceId: string;
  targetPrefix: string;
  signingName: string;
  operations: readonly string[];
  /** Validate an operation's input document; returns the problems (empty when valid). */
  validateInput(operation: string, document: unknown): string[];
  /** Validate an operation's output document (wire form); returns the problems. */
  validateOutput(operation: string, document: unknown): string[];
}

const require = createRequire(import.meta.url);

/** Constraints from the full models (min/max/pattern/enum), keyed by `Operation.path.to.member`. */
const CONSTRAINTS: Record<string, Record<string, Constraint>> = {
  SSM: {
    'GetParameter.Name': { min: 1, max: 2048 },
    'PutParameter.Name': { min: 1, max: 2048 },
    'PutParameter.Description': { min: 0, max: 1024 },
    'PutParameter.Type': { enum: ['String', 'StringList', 'SecureString'] },
    'PutParameter.Tier': { enum: ['Standard', 'Advanced', 'Intelligent-Tiering'] },
    'PutParameter.AllowedPattern': { min: 0, max: 1024 },
    'PutParameter.KeyId': { min: 1, max: 256, pattern: /^([a-zA-Z0-9:/_-]+)$/ },
    'PutParameter.DataType': { min: 0, max: 128 },
    'GetParameterHistory.Name': { min: 1, max: 2048 },
    'GetParameterHistory.MaxResults': { min: 1, max: 50 },
    'LabelParameterVersion.Name': { min: 1, max: 2048 },
    'LabelParameterVersion.Labels': { min: 1, max: 10 },
    'LabelParameterVersion.Labels[]': { min: 1, max: 100 },
    'DeleteParameter.Name': { min: 1, max: 2048 },
    'UnlabelParameterVersion.Name': { min: 1, max: 2048 },
    'UnlabelParameterVersion.Labels': { min: 1, max: 10 },
    'UnlabelParameterVersion.Labels[]': { min: 1, max: 100 },
  },
  ECR: {
    'DescribeRepositories.registryId': { pattern: /^[0-9]{12}$/ },
    'DescribeRepositories.repositoryNames': { min: 1, max: 100 },
    'DescribeRepositories.repositoryNames[]': REPOSITORY_NAME(),
    'DescribeRepositories.maxResults': { min: 1, max: 1000 },
    'DescribeImages.registryId': { pattern: /^[0-9]{12}$/ },
    'DescribeImages.repositoryName': REPOSITORY_NAME(),
    'DescribeImages.imageIds': { min: 1, max: 100 },
    'DescribeImages.imageIds[].imageTag': { min: 1, max: 300 },
    'DescribeImages.maxResults': { min: 1, max: 1000 },
    'DescribeImages.filter.tagStatus': { enum: ['TAGGED', 'UNTAGGED', 'ANY'] },
    'BatchGetImage.registryId': { pattern: /^[0-9]{12}$/ },
    'BatchGetImage.repositoryName': REPOSITORY_NAME(),
    'BatchGetImage.imageIds': { min: 1, max: 100 },
    'BatchGetImage.imageIds[].imageTag': { min: 1, max: 300 },
    'BatchGetImage.acceptedMediaTypes': { min: 1, max: 100 },
    'PutImage.registryId': { pattern: /^[0-9]{12}$/ },
    'PutImage.repositoryName': REPOSITORY_NAME(),
    'PutImage.imageManifest': { min: 1, max: 4_194_304 },
    'PutImage.imageTag': { min: 1, max: 300 },
    'GetAuthorizationToken.registryIds': { min: 1, max: 10 },
  },
  ECS: {
    'DescribeServices.services': { max: 10 },
    'DescribeServices.include[]': { enum: ['TAGS'] },
    'DescribeTaskDefinition.include[]': { enum: ['TAGS'] },
    'DescribeTasks.tasks': { max: 100 },
    'DescribeTasks.include[]': { enum: ['TAGS'] },
    'ListTasks.maxResults': { min: 1, max: 100 },
    'ListTasks.desiredStatus': { enum: ['RUNNING', 'PENDING', 'STOPPED'] },
    'ListTasks.launchType': { enum: ['EC2', 'FARGATE', 'EXTERNAL'] },
    'ListServices.maxResults': { min: 1, max: 100 },
    'RegisterTaskDefinition.networkMode': { enum: ['bridge', 'host', 'awsvpc', 'none'] },
    'RegisterTaskDefinition.requiresCompatibilities[]': { enum: ['EC2', 'FARGATE', 'EXTERNAL'] },
    'RegisterTaskDefinition.pidMode': { enum: ['host', 'task'] },
    'RegisterTaskDefinition.ipcMode': { enum: ['host', 'task', 'none'] },
    'RegisterTaskDefinition.tags': { min: 0, max: 50 },
    'RegisterTaskDefinition.tags[].key': { min: 1, max: 128 },
    'RegisterTaskDefinition.tags[].value': { min: 0, max: 256 },
    'UpdateService.propagateTags': { enum: ['TASK_DEFINITION', 'SERVICE', 'NONE'] },
  },
};

function REPOSITORY_NAME(): Constraint {
  return {
    min: 2,
    max: 256,
    pattern: /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/,
  };
}

export function loadModel(file: 'ssm-2014-11-06' | 'ecr-2015-09-21' | 'ecs-2014-11-13'): ServiceModel {
  const raw = require(`aws-sdk/apis/${file}.min.json`) as RawModel;
  const constraints = CONSTRAINTS[raw.metadata.serviceId] ?? {};

  const resolve = (shape: RawShape): RawShape => {
    if (shape.shape === undefined) return shape;
    const target = raw.shapes[shape.shape];
    if (!target) throw new Error(`model ${file}: unknown shape ${shape.shape}`);
    const { shape: _ref, ...traits } = shape;
    return { ...resolve(target), ...traits };
  };

  const check = (
    shapeIn: RawShape,
    value: unknown,
    where: string,
    key: string,
    problems: string[],
    applyConstraints: boolean,
  ): void => {
    if (value === null || value === undefined) return;
    const shape = resolve(shapeIn);
    const type = shape.type ?? 'string';
    const constraint = applyConstraints ? constraints[key] : undefined;
    switch (type) {
      case 'structure': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          problems.push(`${where} must be an object`);
          return;
        }
        const record = value as Record<string, unknown>;
        const members = shape.members ?? {};
        for (const name of shape.required ?? []) {
          if (record[name] === undefined || record[name] === null)
            problems.push(`Missing required key '${name}' in ${where}`);
        }
        for (const [name, memberValue] of Object.entries(record)) {
          const member = members[name];
          if (!member) {
            problems.push(`Unexpected key '${name}' found in ${where}`);
            continue;
          }
          check(
            member,
            memberValue,
            `${where}.${name}`,
            key ? `${key}.${name}` : name,
            problems,
            applyConstraints,
          );
        }
        return;
      }
      case 'list': {
        if (!Array.isArray(value)) {
          problems.push(`${where} must be a list`);
          return;
        }
        checkRange(constraint, value.length, where, 'list length', problems);
        value.forEach((item, i) => {
          check(shape.member ?? {}, item, `${where}[${i}]`, `${key}[]`, problems, applyConstraints);
        });
        return;
      }
      case 'map': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          problems.push(`${where} must be a map`);
          return;
        }
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
          check(shape.key ?? {}, k, `${where} key`, `${key}{}`, problems, applyConstraints);
          check(shape.value ?? {}, v, `${where}.${k}`, `${key}{}`, problems, applyConstraints);
        }
        return;
      }
      case 'string': {
        if (typeof value !== 'string') {
          problems.push(`${where} must be a string`);
          return;
        }
        checkRange(constraint, value.length, where, 'string length', problems);
        if (constraint?.pattern && !constraint.pattern.test(value))
          problems.push(
            `Value '${value}' at '${where}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${constraint.pattern.source}`,
          );
        if (constraint?.enum && !constraint.enum.includes(value))
          problems.push(
            `Value '${value}' at '${where}' failed to satisfy constraint: Member must satisfy enum value set: [${constraint.enum.join(', ')}]`,
          );
        return;
      }
      case 'integer':
      case 'long':
        if (typeof value !== 'number' || !Number.isInteger(value)) {
          problems.push(`${where} must be an integer`);
          return;
        }
        checkRange(constraint, value, where, 'value', problems);
        return;
      case 'float':
      case 'double':
        if (typeof value !== 'number') problems.push(`${where} must be a number`);
        return;
      case 'boolean':
        if (typeof value !== 'boolean') problems.push(`${where} must be a boolean`);
        return;
      case 'timestamp':
        if (typeof value !== 'number' || !Number.isFinite(value))
          problems.push(`${where} must be a timestamp in epoch seconds`);
        return;
      case 'blob':
        if (typeof value !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
          problems.push(`${where} must be a base64 string`);
        return;
      default:
        problems.push(`${where}: unhandled type ${type}`);
    }
  };

  const validate = (operation: string, document: unknown, part: 'input' | 'output'): string[] => {
    const op = raw.operations[operation];
    if (!op) return [`Unknown operation ${operation}`];
    const shape = op[part] ?? { type: 'structure', members: {} };
    const problems: string[] = [];
    if (document === null || typeof document !== 'object' || Array.isArray(document)) {
      return [`The ${part} must be a JSON object`];
    }
    check(shape, document, part === 'input' ? 'params' : 'output', operation, problems, part === 'input');
    return problems;
  };

  return {
    serviceId: raw.metadata.serviceId,
    targetPrefix: raw.metadata.targetPrefix,
    signingName: raw.metadata.signingName ?? raw.metadata.endpointPrefix,
    operations: Object.keys(raw.operations),
    validateInput: (operation, document) => validate(operation, document, 'input'),
    validateOutput: (operation, document) => validate(operation, document, 'output'),
  };
}

function checkRange(
  constraint: Constraint | undefined,
  value: number,
  where: string,
  what: string,
  problems: string[],
): void {
  if (!constraint) return;
  if (constraint.min !== undefined && value < constraint.min)
    problems.push(
      `Value at '${where}' failed to satisfy constraint: Member must have ${what} greater than or equal to ${constraint.min}`,
    );
  if (constraint.max !== undefined && value > constraint.max)
    problems.push(
      `Value at '${where}' failed to satisfy constraint: Member must have ${what} less than or equal to ${constraint.max}`,
    );
}
