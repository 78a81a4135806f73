/** Replaces every known secret in text with ***. Secrets shorter than 4 characters are ignored. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    if (!secret || secret.length < 4) return;
    this.secrets.add(secret);
    // Base64 forms travel in auth headers and auth files.
    this.secrets.add(Buffer.from(secret).toString('base64'));
    this.secrets.add(Buffer.from(`AWS:${secret}`).toString('base64'));
  }

  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) {
      if (out.includes(secret)) out = out.split(secret).join('***');
    }
    return out;
  }
}

/** The secrets a CLI run knows from its environment. */
export function redactorFromEnv(env: Readonly<Record<string, string | undefined>>): Redactor {
  const r = new Redactor();
  for (const name of [
    'GITHUB_TOKEN',
    'GH_TOKEN',
    'AWS_SECRET_ACCESS_KEY',
    'AWS_SESSION_TOKEN',
    'INPUT_GITHUB-TOKEN',
  ]) {
    r.add(env[name]);
  }
  return r;
}
