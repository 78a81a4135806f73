import type { Command } from '@commander-js/extra-typings';
import { commonOptions, type FlagsOf } from '../../options.js';

/** Where `hosting init` writes the workflow unless --output says otherwise. */
const WORKFLOW_PATH = '.github/workflows/deploy.yaml';

/** `hosting init`: its flags. The body is ./run.ts. */
export function initCommand(program: Command) {
  return commonOptions(
    program
      .command('init')
      .description(`Write the deployment workflow template into this repository (${WORKFLOW_PATH}).`)
      .option('--app <name>', 'application name for APPLICATION (default: the repository name)')
      .option('--infra-repo <owner/name>', 'fill in the infrastructure repository')
      .option('--output <file>', 'where to write it, relative to the repository root', WORKFLOW_PATH)
      .option('--force', 'overwrite an existing file')
      .option(
        '--infra',
        "write the infra repository's workflow instead (runs hosting rollout via the Action)",
      ),
  );
}

export type InitFlags = FlagsOf<ReturnType<typeof initCommand>>;
