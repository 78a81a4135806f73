import type { Plugin } from '@docusaurus/types';

/**
 * `import text from './file.yaml?raw'` gives the file's exact bytes as a string, so the guide embeds
 * docs/assets/app-deployment-workflow.yaml at build time, byte for byte, and live-reloads when it changes.
 */
export default function rawSourcePlugin(): Plugin {
  return {
    name: 'raw-source',
    configureWebpack() {
      return { module: { rules: [{ resourceQuery: /raw/, type: 'asset/source' }] } };
    },
  };
}
