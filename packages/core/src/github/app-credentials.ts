/**
 * The GitHub App credentials an adapter was given: the Action's inputs, else the environment
 * (`HOSTING_GITHUB_APP_ID`, `HOSTING_GITHUB_APP_PRIVATE_KEY` or `HOSTING_GITHUB_APP_PRIVATE_KEY_FILE`).
 * Loads nothing heavy; the key is never quoted in an error.
 */
import { readFileSync } from 'node:fs';
import { InputError } from '../errors/errors.js';
import type { GitHubAppCredentials } from './app-auth.js';

export interface ResolveGitHubAppOptions {
  /** The `github-app-id` input, when given. */
  appId?: string | undefined;
  /** The `github-app-private-key` input, when given. */
  privateKey?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

const ID = 'github-app-id / HOSTING_GITHUB_APP_ID';
const KEY =
  'github-app-private-key / HOSTING_GITHUB_APP_PRIVATE_KEY (or HOSTING_GITHUB_APP_PRIVATE_KEY_FILE)';

const clean = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);

/** A PEM stored with literal `\n` (a one-line secret) becomes the PEM it means. */
function pem(text: string): string {
  return text.includes('\n') ? text : text.replaceAll('\\n', '\n');
}

function keyFrom(o: ResolveGitHubAppOptions): string | undefined {
  const inline = clean(o.privateKey) ?? clean(o.env.HOSTING_GITHUB_APP_PRIVATE_KEY);
  const file = clean(o.env.HOSTING_GITHUB_APP_PRIVATE_KEY_FILE);
  if (inline && file && !clean(o.privateKey)) {
    throw new InputError(
      'HOSTING_GITHUB_APP_PRIVATE_KEY',
      'Both HOSTING_GITHUB_APP_PRIVATE_KEY and HOSTING_GITHUB_APP_PRIVATE_KEY_FILE are set.',
      'Set only one of them: the key itself, or the path of its .pem file.',
    );
  }
  if (inline) return pem(inline);
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(
      'HOSTING_GITHUB_APP_PRIVATE_KEY_FILE',
      `HOSTING_GITHUB_APP_PRIVATE_KEY_FILE names ${file}, which cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}).`,
      'Point it at the App private key (.pem) file, readable by this user.',
    );
  }
}

/** The App's credentials, or undefined when none are given; half of them is bad input naming the other half. */
export function resolveGitHubApp(o: ResolveGitHubAppOptions): GitHubAppCredentials | undefined {
  const appId = clean(o.appId) ?? clean(o.env.HOSTING_GITHUB_APP_ID);
  const privateKey = keyFrom(o);
  if (appId && privateKey) return { appId, privateKey };
  if (!appId && !privateKey) return undefined;
  if (!appId)
    throw new InputError(
      ID,
      'A GitHub App private key is given but no App id.',
      `Set ${ID} too (the App's id or client id).`,
    );
  throw new InputError(KEY, `GitHub App ${appId} is given without its private key.`, `Set ${KEY} too.`);
}

/** A token and an App both given: bad input naming both. */
export function bothGivenError(): InputError {
  return new InputError(
    'github-token',
    'Both a GitHub token (github-token / GITHUB_TOKEN / GH_TOKEN) and a GitHub App (github-app-id and github-app-private-key / HOSTING_GITHUB_APP_ID and HOSTING_GITHUB_APP_PRIVATE_KEY) are given.',
    'Give one: the GitHub App (recommended: its tokens are minted for the infra repository only and renewed during long waits), or the token.',
  );
}
