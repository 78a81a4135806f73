// A fake process runner for the builders' unit tests (builders.test.ts, cache.test.ts, docker-modes.test.ts):
// it records each command with the auth files present while it runs, and a test scripts the outcome; and
// the build those tests ask for, of hello-app for ECR with the registry cache. Test helpers, not exported
// from the package.
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProcessRunner, RunOptions, RunResult } from '../builders/index.js';
import type { BuildCache, BuildRequest } from '../ports/ports.js';

/** An ECR registry (no registry answers there: the runner is fake). */
export const ECR = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';

/** hello-app's build for ECR, with its registry cache whose login is AWS / `password`. */
export function ecrBuild(password: string): { cache: BuildCache; request: BuildRequest } {
  const cache: BuildCache = {
    repository: `${ECR}/hello-app/build-cache`,
    auth: { registry: ECR, username: 'AWS', password, insecure: false },
  };
  const request: BuildRequest = {
    context: '/src/app',
    dockerfile: '/src/app/Dockerfile',
    tags: [`${ECR}/hello-app:abc123`],
    labels: {},
    buildArgs: {},
    cache,
  };
  return { cache, request };
}

/** One command the builder ran. */
export interface RunnerCall {
  command: string;
  args: readonly string[];
  options: RunOptions;
  env: RunOptions['env'];
  /** The auth files present while it ran (`--authfile`'s, `$DOCKER_CONFIG/config.json`), with their content. */
  files: Record<string, string>;
  /** `$DOCKER_CONFIG/config.json` while it ran, when there was one. */
  config?: string;
}

/** What the scripted command does: its exit code (default 0), its lines (the tail too, unless given), stdout. */
export type RunnerOutcome = Partial<Pick<RunResult, 'code' | 'tail' | 'stdout'>> & { lines?: string[] };

/**
 * A runner that records every call and answers as `script` says (by default: exit 0, no output); a
 * successful command with `--digestfile` writes a digest there, as buildah and podman do.
 */
export function fakeRunner(script: (call: RunnerCall, index: number) => RunnerOutcome = () => ({})) {
  const calls: RunnerCall[] = [];
  const runner: ProcessRunner = async (command, args, options) => {
    const files: Record<string, string> = {};
    const authArg = args.indexOf('--authfile');
    const config = options.env.DOCKER_CONFIG
      ? path.join(options.env.DOCKER_CONFIG, 'config.json')
      : undefined;
    for (const file of [authArg >= 0 ? args[authArg + 1] : undefined, config])
      if (file && existsSync(file)) files[file] = readFileSync(file, 'utf8');
    const call: RunnerCall = { command, args, options, env: options.env, files };
    if (config && files[config] !== undefined) call.config = files[config];
    calls.push(call);
    const outcome = script(call, calls.length - 1);
    for (const line of outcome.lines ?? []) options.onLine?.(line);
    const digestArg = args.indexOf('--digestfile');
    if (digestArg >= 0 && (outcome.code ?? 0) === 0) {
      await writeFile(args[digestArg + 1] as string, `sha256:${'a'.repeat(64)}\n`);
    }
    return {
      code: outcome.code ?? 0,
      tail: outcome.tail ?? outcome.lines ?? [],
      stdout: outcome.stdout ?? '',
      timedOut: false,
    };
  };
  return { runner, calls };
}
