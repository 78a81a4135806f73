/**
 * The core names no adapter's flag: its messages get the names from the adapter (`InputNames`,
 * `AdapterNames`, the rollout's names). This reads every source file of the core, its tests and test
 * helpers too (they pass neutral names, `<application>`, from core/src/testing/names.ts), and fails on a
 * flag of this CLI's program written in it, outside comments and outside a command line the user is told
 * to run (`hosting unlock --app A --env E`, `aws ecr create-repository --region R`): those are commands, not
 * inputs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPorts, type HostingError, silentReporter } from '@shared-hosting/core';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../program.js';
import { memoryIO } from '../testing.js';
import { CLI_ADAPTER_NAMES } from './names.js';
import { createCliPorts } from './ports.js';

const CORE_SRC = fileURLToPath(new URL('../../../core/src/', import.meta.url));

/** Files that name the flags of both adapters on purpose: the reference pages are built from them. */
const REFERENCE_FILES: Record<string, string> = {
  'errors/catalog.ts': 'the troubleshooting page: names the CLI flag and the Action input of each fix',
  'present.ts': 'the --json reference page (RESULT_FIELDS): --json is the CLI',
};

/** Flags a file may name, and why: each is part of a command line built in pieces. */
const COMMAND_LINE_PIECES: Record<string, readonly string[]> = {
  // unlockArgs(): the arguments of the `hosting unlock ...` command line that steps/lock.ts prints.
  'run/release-lock.ts': ['--app', '--env', '--parameter'],
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** The code without comments (block comments, and lines that are `//` comments). */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

/** A command line the user is told to run: `hosting <command> ...` or `aws <service> <action> ...`. */
const COMMAND_LINE =
  /\b(?:hosting|aws(?: [a-z][a-z0-9-]*)?) [a-z][a-z0-9-]*(?: (?:\$\{[^}]*\}|<[^>\s]+>|[A-Za-z0-9_./:=-]+))*/g;

/** A string that is one flag alone: an argument of a tool the core runs (`args.push('--target', t)`). */
const ARGUMENT = /(['"`])--[a-z][a-z0-9-]*(?:=[^'"`]*)?\1/g;

/** Every flag of `flags` written in the file's code, outside command lines and tools' arguments. */
function flagsNamed(code: string, flags: ReadonlySet<string>): string[] {
  const outside = withoutComments(code).replace(COMMAND_LINE, '').replace(ARGUMENT, '');
  return [...outside.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]).filter((flag) => flags.has(flag));
}

describe("the core's messages", () => {
  const program = createProgram(memoryIO('/'));
  const flags = new Set(
    [program, ...program.commands].flatMap((c) => c.options.map((o) => o.long ?? '')).filter(Boolean),
  );

  it('name no flag of the CLI, nor do its tests: the adapters pass their names in', () => {
    const named: Record<string, string[]> = {};
    for (const file of sourceFiles(CORE_SRC)) {
      const relative = path.relative(CORE_SRC, file).split(path.sep).join('/');
      if (REFERENCE_FILES[relative]) continue;
      const allowed = COMMAND_LINE_PIECES[relative] ?? [];
      const found = flagsNamed(readFileSync(file, 'utf8'), flags).filter((f) => !allowed.includes(f));
      if (found.length > 0) named[relative] = [...new Set(found)];
    }
    expect(named).toEqual({});
  });

  it('are read by a rule that finds a flag, and leaves command lines and comments alone', () => {
    const found = (code: string) => flagsNamed(code, flags);
    expect(found("fix: 'Pass the right name with --repository.'")).toEqual(['--repository']);
    expect(found('fix: `Choose another with --builder`')).toEqual(['--builder']);
    // The rule reads source text: template literals with their placeholders, written here as plain strings.
    const source = (text: string) => text.replaceAll('#{', '${');
    expect(
      found(source('`Create it (aws ecr create-repository --repository-name #{n} --region #{r})`')),
    ).toEqual([]);
    expect(found(source('`to remove it: hosting unlock #{args} --force.`'))).toEqual([]);
    expect(found("args.push('--target', request.target, '--platform=linux/amd64')")).toEqual([]);
    expect(found("'Sign in again (aws sso login --profile <name>) or refresh'")).toEqual([]);
    expect(found('/** `--region`; else AWS_REGION */\n// or pass --profile')).toEqual([]);
  });
});

/** Static credentials in the environment given: no credential chain, no request. */
const AWS_ENV = {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'secret',
};

describe("the core's messages in the CLI", () => {
  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => expect.unreachable('it should fail'),
      (error: unknown) => error as HostingError,
    );

  it('name --region for a malformed region given by flag, and offer it for one from AWS_REGION', async () => {
    const request = (region: string | undefined, env: Record<string, string>) => ({
      flags: { region, profile: undefined } as never,
      io: memoryIO('/', env),
      reporter: silentReporter,
      builder: 'auto' as const,
      redactor: undefined as never,
    });
    const byFlag = await failure(createCliPorts(request('eu west 1', { ...AWS_ENV })));
    expect(byFlag.message).toBe(
      '--region "eu west 1" is not an AWS region name (like eu-west-1 or us-gov-west-1).',
    );
    expect(byFlag.fix).toMatch(/^Set --region to the region/);
    const byVariable = await failure(
      createCliPorts(request(undefined, { ...AWS_ENV, AWS_REGION: 'eu west 1' })),
    );
    expect(byVariable.fix).toMatch(/^Set AWS_REGION \(or pass --region\) to the region/);
  });

  it('name --builder when the builder asked for is missing', async () => {
    const ports = await createPorts({
      builder: 'buildah',
      names: CLI_ADAPTER_NAMES,
      env: { ...AWS_ENV, PATH: '' },
      reporter: silentReporter,
    });
    const error = await failure(ports.builder());
    expect(error.code).toBe('BUILDER_NOT_FOUND');
    expect(error.fix).toMatch(/; or choose another with --builder\.$/);
  });
});
