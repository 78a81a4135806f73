import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors/errors.js';
import {
  blankToUndefined,
  NAME_PATTERN,
  type RolloutInputNames,
  type RolloutInputs,
} from '../inputs/inputs.js';
import { defaultSpecPath, planRollout, type RolloutPlan } from '../plan/rollout.js';
import type { AppSpec } from '../spec/app-spec.js';

/** An App spec is a few lines; a file far larger is refused before it is parsed. */
const MAX_SPEC_BYTES = 256 * 1024;

/**
 * Read the App spec (`--spec`, default `apps/<application>.yaml` under `cwd`). A missing default file
 * is allowed only when `--cluster` is given (everything else has defaults); a missing `--spec` never is.
 */
async function readAppSpec(
  raw: RolloutInputs,
  names: RolloutInputNames,
  cwd: string,
): Promise<AppSpec | undefined> {
  const application = blankToUndefined(raw.application);
  const given = blankToUndefined(raw.spec);
  if (!given && (!application || !NAME_PATTERN.test(application))) return undefined;
  const file = given ?? defaultSpecPath(application as string);
  let text: string;
  try {
    text = await readFile(path.resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    if (!given && blankToUndefined(raw.cluster)) return undefined;
    throw new InputError(
      given ? names.spec : file,
      `The App spec ${file} does not exist${given ? '' : ` (the default for ${application})`}.`,
      given
        ? `Check the path given with ${names.spec} (relative to ${cwd}).`
        : `Create ${file} in the infra repository (see the App spec reference), pass ${names.spec}, or pass ${names.cluster}.`,
    );
  }
  if (text.length > MAX_SPEC_BYTES) {
    throw new InputError(
      given ? names.spec : file,
      `The App spec ${file} is ${text.length} characters long: more than ${MAX_SPEC_BYTES} is not an App spec.`,
      `Check the path given with ${names.spec}: an App spec names a few environments in a few lines.`,
    );
  }
  // The YAML parser and the schema validator load only when a spec is read: `hosting --help` never pays for them.
  const { parseAppSpec } = await import('../spec/app-spec.js');
  return parseAppSpec(text, file);
}

/** Read the App spec, then plan: every input problem is an InputError before any AWS call. */
export async function prepareRollout(
  raw: RolloutInputs,
  names: RolloutInputNames,
  cwd: string,
): Promise<RolloutPlan> {
  const spec = await readAppSpec(raw, names, cwd);
  return planRollout(raw, spec, names);
}
