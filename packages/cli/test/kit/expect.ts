/** What every deploy of the bin must hold, whatever happened: no secret printed, nothing left behind. */
import { readdirSync } from 'node:fs';
import { expect } from 'vitest';
import { lockOf } from './app.js';
import type { Output } from './bin.js';
import type { Peers } from './peers.js';

/** The registry's password, the GitHub token and the AWS secret key appear in nothing the runs printed. */
export function expectNoSecret(peers: Pick<Peers, 'aws' | 'github'>, ...outputs: Output[]): void {
  const secrets = [peers.aws.registry.password, peers.github.token, peers.aws.env.AWS_SECRET_ACCESS_KEY];
  for (const { stdout, stderr } of outputs)
    for (const secret of secrets) expect(stdout + stderr).not.toContain(secret);
}

/** No lock of `app`/`env` is left, and no registry auth file (or any other dot file) in `home`. */
export function expectNothingLeft(peers: Pick<Peers, 'aws'>, app: string, env: string, home: string): void {
  expect(peers.aws.aws.ssm.parameters.get(lockOf(app, env))).toBeUndefined();
  expect(readdirSync(home).filter((f) => f.startsWith('.') && f !== '.cache')).toEqual([]);
}
