import { access } from 'node:fs/promises';
import { type InputError, InputErrors } from '../errors/errors.js';
import type { DeployInputs, InputNames } from '../inputs/inputs.js';
import { parseDeployInputs } from '../inputs/inputs.js';
import { type DeployPlan, plan } from '../plan/deploy.js';
import { type GitRunner, missingPathError, resolveSource, runGit } from './source.js';

export interface PrepareContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  git?: GitRunner | undefined;
}

/**
 * Parse and validate every input, check local paths, and resolve the version and provenance.
 * Reads only (the file system and git); throws InputErrors before any side effect.
 */
export async function prepareDeploy(
  raw: DeployInputs,
  names: InputNames,
  context: PrepareContext,
): Promise<DeployPlan> {
  const options = parseDeployInputs(raw, names, context.cwd);
  const errors: InputError[] = [];
  if (!(await exists(options.context)))
    errors.push(missingPathError(names.context, 'build context', options.context));
  else if (!(await exists(options.dockerfile)))
    errors.push(missingPathError(names.dockerfile, 'Dockerfile', options.dockerfile));
  if (errors.length > 0) throw new InputErrors(errors);
  const source = await resolveSource(
    {
      cwd: options.context,
      env: context.env,
      versionGiven: options.version !== undefined,
      versionInput: names.version,
    },
    context.git ?? runGit,
  );
  return plan(options, source);
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
