import type { ErrorKind } from '@shared-hosting/core';

/** Documented exit codes of `hosting`. Rendered into `--help` and the CLI reference. */
export const EXIT_CODES = [
  { code: 0, name: 'success', meaning: 'The deployment (or command) succeeded.' },
  {
    code: 1,
    name: 'deployment-failed',
    meaning: 'The infra deployment (or, for rollout, the ECS deployment) ran and did not succeed.',
  },
  {
    code: 2,
    name: 'invalid-input',
    meaning: 'Bad input or usage: nothing was changed. The message names the input and the fix.',
  },
  {
    code: 3,
    name: 'precondition',
    meaning: 'A precondition failed (missing ECR repository or workflow, no permission, expired image).',
  },
  {
    code: 4,
    name: 'build-failed',
    meaning: 'The image build or push failed; the parameter was not changed.',
  },
  { code: 5, name: 'remote-error', meaning: 'AWS or GitHub failed after retries.' },
  {
    code: 6,
    name: 'timeout',
    meaning: 'Timed out waiting for the infra deployment (or the ECS deployment).',
  },
  {
    code: 130,
    name: 'interrupted',
    meaning: 'Interrupted (Ctrl-C / SIGTERM); the remote run was cancelled unless told not to.',
  },
] as const;

const BY_KIND: Record<ErrorKind, number> = {
  deployment: 1,
  input: 2,
  precondition: 3,
  build: 4,
  remote: 5,
  timeout: 6,
  interrupted: 130,
};

export function exitCodeFor(kind: ErrorKind): number {
  return BY_KIND[kind];
}

export function exitCodesHelp(): string {
  return `\nExit codes:\n${EXIT_CODES.map((e) => `  ${String(e.code).padStart(3)}  ${e.meaning}`).join('\n')}\n`;
}
