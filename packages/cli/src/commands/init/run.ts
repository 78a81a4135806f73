import { execFile } from 'node:child_process';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  InputError,
  NAME_PATTERN,
  normalizeRemoteUrl,
  PreconditionError,
  parseRepositorySlug,
  toHostingError,
} from '@shared-hosting/core';
import template from '../../../../../docs/assets/app-deployment-workflow.yaml?raw';
import infraTemplate from '../../../../../docs/assets/infra-deployment-workflow.yaml?raw';
import { redactorFromEnv } from '../../output/redact.js';
import { reportFailure } from '../../runtime/terminal.js';
import type { CliIO } from '../../types.js';
import type { InitFlags } from './command.js';

export const WORKFLOW_PATH = '.github/workflows/deploy.yaml';

function git(args: string[], cwd: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd, timeout: 5000 }, (error, stdout) => resolve(error ? '' : stdout.trim()));
  });
}

/** The template with APPLICATION (and optionally the infra repository) filled in. */
export function renderTemplate(application: string, infraRepo?: { owner: string; repo: string }): string {
  let text = template.replace(/^(\s*APPLICATION:) .*$/m, `$1 ${application}`);
  if (infraRepo) {
    text = text
      .replace(/^(\s*INFRA_REPOSITORY:) .*$/m, `$1 ${infraRepo.owner}/${infraRepo.repo}`)
      // The create-github-app-token step is commented out in the template (the App goes to the deploy step).
      .replace(/^(\s*(?:#\s*)?repositories:) .*$/m, `$1 ${infraRepo.repo}`)
      .replace(/^(\s*(?:#\s*)?owner:) \$\{\{ github\.repository_owner \}\}$/m, `$1 ${infraRepo.owner}`);
  }
  return text;
}

/** Derive an application name from a repository or directory name: "My_App.web" → "my-app-web". */
export function applicationNameFrom(name: string): string | undefined {
  const candidate = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+/g, '-')
    .replace(/-$/, '')
    .slice(0, 63);
  return NAME_PATTERN.test(candidate) ? candidate : undefined;
}

/** Refuse to overwrite unless --force; returns whether the file existed. */
async function checkTarget(target: string, flags: InitFlags, io: CliIO): Promise<boolean> {
  const existing = await stat(target).catch(() => undefined);
  if (existing && !flags.force) {
    throw new PreconditionError(
      'WORKFLOW_FILE_EXISTS',
      `${path.relative(io.cwd, target) || target} already exists.`,
      {
        fix: 'Pass --force to overwrite it, or --output to write the template somewhere else.',
      },
    );
  }
  return Boolean(existing);
}

/** `hosting init --infra`: the infra repository's deployment workflow, as it is. */
async function initInfra(flags: InitFlags, io: CliIO, top: string): Promise<number> {
  if (flags.app || flags.infraRepo) {
    throw new InputError(
      flags.app ? '--app' : '--infra-repo',
      `${flags.app ? '--app' : '--infra-repo'} does not apply to --infra: the infra workflow serves every application.`,
      'Drop it; each application gets an App spec, apps/<application>.yaml, instead.',
    );
  }
  const target = path.resolve(top, flags.output ?? WORKFLOW_PATH);
  const existed = await checkTarget(target, flags, io);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, infraTemplate);
  const rel = path.relative(io.cwd, target);
  if (flags.json) {
    io.stdout.write(`${JSON.stringify({ path: target, infra: true, overwritten: existed })}\n`);
    return 0;
  }
  io.stdout.write(
    [
      `${existed ? 'Overwrote' : 'Wrote'} ${rel}: the infra deployment workflow (hosting rollout).`,
      'Next:',
      "  1. Add an App spec per application: apps/<application>.yaml with each environment's cluster.",
      '  2. Per environment, set the variables AWS_ROLE_ARN (the infra role, see the IAM policy page) and AWS_REGION.',
      `  3. Commit and push: git add ${rel} apps && git commit -m "Add the deployment workflow"`,
      '',
    ].join('\n'),
  );
  return 0;
}

export async function runInit(flags: InitFlags, io: CliIO): Promise<number> {
  const redactor = redactorFromEnv(io.env);
  try {
    const top = (await git(['rev-parse', '--show-toplevel'], io.cwd)) || io.cwd;
    if (flags.infra) return await initInfra(flags, io, top);
    let application = flags.app?.trim();
    if (application) {
      if (!NAME_PATTERN.test(application)) {
        throw new InputError(
          '--app',
          `--app "${application}" is not a valid application name.`,
          'Use lowercase letters, digits and "-", starting with a letter: your app spec file name without .yaml.',
        );
      }
    } else {
      const remote = await git(['remote', 'get-url', 'origin'], top);
      const repoName = (remote && normalizeRemoteUrl(remote)?.split('/').pop()) || path.basename(top);
      application = applicationNameFrom(repoName);
      if (!application) {
        throw new InputError(
          '--app',
          `Cannot derive an application name from "${repoName}".`,
          'Pass --app with your app spec file name, without .yaml.',
        );
      }
    }
    const infra = flags.infraRepo ? parseRepositorySlug(flags.infraRepo) : undefined;
    if (flags.infraRepo && !infra) {
      throw new InputError(
        '--infra-repo',
        `--infra-repo "${flags.infraRepo}" is not an owner/name repository.`,
        'Write it as owner/name, e.g. "acme/infrastructure".',
      );
    }
    const target = path.resolve(top, flags.output ?? WORKFLOW_PATH);
    const existing = await checkTarget(target, flags, io);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, renderTemplate(application, infra));
    const rel = path.relative(io.cwd, target);
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ path: target, application, overwritten: Boolean(existing) })}\n`);
    } else {
      io.stdout.write(
        [
          `${existing ? 'Overwrote' : 'Wrote'} ${rel} for application "${application}".`,
          'Next:',
          '  1. Add your build steps (tests, static assets) before the "Build and push Docker image" step.',
          "  2. Check the environments' secrets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and variable AWS_REGION.",
          '  3. Check the infrastructure repository token: variable INFRA_APP_ID and secret INFRA_APP_PRIVATE_KEY',
          '     (the GitHub App), or a secret INFRA_REPOSITORY_TOKEN passed as github-token instead.',
          `  4. Commit and push: git add ${rel} && git commit -m "Add deployment workflow"`,
          '',
        ].join('\n'),
      );
    }
    return 0;
  } catch (error) {
    return reportFailure(toHostingError(error), flags, io, redactor);
  }
}
