/** Provenance: where a deployment comes from, and what we record of it in the SSM parameter's Description. */

/** Where a deployment comes from: the commit, who deployed it and from where. */
export interface SourceInfo {
  /** Full commit SHA. */
  commit: string;
  /** Uncommitted changes in the working tree (local runs only). */
  dirty: boolean;
  /** Browser URL of the source repository, without credentials, when known. */
  repositoryUrl: string | undefined;
  /** Who deploys: the GitHub actor in Actions, else the git user or OS user. */
  actor: string;
  /** The Actions run URL, when running in GitHub Actions. */
  runUrl: string | undefined;
  ci: 'github-actions' | 'local';
}

export interface Provenance {
  /** deploy, rollback or promote. */
  action: string;
  version?: string | undefined;
  commit?: string | undefined;
  digest?: string | undefined;
  actor?: string | undefined;
  run?: string | undefined;
  /** Rollback: the version rolled back from. Promote: the source environment. */
  from?: string | undefined;
  source?: string | undefined;
}

const PROVENANCE_PREFIX = 'shared-hosting';
const SSM_DESCRIPTION_MAX = 1024;

/** `shared-hosting deploy | version=… | commit=… | digest=… | actor=… | run=…` (at most 1024 characters). */
export function formatProvenance(p: Provenance): string {
  const fields: [string, string | undefined][] = [
    ['version', p.version],
    ['commit', p.commit],
    ['digest', p.digest],
    ['from', p.from],
    ['source', p.source],
    ['actor', p.actor],
    ['run', p.run],
  ];
  const parts = [`${PROVENANCE_PREFIX} ${p.action}`];
  for (const [key, value] of fields) {
    if (value) parts.push(`${key}=${value.replace(/\s*\|\s*/g, '/').replace(/[\r\n]+/g, ' ')}`);
  }
  let text = parts.join(' | ');
  while (text.length > SSM_DESCRIPTION_MAX && parts.length > 1) {
    parts.splice(parts.length - 1, 1);
    text = parts.join(' | ');
  }
  return text.slice(0, SSM_DESCRIPTION_MAX);
}

/** Parse a Description written by `formatProvenance`; undefined for anything else. */
export function parseProvenance(description: string | undefined): Provenance | undefined {
  if (!description?.startsWith(`${PROVENANCE_PREFIX} `)) return undefined;
  const [head, ...rest] = description.split(' | ');
  const result: Provenance = { action: (head ?? '').slice(PROVENANCE_PREFIX.length + 1) };
  for (const part of rest) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const key = part.slice(0, eq) as keyof Provenance;
    if (['version', 'commit', 'digest', 'actor', 'run', 'from', 'source'].includes(key)) {
      result[key] = part.slice(eq + 1);
    }
  }
  return result;
}
