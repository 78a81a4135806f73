/**
 * The post step's lock release (dist/post-lock.cjs, loaded by post-main only when a lock was left): SSM
 * alone, so that the post step loads the AWS SDK only when it must release a lock.
 */
export { releaseLeftLock } from '@shared-hosting/core/lock-release';
