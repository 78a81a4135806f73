export type { EcrRepository } from './ecr.js';
export { type AddEcsServiceOptions, EcsState, type EcsStateOptions } from './ecs.js';
export type {
  DeploymentConfiguration,
  DeploymentControllerType,
  DeploymentStrategy,
  EcsContainerRecord,
  EcsDeployment,
  EcsServiceEvent,
  EcsServiceRecord,
  EcsTag,
  EcsTaskDefinitionRecord,
  EcsTaskRecord,
  HookRun,
  LifecycleHook,
  LifecycleStage,
  RolloutState,
  ServiceDeploymentRecord,
  ServiceDeploymentStatus,
  ServiceRevisionRecord,
  StandaloneTask,
  TrafficWeight,
} from './ecs-records.js';
export { failureThreshold } from './ecs-records.js';
export type { RunTaskFailure } from './ecs-run-task.js';
export { AwsServiceError } from './errors.js';
export { helloAppTaskDefinition, writeRequests } from './fixtures.js';
export {
  CRASH_LABEL,
  EXIT_CODE_LABEL,
  type ImagePull,
  type PullSource,
  parseImageReference,
  pullImage,
  RUN_SECONDS_LABEL,
} from './image-pull.js';
export { loadModel, type ServiceModel } from './model.js';
export {
  type AwsPeerEnv,
  type AwsPeers,
  type StartAwsPeersOptions,
  startAwsPeers,
} from './peers.js';
export { MANIFEST_MEDIA_TYPES, pushTestImage, RegistryApi } from './registry-api.js';
export {
  type AwsRequestRecord,
  type AwsService,
  type AwsTestServer,
  type AwsTestServerOptions,
  type FaultInjection,
  startAwsServer,
  TEST_USER_NAME,
} from './server.js';
export { type TestCredentials, verifySigV4 } from './sigv4.js';
export type { StoredParameterVersion } from './ssm.js';
