// Only the standalone secrets module of the engine: the entry (hosting.cjs) redacts commander's messages
// too, and must not load the engine.
import { SECRET_ENV_VARS, SecretMasker } from '@shared-hosting/core/secrets';

/**
 * Replaces every known secret in text with ***, in every form it travels in (base64, JSON-escaped, cut
 * in a message), and anything shaped like a GitHub token. Every CLI output path goes through one.
 */
export class Redactor {
  private readonly masker = new SecretMasker();
  private gitHubTokenKnown = false;

  add(secret: string | undefined): void {
    this.masker.add(secret);
  }

  /** The GitHub token in use (from the environment or the ports): masked from now on. */
  addGitHubToken(token: string | undefined): void {
    if (!token) return;
    this.gitHubTokenKnown = true;
    this.add(token);
  }

  /** No GitHub token known yet: the gh CLI's, if any, is not masked until someone asks gh for it. */
  get needsGitHubToken(): boolean {
    return !this.gitHubTokenKnown;
  }

  redact(text: string): string {
    return this.masker.mask(text);
  }
}

/** The secrets a CLI run knows from its environment. */
export function redactorFromEnv(env: Readonly<Record<string, string | undefined>>): Redactor {
  const r = new Redactor();
  for (const name of SECRET_ENV_VARS) r.add(env[name]);
  r.addGitHubToken(env.GITHUB_TOKEN?.trim() || env.GH_TOKEN?.trim());
  return r;
}
