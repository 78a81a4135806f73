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
      'An input is missing or malformed (application or environment name, version, repository, parameter, duration, AWS region from --region, AWS_REGION, AWS_DEFAULT_REGION or the profile, ...). Nothing was built, pushed or changed, and no request was sent.',
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
    cause:
      'The infrastructure run did not complete within the timeout, or the deployment lock or a run in flight was not released within it (nothing was changed then). (When GitHub kept failing for most of the wait instead, the error is GITHUB_UNAVAILABLE_WAITING; when its rate limit outlasted the wait, GITHUB_RATE_LIMITED_WAITING.)',
    fix: 'Open the run link to see where it is; raise the timeout, or pass --cancel-on-timeout to cancel runs that exceed it. A lock whose holder is gone is removed with hosting unlock.',
  },
  {
    code: 'INTERRUPTED',
    title: 'Interrupted',
    cause:
      "The operation was interrupted (Ctrl-C, SIGTERM, or the job was cancelled). The message says what it left: before the version write nothing was changed; once the write had started, the write and the trigger were finished (the run deploys the new version, not waited for) or the previous value was restored; while waiting for the lock or for someone else's run, that run was not touched. A second Ctrl-C quits at once and says what state it left.",
    fix: 'Follow the fix line of the message: follow the run it names, or deploy again when ready. Your own run was cancelled unless --no-cancel-on-interrupt was given (then the new value is restored); after a second Ctrl-C, a lock left behind is removed with hosting unlock.',
  },
  {
    code: 'ECR_REPOSITORY_NOT_FOUND',
    title: 'ECR repository not found',
    cause:
      "The ECR repository (the application name, or --repository) does not exist in the region in use (AWS_REGION / --region / the profile's region).",
    fix: 'Create it (aws ecr create-repository --repository-name <name> --region <region>), or pass the right --repository and region.',
  },
  {
    code: 'ECR_IMAGE_NOT_FOUND',
    title: 'Image not found in ECR',
    cause: 'An image asked for by digest (e.g. to tag it again) is not in the repository.',
    fix: 'Deploy a version whose image exists, or build and push it first.',
  },
  {
    code: 'ECR_TAG_IMMUTABLE',
    title: 'Tag already used in an immutable repository',
    cause: 'The repository has immutable tags and the version tag already points to another image.',
    fix: "Deploy a new version (a new commit or --version), or make the repository's tags mutable.",
  },
  {
    code: 'AWS_ACCESS_DENIED',
    title: 'AWS denied a permission',
    cause:
      'The AWS identity in use lacks an IAM permission (the message names the action, e.g. ssm:PutParameter or ecr:DescribeImages, the identity and the resource).',
    fix: 'Add the named action for that resource to the IAM policy of that identity, or use a profile/role that has it (--profile, AWS_PROFILE).',
  },
  {
    code: 'AWS_CREDENTIALS_MISSING',
    title: 'No AWS credentials',
    cause:
      "The SDK's default chain found no credentials: no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, no usable profile, SSO session, web identity or instance role.",
    fix: 'Set the access key variables, pass --profile (AWS_PROFILE; for SSO run aws sso login --profile <name> first), or in GitHub Actions use aws-actions/configure-aws-credentials.',
  },
  {
    code: 'AWS_CREDENTIALS_TIMEOUT',
    title: 'AWS credentials did not arrive in time',
    cause:
      "The SDK's credential chain produced no credentials within 3 s: a source it asks over the network never answered (a container credentials endpoint named by AWS_CONTAINER_CREDENTIALS_FULL_URI or _RELATIVE_URI outside its container, AWS STS for a web identity, a profile's SSO or role, or the EC2 instance metadata service). The message names the source. Nothing was changed.",
    fix: 'Fix or unset the source named (e.g. unset AWS_CONTAINER_CREDENTIALS_FULL_URI), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile with working credentials.',
  },
  {
    code: 'AWS_CREDENTIALS_EXPIRED',
    title: 'AWS credentials expired',
    cause: 'The session token or SSO session has expired, or could not be refreshed.',
    fix: 'Sign in again (aws sso login --profile <name>) or assume the role again, then run again.',
  },
  {
    code: 'AWS_CREDENTIALS_INVALID',
    title: 'AWS rejected the credentials',
    cause:
      'The access key is unknown or the signature does not match (often a stale AWS_SESSION_TOKEN next to new keys).',
    fix: 'Check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN or the profile in use.',
  },
  {
    code: 'AWS_THROTTLED',
    title: 'AWS kept throttling',
    cause: 'ECR or SSM answered ThrottlingException on every attempt (calls are retried with backoff first).',
    fix: 'Wait a minute and run again; reduce concurrent deployments or raise the API rate quota if it persists.',
  },
  {
    code: 'AWS_UNAVAILABLE',
    title: 'AWS service unavailable',
    cause: 'ECR or SSM kept answering 5xx or timing out after all retries.',
    fix: 'Check the AWS Health Dashboard (or the endpoint in AWS_ENDPOINT_URL) and run again later.',
  },
  {
    code: 'AWS_UNREACHABLE',
    title: 'AWS endpoint unreachable',
    cause: 'The connection to ECR or SSM failed (DNS, refused, reset).',
    fix: 'Check the network, proxy settings (HTTPS_PROXY), the region and AWS_ENDPOINT_URL.',
  },
  {
    code: 'AWS_VALIDATION',
    title: 'AWS rejected the request',
    cause: 'ECR or SSM answered ValidationException / InvalidParameterException.',
    fix: 'Check the repository and parameter names; re-run with --debug and report it if they look right.',
  },
  {
    code: 'AWS_REQUEST_FAILED',
    title: 'AWS request failed',
    cause: 'An ECR or SSM call failed in a way not listed here.',
    fix: 'Re-run with --debug; if the message does not explain it, report it with the output.',
  },
  {
    code: 'SSM_TOO_MANY_UPDATES',
    title: 'Parameter updated concurrently',
    cause: 'SSM answered TooManyUpdates on every attempt: another writer is changing the same parameter.',
    fix: 'Another deployment is probably writing the same parameter: wait for it to finish and run again.',
  },
  {
    code: 'SSM_PARAMETER_TYPE_MISMATCH',
    title: 'Parameter has another type',
    cause:
      'The parameter exists as SecureString or StringList and SSM will not change its type to String (HierarchyTypeMismatch).',
    fix: 'Choose another name with --parameter, or delete the existing parameter if nothing else reads it.',
  },
  {
    code: 'SSM_PARAMETER_LIMIT_EXCEEDED',
    title: 'Too many parameters',
    cause: 'The account reached its SSM parameter quota in the region (ParameterLimitExceeded).',
    fix: 'Delete unused parameters, ask for a higher quota, or use the advanced tier.',
  },
  {
    code: 'SSM_PARAMETER_VERSION_LIMIT',
    title: 'Too many parameter versions',
    cause:
      'The parameter has 100 versions and the oldest carries a label, so SSM cannot drop it (ParameterMaxVersionLimitExceeded).',
    fix: 'Move or remove the label of the oldest version (aws ssm unlabel-parameter-version) and run again.',
  },
  {
    code: 'SSM_PARAMETER_PATTERN_MISMATCH',
    title: "Value does not match the parameter's pattern",
    cause: 'The parameter has an AllowedPattern the new version does not match.',
    fix: 'Change or remove the AllowedPattern, or deploy a version that matches it.',
  },
  {
    code: 'SSM_PARAMETER_EXISTS',
    title: 'Parameter already exists',
    cause: 'A parameter was created without overwrite while it existed.',
    fix: 'Overwrite it explicitly or choose another name with --parameter.',
  },
  {
    code: 'BUILDER_NOT_FOUND',
    title: 'No image builder',
    cause:
      'No docker daemon answered, and neither podman nor buildah is installed (or the builder asked for with --builder is missing). The message lists what was tried, in the order --builder auto tries them.',
    fix: 'Start Docker, or install podman or buildah (Debian: sudo apt-get install -y podman, or buildah), or pass --builder with one that is installed.',
  },
  {
    code: 'BUILD_FAILED',
    title: 'Image build failed',
    cause:
      'The builder exited with an error; the message names the step that failed and shows the end of its output. Two failures are not the Dockerfile\'s: "network bridge not found" on every RUN step means the Docker daemon runs with --bridge=none (set-ups that turn off its networking), which BuildKit cannot run RUN steps with; "BuildKit is enabled but the buildx component is missing or broken" means a docker client 23 or newer without its buildx plugin.',
    fix: 'Fix the Dockerfile or build context as the log says; reproduce locally with the same builder. For "network bridge not found": start dockerd with its default bridge (remove --bridge=none, or "bridge": "none" from daemon.json), or build with --builder podman or buildah. For a missing buildx: install it (Debian: docker-buildx; Docker\'s packages: docker-buildx-plugin); without it, docker builds with the classic builder, where BuildKit-only Dockerfile features (RUN --mount, heredocs) fail.',
  },
  {
    code: 'PUSH_FAILED',
    title: 'Image push failed',
    cause:
      'The builder could not push the image to the registry (auth, network, or a registry error); the message shows the end of its output.',
    fix: "Check the registry in the message, that the identity may push (ecr:InitiateLayerUpload, ecr:PutImage, ...), and for a plain-http registry with docker: the daemon's insecure-registries.",
  },
  // Day-2 operations (status, history, rollback, promote) and the release tail they share with deploy.
  {
    code: 'DEPLOYMENT_IN_PROGRESS',
    title: 'A deployment is already in progress',
    cause:
      'Another deploy, rollback or promote of the same application and environment holds the deployment lock (the SSM parameter /shared-hosting/<app>/<env>/lock), or a run of the infra workflow for them is queued or in progress (started by anyone), and waiting for it was turned off (--no-wait-for-lock, wait-for-lock: false). Nothing was changed.',
    fix: 'The message names the holder, since when and its run link. Run again when it has finished, or leave waiting for it on (the default). A lock whose holder was killed lapses by itself: its holder renews it every 20 s, and one not renewed for 60 s is taken over by the next deployment that waits for it (saying whose it was); or remove it with hosting unlock --app <app> --env <env>.',
  },
  {
    code: 'LOCK_HELD',
    title: 'Lock not expired',
    cause:
      "hosting unlock found the deployment lock held by an operation whose lease was renewed less than 60 s ago (by SSM's clock, the lock parameter's LastModifiedDate): it may still be running. Nothing was removed.",
    fix: 'Check that operation (the message names its holder and run); if it is gone (killed, its runner lost), run hosting unlock again with --force.',
  },
  {
    code: 'DEPLOYED_OTHER_VERSION',
    title: 'Another version went live',
    cause:
      'The infra run succeeded, but the SSM label `deployed` (moved by the infra side to the parameter version it rolled out) is on another version than the one this operation wrote or found set: someone changed the parameter while it ran (bypassing the lock), or the infra run rolled out something else.',
    fix: 'The message names the version that went live. Check hosting status and hosting history, then deploy again.',
  },
  {
    code: 'IMAGE_EXPIRED',
    title: 'Image no longer in ECR',
    cause:
      "The version's image is no longer in the ECR repository: a lifecycle rule may have expired it. A rollback, a promote or a restore after a failed deployment never points the parameter at a missing image, so nothing was changed.",
    fix: 'Pick a more recent version (hosting history lists them; hosting status shows whether each deployed image still exists), or deploy that version again from its commit: it will be rebuilt.',
  },
  {
    code: 'VERSION_NEVER_DEPLOYED',
    title: 'Version never deployed there',
    cause:
      "rollback --to names a version that is not in the SSM parameter's history of that environment (it was never deployed there, or not among the last 100 versions) and whose image is not in the ECR repository either: most likely a typo. Nothing was changed.",
    fix: 'See the versions deployed there with hosting history --app APP --env ENV, and pass one of them to --to (or leave --to out to go back to the previous version).',
  },
  {
    code: 'NOTHING_DEPLOYED',
    title: 'Nothing deployed there',
    cause:
      'The SSM parameter of that application and environment does not exist, so there is nothing to roll back or promote.',
    fix: 'Check --app, --env/--from and --parameter; deploy a version first.',
  },
  {
    code: 'NO_PREVIOUS_VERSION',
    title: 'No previous version',
    cause: 'The parameter has only ever held its current value, so "previous" has nothing to go back to.',
    fix: 'Give the version to roll back to explicitly with --to VERSION (Action: to).',
  },
  {
    code: 'TAG_CONFLICT',
    title: 'Tag already points at another image',
    cause:
      'promote was asked to tag the image with a version that already exists in ECR for a different image.',
    fix: 'Promote under another --version, or leave --version out to keep the version the source environment runs.',
  },
  {
    code: 'IMAGE_TAG_MOVED',
    title: 'Tag moved since it was deployed',
    cause:
      'The version tag of the source environment now points at a different image than the digest recorded when it was deployed there (the tag was pushed again). Promoting the tag would ship a different image.',
    fix: 'Pass --version NEW_TAG: the exact image the source environment runs is tagged with it and promoted.',
  },
  {
    code: 'TAG_NOT_CONFIRMED',
    title: 'New tag not confirmed',
    cause:
      'ECR accepted the re-tag of the promoted image (PutImage) but does not list the tag on that image.',
    fix: 'Check the ECR repository and run again; the parameter was not changed.',
  },
  {
    code: 'PARAMETER_CHANGED',
    title: 'Parameter changed meanwhile',
    cause:
      'A restore (after a failed infra run with --rollback-on-failure, or after an interrupt) found the parameter at another parameter version than the one this command wrote: someone changed it since (even to the same value), so the previous value was not written back and the parameter was left as it is.',
    fix: 'Look at hosting status and hosting history before changing anything.',
  },
  // --- GitHub (infra workflow: preflight, dispatch, wait) ---
  {
    code: 'GITHUB_APP_UNAUTHORIZED',
    title: 'GitHub rejected the App',
    cause:
      "GitHub answered 401 to the GitHub App's JWT: the App id (github-app-id / HOSTING_GITHUB_APP_ID) is wrong, or the private key is not one of that App's keys, or the clock is off by minutes.",
    fix: 'Use the "App ID" or "Client ID" from the App\'s settings page and one of its private keys (the whole .pem).',
  },
  {
    code: 'GITHUB_APP_NOT_INSTALLED',
    title: 'The GitHub App is not installed on the infra repository',
    cause: "GitHub answered 404 for the App's installation on the infra repository.",
    fix: "Install the App on the infra repository's owner and select the repository: the App's settings page → Install App.",
  },
  {
    code: 'GITHUB_APP_REPOSITORY_MISSING',
    title: "The App's installation lacks the infra repository",
    cause: 'The App is installed on the owner, but its installation does not include the infra repository.',
    fix: "Add the repository: the owner's Settings → GitHub Apps → the App → Configure → Repository access.",
  },
  {
    code: 'GITHUB_APP_PERMISSION_MISSING',
    title: "The App's installation lacks a permission",
    cause:
      'The installation was not granted what the command needs: Actions: write and Contents: read (read-only commands: Actions: read).',
    fix: "Grant Actions: Read and write and Contents: Read-only in the App's settings, then accept the new permissions on the installation.",
  },
  {
    code: 'GITHUB_APP_FAILED',
    title: 'GitHub refused an App request',
    cause: 'Finding the installation or minting a token failed with an answer the tool does not know.',
    fix: 'Check the App id, its private key and its installation on the infra repository; re-run with --debug.',
  },
  {
    code: 'GITHUB_UNAUTHORIZED',
    title: 'GitHub rejected the token',
    cause:
      'GitHub answered 401 Bad credentials: the token is invalid, expired or revoked, or belongs to another GitHub server.',
    fix: 'Create a new token (a GitHub App token or a fine-grained token with Actions: write on the infra repository). For GitHub Enterprise, set GITHUB_API_URL to https://HOST/api/v3.',
  },
  {
    code: 'GITHUB_FORBIDDEN',
    title: 'The token may not run the infra workflow',
    cause:
      'GitHub answered 403, usually "Resource not accessible by integration": a job\'s own GITHUB_TOKEN only works in the repository the job runs in, so it cannot dispatch workflows in the infra repository. A fine-grained token without Actions: write gets "Resource not accessible by personal access token".',
    fix: 'Use a GitHub App installation token (actions/create-github-app-token, app installed on the infra repository with Actions: write) or a fine-grained personal access token with Actions: write and Contents: read on the infra repository. With SAML single sign-on, authorize the token for the organization.',
  },
  {
    code: 'INFRA_REPO_NOT_FOUND',
    title: 'Infra repository not found',
    cause:
      "GitHub answered 404: the infra repository does not exist, or the token cannot see it (GitHub answers 404 for private repositories a token has no access to, e.g. a job's GITHUB_TOKEN for another repository).",
    fix: 'Check --infra-repo / infra-repository / HOSTING_INFRA_REPO (owner/name), and use a token with access to that repository.',
  },
  {
    code: 'WORKFLOW_NOT_FOUND',
    title: 'Infra workflow not found',
    cause:
      'The infra workflow (default deploy.yaml) does not exist in the infra repository, or its file is missing on the ref being dispatched.',
    fix: 'Check --infra-workflow / infra-workflow (a file name under .github/workflows) and --infra-ref.',
  },
  {
    code: 'WORKFLOW_DISABLED',
    title: 'Infra workflow is disabled',
    cause:
      'The infra workflow is disabled (manually, or by GitHub after 60 days without activity), so it cannot be dispatched.',
    fix: 'Enable it in the Actions tab of the infra repository, or run gh workflow enable <workflow> -R <owner/repo>.',
  },
  {
    code: 'WORKFLOW_NO_DISPATCH',
    title: 'Infra workflow has no workflow_dispatch trigger',
    cause:
      'The infra workflow file on that ref does not declare on: workflow_dispatch, so GitHub refuses to start it (422).',
    fix: 'Add a workflow_dispatch trigger with the inputs application and environment to the workflow file.',
  },
  {
    code: 'WORKFLOW_INPUTS_MISMATCH',
    title: 'Infra workflow inputs do not match',
    cause:
      'The workflow does not declare the inputs this tool sends (application, environment), or requires others without defaults (GitHub answers 422 "Unexpected inputs provided").',
    fix: 'Declare exactly the workflow_dispatch inputs application and environment (type string) in the infra workflow.',
  },
  {
    code: 'WORKFLOW_INVALID',
    title: 'Infra workflow file is not valid YAML',
    cause: 'The infra workflow file could not be parsed.',
    fix: 'Fix the workflow file in the infra repository (actionlint helps).',
  },
  {
    code: 'REF_NOT_FOUND',
    title: 'Infra ref not found',
    cause:
      'The branch or tag to dispatch the infra workflow on (--infra-ref, default main) does not exist in the infra repository.',
    fix: 'Check --infra-ref / infra-ref.',
  },
  {
    code: 'DISPATCH_REJECTED',
    title: 'GitHub rejected the dispatch',
    cause: 'GitHub refused the workflow dispatch with a validation error this tool does not recognise.',
    fix: "Read GitHub's message in the error; check the workflow file, its inputs and the ref.",
  },
  {
    code: 'RUN_NOT_FOUND',
    title: 'Infra run not found',
    cause:
      'The dispatch was accepted but its run could not be identified in time (a server without return_run_details, slow listing), or the run disappeared while waiting.',
    fix: 'Look at the Actions tab of the infra repository and follow the run there.',
  },
  {
    code: 'RUN_AMBIGUOUS',
    title: 'Cannot tell which run is ours',
    cause:
      'On a server without return_run_details, two or more runs of the infra workflow started by the same actor at the time of the dispatch, and nothing (such as the run title) tells them apart. The tool does not guess.',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, shown to the user
    fix: 'Check the named runs by hand. Add run-name: Deploy ${{ inputs.application }} to ${{ inputs.environment }} to the infra workflow so runs can be told apart.',
  },
  {
    code: 'GITHUB_RATE_LIMITED',
    title: 'GitHub rate limit',
    cause:
      "GitHub's primary or secondary rate limit stopped a request for longer than the tool waits outside the run wait.",
    fix: 'Wait for the reset time given in the message; use a GitHub App token (higher limits) for busy pipelines.',
  },
  {
    code: 'GITHUB_UNAVAILABLE',
    title: 'GitHub unavailable',
    cause: 'GitHub answered with server errors or not at all, even after retries.',
    fix: 'Check https://www.githubstatus.com (or your GitHub Enterprise server) and the network, then deploy again.',
  },
  {
    code: 'GITHUB_UNAVAILABLE_WAITING',
    title: 'GitHub kept failing during the wait',
    cause:
      'While waiting for the infra run, GitHub answered with server errors (the message names them, e.g. HTTP 503) or not at all, poll after poll, until the timeout, for at least half of the wait. The run may have finished or may still be running: its state is unknown. Exit code 5 (a remote error), not 6 (a timeout on a slow run).',
    fix: 'Check https://www.githubstatus.com (or your GitHub Enterprise server) and the network; once GitHub answers, open the run link in the message to see how the run ended, and deploy again if it did not succeed.',
  },
  {
    code: 'GITHUB_RATE_LIMITED_WAITING',
    title: "GitHub's rate limit outlasted the wait",
    cause:
      "While waiting for the infra run, GitHub answered a poll with a rate limit (403 or 429) asking to wait longer than the time left before --timeout. The wait ends at once instead of sleeping to the deadline: the run's state is unknown. Exit code 5 (a remote error), not 6 (a timeout).",
    fix: 'Open the run link in the message to see how the run ended. Jobs sharing one token share its limit: give this job its own token or GitHub App, or raise --timeout to wait the limit out.',
  },
  {
    code: 'GITHUB_REQUEST_FAILED',
    title: 'GitHub request failed',
    cause: 'GitHub refused a request in a way this tool does not recognise.',
    fix: "Read GitHub's message in the error; re-run with --debug for details.",
  },
  {
    code: 'VERSION_NOT_SET',
    title: 'No version to roll out',
    cause:
      'hosting rollout found no SSM version parameter for the application and environment: nothing was ever deployed there, or the App spec names another parameter.',
    fix: 'Deploy from the application repository first (hosting deploy sets the parameter), or fix "parameter:" in the App spec.',
  },
  {
    code: 'VERSION_INVALID',
    title: 'The version parameter holds no image tag',
    cause: 'The SSM version parameter holds a value that is not a valid image tag.',
    fix: 'Set it to a deployed version (hosting deploy, hosting rollback) and run the rollout again.',
  },
  {
    code: 'IMAGE_NOT_FOUND',
    title: 'The version has no image in ECR',
    cause:
      'The version in SSM has no image with that tag in the ECR repository (never pushed, or expired by a lifecycle rule). The rollout stopped before registering anything.',
    fix: 'Deploy that version again from the application repository (it is rebuilt and pushed), or set a version whose image exists (hosting rollback).',
  },
  {
    code: 'ECS_CLUSTER_NOT_FOUND',
    title: 'ECS cluster not found',
    cause: 'The cluster named by the App spec (or --cluster) does not exist in the region in use.',
    fix: 'Fix "cluster:" for the environment in the App spec, pass --cluster, or check AWS_REGION.',
  },
  {
    code: 'ECS_SERVICE_NOT_FOUND',
    title: 'ECS service not found',
    cause:
      'The service (the App spec\'s "service:", default the application name, or --service) does not exist in that cluster.',
    fix: 'Fix "service:" in the App spec or pass --service; the service itself is created by the platform team\'s infrastructure code.',
  },
  {
    code: 'ECS_SERVICE_NOT_ACTIVE',
    title: 'ECS service not active',
    cause: 'The service exists but is DRAINING or INACTIVE (being deleted).',
    fix: 'Recreate the service, or point the App spec at the right one.',
  },
  {
    code: 'ECS_CONTAINER_NOT_FOUND',
    title: 'Container not in the task definition',
    cause:
      'The task definition the service runs has no container with the App spec\'s "container:" name (default the application name).',
    fix: 'Set "container:" for the environment in the App spec (or pass --container) to the name of the application\'s container; the message lists the names.',
  },
  {
    code: 'ECS_DEPLOYMENT_NOT_FOUND',
    title: 'ECS started no deployment',
    cause: 'UpdateService succeeded but the service lists no deployment of the new revision.',
    fix: 'Look at the service in the ECS console; run the rollout again.',
  },
  {
    code: 'ECS_DEPLOYMENT_CONTROLLER',
    title: 'The service is not deployed by ECS',
    cause:
      'The service uses the CODE_DEPLOY or EXTERNAL deployment controller: its deployments are made and judged by CodeDeploy or another tool, so an UpdateService of its task definition is refused or ignored. Nothing was registered or changed.',
    fix: 'Move the service to the ECS deployment controller (ECS now does blue/green, linear and canary natively), or deploy it with the tool that controls it.',
  },
  {
    code: 'ECS_NOTHING_IN_FLIGHT',
    title: 'No deployment in flight to continue or abort',
    cause:
      'hosting continue / hosting abort found no service deployment of the service that is still in progress (PENDING or IN_PROGRESS): it has finished, was rolled back, or never started.',
    fix: 'Look at the rollout that started it (hosting status, the infra run); start a new rollout if one is needed.',
  },
  {
    code: 'ECS_NOT_PAUSED',
    title: 'The deployment is not waiting at a pause hook',
    cause:
      'hosting continue found the service deployment in progress but at no lifecycle hook awaiting action.',
    fix: 'Wait for the pause to be announced by the rollout (it prints the command), or use hosting abort to roll the deployment back.',
  },
  {
    code: 'RELEASE_FAILED',
    title: 'The release task failed',
    cause:
      "The environment's release task (a one-off task of the new revision, e.g. database migrations) could not start (no capacity, an image that cannot be pulled) or its app container exited with a code other than 0. No service was updated and the deployed label was not moved. The message names the exit code, the stopped reason and where its logs are (the container's log configuration, e.g. the CloudWatch Logs group and stream).",
    fix: 'Read the task\'s logs, fix the cause or the command under "release:" in the App spec, then deploy a new version or roll out again. A migration that ran is not undone: write migrations that the version still running can run against.',
  },
  {
    code: 'ROLLOUT_FAILED',
    title: 'The ECS rollout failed',
    cause:
      "The service deployment ended in ROLLBACK_* or STOPPED (or, where the service deployments API is unavailable, the deployment's rollout state became FAILED or the service moved to another deployment). The message names the cause (the circuit breaker's failure count and threshold, the CloudWatch alarms that triggered, a failed lifecycle hook and its stage, an abort), the stopped tasks' stoppedReason and the revision the service went back to. The deployed label was not moved.",
    fix: 'Fix what the stopped reasons name (an image that crashes, cannot be pulled, fails its health check), deploy a new version, and the next rollout picks it up.',
  },
];
