/**
 * The first check of the fast path, before any input is parsed or used: every input of action.yml (the
 * secret ones aside) is short enough, on one line (build-args may take several), free of control
 * characters, of shell substitutions and of secrets pasted by mistake. A hostile or mistaken value is
 * refused naming the input and the fix, shown cut short and escaped, a secret not shown at all: before any
 * request, and before it can reach a log line, an image tag or a parameter value.
 */
import { InputError, InputErrors } from '@shared-hosting/core';
import { looksLikeSecret, SHOWN_INPUT_MAX } from '@shared-hosting/core/secrets';
import {
  ACTION_INPUT_NAMES,
  ACTION_ROLLOUT_NAMES,
  COMMAND_INPUT,
  DRY_RUN_INPUT,
  type GetInput,
  GITHUB_APP_ID_INPUT,
  OPERATION_INPUTS,
  TRIGGER_INPUT,
} from './inputs.js';

/** Every input of action.yml but the secrets (github-token, github-app-private-key). */
const CHECKED_INPUTS = [
  ...new Set([
    ...Object.values(ACTION_INPUT_NAMES),
    ...Object.values(OPERATION_INPUTS),
    ...Object.values(ACTION_ROLLOUT_NAMES),
    COMMAND_INPUT,
    DRY_RUN_INPUT,
    TRIGGER_INPUT,
    GITHUB_APP_ID_INPUT,
  ]),
];

/** The inputs that take several lines (one KEY=VALUE per line). */
const MULTILINE: ReadonlySet<string> = new Set([ACTION_INPUT_NAMES.buildArgs]);
const MAX_LENGTH = 1024;
const MAX_MULTILINE_LENGTH = 16 * 1024;

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it looks for
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LINE_BREAK = /[\r\n]/;
/** `$(…)`, backticks, `${…}`: never expanded here (no shell runs an input), so a mistake or an attack. */
const SUBSTITUTION = /\$\(|`|\$\{/;

/** The value as a message shows it: escaped (no control character or line break printed), cut short. */
function shown(value: string): string {
  const head = JSON.stringify(value.slice(0, SHOWN_INPUT_MAX));
  return value.length > SHOWN_INPUT_MAX ? `${head.slice(0, -1)}…" (${value.length} characters)` : head;
}

/** What is wrong with one input's value, or undefined. */
function problem(
  name: string,
  value: string,
  secrets: readonly (string | undefined)[],
): InputError | undefined {
  if (looksLikeSecret(value, secrets)) {
    return new InputError(
      name,
      `${name} holds what looks like a secret (a GitHub token, a private key or a credential of this job); it is not shown here.`,
      `Remove it from ${name}: pass a token as github-token and an App's key as github-app-private-key, from secrets.`,
    );
  }
  const max = MULTILINE.has(name) ? MAX_MULTILINE_LENGTH : MAX_LENGTH;
  if (value.length > max) {
    return new InputError(
      name,
      `${name} ${shown(value)} is longer than the ${max} characters it may have.`,
      `Check what the workflow passes as ${name}.`,
    );
  }
  if (CONTROL.test(value) || (!MULTILINE.has(name) && LINE_BREAK.test(value))) {
    return new InputError(
      name,
      `${name} ${shown(value)} contains ${CONTROL.test(value) ? 'a control character' : 'a line break'}.`,
      `Give ${name} on one line, without control characters${MULTILINE.size > 0 ? ` (only ${[...MULTILINE].join(', ')} takes several lines)` : ''}.`,
    );
  }
  if (SUBSTITUTION.test(value)) {
    return new InputError(
      name,
      `${name} ${shown(value)} looks like a shell substitution ($(…), \`…\` or \${…}); no shell expands the Action's inputs.`,
      `Give ${name} the value itself; a GitHub expression (\${{ … }}) is expanded in the workflow, before the Action runs.`,
    );
  }
  return undefined;
}

/** Refuse every hostile or mistaken input at once (InputErrors naming each); nothing is read from them yet. */
export function guardInputs(get: GetInput, env: Readonly<Record<string, string | undefined>>): void {
  const secrets = [
    get('github-token'),
    env.GITHUB_TOKEN,
    env.GH_TOKEN,
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
  ];
  const errors = CHECKED_INPUTS.flatMap((name) => {
    const value = get(name);
    const error = value === '' ? undefined : problem(name, value, secrets);
    return error ? [error] : [];
  });
  if (errors.length > 0) throw new InputErrors(errors);
}
