/**
 * The credential chain, bounded: the SDK's default chain can wait without end on a source that never
 * answers (a container credentials endpoint that accepts the connection and stays silent: its request
 * timeout only prints a warning). Resolving the credentials once, before the first call, with a short
 * deadline turns that into an error naming the source and the fix, within seconds. Loaded with the SDK.
 */
import { RemoteError } from '../errors/errors.js';
import type { AdapterNames } from '../inputs/names.js';

/** How long the chain may take to produce credentials the first time (env, files, SSO, container, IMDS). */
export const CREDENTIALS_DEADLINE_MS = 3_000;

type Provider = () => Promise<unknown>;

/**
 * Resolve the credentials once (the SDK keeps them for the client's calls): late, AWS_CREDENTIALS_TIMEOUT;
 * a chain that fails throws its failure at once (`mapError` names it: AWS_CREDENTIALS_MISSING, ...),
 * rather than at every call, each running the whole chain again.
 */
export async function boundCredentials(
  provider: Provider,
  context: CredentialsContext & { mapError: (error: unknown) => Error },
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), context.deadlineMs);
    timer.unref();
  });
  let failure: unknown;
  const outcome = await Promise.race([
    provider().then(
      () => 'ok' as const,
      (error: unknown) => {
        failure = error;
        return 'failed' as const;
      },
    ),
    late,
  ]).finally(() => clearTimeout(timer));
  if (outcome === 'late') throw credentialsTimeout(context);
  if (outcome === 'failed') throw context.mapError(failure);
}

interface CredentialsContext {
  profile: string | undefined;
  deadlineMs: number;
  names: Pick<AdapterNames, 'profile'>;
}

function credentialsTimeout(context: CredentialsContext) {
  // The SDK's chain reads its sources from the process's environment, whatever the clients were given.
  const source = waitingFor(process.env, context.profile, context.names);
  return new RemoteError(
    'aws',
    'AWS_CREDENTIALS_TIMEOUT',
    `No AWS credentials within ${context.deadlineMs / 1000} s: the SDK's credential chain was still waiting for ${source.what}. Nothing was changed.`,
    { fix: source.fix, details: { source: source.name } },
  );
}

/** The source the chain waits on: the first one configured that asks something over the network. */
function waitingFor(
  env: NodeJS.ProcessEnv,
  profile: string | undefined,
  names: Pick<AdapterNames, 'profile'>,
): { name: string; what: string; fix: string } {
  const profileSetting = names.profile === undefined ? 'AWS_PROFILE' : `${names.profile} (AWS_PROFILE)`;
  const keys = `set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or ${names.profile === undefined ? 'set' : 'pass'} ${profileSetting} with working credentials`;
  for (const name of ['AWS_CONTAINER_CREDENTIALS_FULL_URI', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI']) {
    if (env[name]?.trim()) {
      return {
        name,
        what: `the container credentials endpoint named by ${name}, which did not answer`,
        fix: `Check that endpoint (it answers inside an ECS task or a CodeBuild job only), or unset ${name}; else ${keys}.`,
      };
    }
  }
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE?.trim()) {
    return {
      name: 'AWS_WEB_IDENTITY_TOKEN_FILE',
      what: 'AWS STS (AssumeRoleWithWebIdentity, from AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)',
      fix: `Check the network to AWS STS (HTTPS_PROXY), or unset AWS_WEB_IDENTITY_TOKEN_FILE; else ${keys}.`,
    };
  }
  if (profile) {
    return {
      name: 'profile',
      what: `the credentials of profile "${profile}" (SSO, a credential_process or a role to assume)`,
      fix: `Check the profile's source (for SSO: aws sso login --profile ${profile}) and the network; or ${keys}.`,
    };
  }
  return {
    name: 'instance-metadata',
    what: 'the EC2 instance metadata service (169.254.169.254), the last source of the chain',
    fix: `Outside EC2, ${keys} (AWS_EC2_METADATA_DISABLED=true skips the instance metadata service).`,
  };
}
