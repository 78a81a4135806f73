/**
 * Masking secrets in text, for every adapter's every output path (log lines, errors, JSON, job summaries,
 * annotations). A secret travels in more than one form: base64 in auth headers and auth files, ECR's
 * base64("AWS:" + password), escaped in JSON or HTML, and cut to its first characters when an input is
 * shown in a message (`quote()`). GitHub tokens are also recognised by their shape, so a token that no
 * variable announced (passed by mistake as another input) is masked too.
 */

/** An input shown in a message is cut to this many characters (`quote()`). */
export const SHOWN_INPUT_MAX = 64;

/** Secrets shorter than this are not masked (they would mask ordinary words). */
export const SECRET_MIN_LENGTH = 4;

/** GitHub tokens by their documented prefixes: classic/OAuth/user/server/refresh, fine-grained PATs. */
const GITHUB_TOKEN_SHAPE = /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g;

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

/** Every form in which `secret` may appear in output (none for secrets shorter than SECRET_MIN_LENGTH). */
export function secretForms(secret: string): string[] {
  if (secret.length < SECRET_MIN_LENGTH) return [];
  const forms = new Set([secret]);
  forms.add(JSON.stringify(secret).slice(1, -1));
  forms.add(secret.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c] ?? c));
  forms.add(Buffer.from(secret).toString('base64'));
  forms.add(Buffer.from(`AWS:${secret}`).toString('base64'));
  if (secret.length > SHOWN_INPUT_MAX) forms.add(secret.slice(0, SHOWN_INPUT_MAX));
  return [...forms];
}

/** The secrets of one run, in all their forms; `mask` replaces each by `***`. */
export class SecretMasker {
  private readonly forms = new Set<string>();
  private sorted: string[] | undefined;

  constructor(secrets: Iterable<string | undefined> = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string | undefined): void {
    if (!secret) return;
    for (const form of secretForms(secret)) this.forms.add(form);
    this.sorted = undefined;
  }

  /** Every secret form (longest first, so that none is left half-replaced), then GitHub token shapes. */
  mask(text: string): string {
    this.sorted ??= [...this.forms].sort((a, b) => b.length - a.length);
    let out = text;
    for (const form of this.sorted) if (out.includes(form)) out = out.split(form).join('***');
    return out.replace(GITHUB_TOKEN_SHAPE, '***');
  }
}

/**
 * Whether a value that should hold no secret looks like one: a GitHub token by its shape, a PEM private key,
 * or one of the `known` secrets (at least 8 characters) inside it. For refusing a secret pasted into an
 * ordinary input before it is used anywhere (an image tag, a parameter value).
 */
export function looksLikeSecret(value: string, known: Iterable<string | undefined> = []): boolean {
  if (new RegExp(GITHUB_TOKEN_SHAPE.source).test(value) || /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(value))
    return true;
  for (const secret of known) if (secret && secret.length >= 8 && value.includes(secret)) return true;
  return false;
}

/** The environment variables that hold secrets, wherever the tool runs. */
export const SECRET_ENV_VARS = [
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'INPUT_GITHUB-TOKEN',
] as const;

/** A masker of the secrets the environment holds. */
export function maskerFromEnv(env: Readonly<Record<string, string | undefined>>): SecretMasker {
  return new SecretMasker(SECRET_ENV_VARS.map((name) => env[name]));
}
