/**
 * Every error the tool reports, with its cause and fix. The troubleshooting page of the docs is generated
 * from this list, and a test checks that every code thrown under src/ is listed here.
 * Add an entry whenever you add an error code.
 */
export interface CatalogEntry {
  code: string;
  /** Short title, e.g. "ECR repository not found". */
  title: string;
  /** When it happens. */
  cause: string;
  /** What to do. */
  fix: string;
}

export const errorCatalog: readonly CatalogEntry[] = [
  {
    code: 'INVALID_INPUT',
    title: 'Invalid input',
    cause:
      'An input is missing or malformed (application or environment name, version, repository, parameter, duration, ...). Nothing was built, pushed or changed.',
    fix: 'The message names the input and the expected form: correct it and run again.',
  },
  {
    code: 'UNEXPECTED',
    title: 'Unexpected failure',
    cause: 'Something failed in a way the tool does not recognise.',
    fix: 'Re-run with --debug (CLI) or ACTIONS_STEP_DEBUG=true (Action) and report the output.',
  },
  {
    code: 'DEPLOYMENT_FAILED',
    title: 'Infra deployment failed',
    cause:
      'The infrastructure workflow run finished with a conclusion other than success (failure, cancelled, timed_out, startup_failure, action_required, stale, ...).',
    fix: 'Open the run link; the message names the failed job and step and shows the end of its log.',
  },
  {
    code: 'WAIT_TIMEOUT',
    title: 'Timed out waiting for the infra deployment',
    cause: 'The infrastructure run did not complete within the timeout.',
    fix: 'Open the run link to see where it is; raise the timeout, or pass --cancel-on-timeout to cancel runs that exceed it.',
  },
  {
    code: 'INTERRUPTED',
    title: 'Interrupted',
    cause: 'The deployment was interrupted (Ctrl-C, SIGTERM, or the job was cancelled) while it waited.',
    fix: 'The remote run was cancelled unless --no-cancel-on-interrupt was given; deploy again when ready.',
  },
];
