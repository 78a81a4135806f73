import { createPorts, type Ports, type Reporter } from '@shared-hosting/core';
import type { AwsFlags, CommonFlags } from '../options.js';
import type { Redactor } from '../output/redact.js';
import type { CliIO } from '../types.js';
import { CLI_ADAPTER_NAMES } from './names.js';

interface PortsRequest {
  flags: CommonFlags & AwsFlags;
  io: CliIO;
  reporter: Reporter;
  builder: Ports extends unknown ? Parameters<typeof createPorts>[0]['builder'] : never;
  redactor: Redactor;
  /** What GitHub App tokens may do: `read` for read-only commands. Default write. */
  githubAccess?: 'read' | 'write';
}

export type PortsFactory = (request: PortsRequest) => Promise<Ports>;

/** The real ports: AWS SDK clients, Octokit and the image builder, loaded lazily. */
export const createCliPorts: PortsFactory = async ({
  flags,
  io,
  reporter,
  builder,
  redactor,
  githubAccess,
}) => {
  // A GitHub App comes from HOSTING_GITHUB_APP_ID and HOSTING_GITHUB_APP_PRIVATE_KEY[_FILE] (core reads them).
  const ports = await createPorts({
    builder,
    githubAccess,
    env: io.env,
    reporter,
    region: flags.region,
    profile: flags.profile,
    names: CLI_ADAPTER_NAMES,
    allowGhCli: true,
    cwd: io.cwd,
  });
  // The token is a secret from the moment we know it.
  redactor.addGitHubToken(ports.githubToken);
  return ports;
};
