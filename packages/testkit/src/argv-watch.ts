import { readdirSync, readFileSync } from 'node:fs';

/** What an argv watch found: every command line that held a secret (the secret itself masked). */
export interface ArgvWatch {
  /** Stop watching; returns the offending command lines (none is the expectation). */
  stop(): string[];
  /** How many process command lines it read, to show the watch looked. */
  readonly seen: number;
}

function commandLines(): string[] {
  const lines: string[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      lines.push(readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' '));
    } catch {
      // the process ended meanwhile
    }
  }
  return lines;
}

/**
 * Reads every process's command line (`/proc/<pid>/cmdline`, what `ps` shows any user) every `intervalMs`
 * until stopped, collecting those that contain one of `secrets`: a builder's children (docker, buildah,
 * podman, credential helpers) must never get a secret as an argument.
 */
export function watchArgv(secrets: readonly string[], intervalMs = 20): ArgvWatch {
  const found = new Set<string>();
  let seen = 0;
  const look = () => {
    for (const line of commandLines()) {
      seen++;
      const hit = secrets.find((s) => s && line.includes(s));
      if (hit) found.add(line.split(hit).join('***'));
    }
  };
  look();
  const timer = setInterval(look, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      look();
      return [...found];
    },
    get seen() {
      return seen;
    },
  };
}
