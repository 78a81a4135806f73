import { createPorts, type Ports, type Reporter } from '@shared-hosting/core';
import type { Redactor } from '../output/redact.js';
import type { CliIO, CommonFlags } from '../types.js';

export interface PortsRequest {
  flags: CommonFlags & { profile?: string; region?: string };
  io: CliIO;
  reporter: Reporter;
  builder: Ports extends unknown ? Parameters<typeof createPorts>[0]['builder'] : never;
  redactor: Redactor;
}

export type PortsFactory = (request: PortsRequest) => Promise<Ports>;

/** The real ports: AWS SDK clients, Octokit and the image builder, loaded lazily. */
export const createCliPorts: PortsFactory = async ({ flags, io, reporter, builder, redactor }) => {
  const ports = await createPorts({
    builder,
    env: io.env,
    reporter,
    region: flags.region,
    profile: flags.profile,
    allowGhCli: true,
    cwd: io.cwd,
  });
  // The token is a secret from the moment we know it.
  redactor.addGitHubToken(ports.githubToken);
  return ports;
};
