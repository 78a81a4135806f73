import { defineConfig, mergeConfig } from 'vitest/config';
import { packageConfig } from '../../vitest.shared.ts';

export default mergeConfig(
  packageConfig('site'),
  defineConfig({
    test: {
      // One browser, one server: the files share the machine's two cores with everything else.
      fileParallelism: false,
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }),
);
