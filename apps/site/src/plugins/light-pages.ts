import type { Plugin } from '@docusaurus/types';

/**
 * Mermaid and the libraries only Mermaid uses. Its many diagram chunks share them (the langium/chevrotain
 * parser above all), so Docusaurus' "common" chunk, made of what half of the chunks use, swallowed them, and
 * every page downloaded Mermaid's parser. Kept out of "common", they load only with a diagram.
 */
const MERMAID_ONLY =
  /[\\/]node_modules[\\/](mermaid|@mermaid-js|langium|chevrotain|chevrotain-allstar|@chevrotain|vscode-[a-z-]+|lodash-es|d3|d3-[a-z-]+|dagre-d3-es|cytoscape|cytoscape-[a-z-]+|khroma|katex|roughjs|stylis|dayjs|@braintree|marked|@iconify|points-on-[a-z]+|path-data-parser|hachure-fill|dompurify|layout-base|cose-base|@upsetjs|ts-dedent|uuid|internmap|delaunator|robust-predicates)[\\/]/;

/** Everything "common" took before, except Mermaid's own modules. */
const NOT_MERMAID = new RegExp(`^(?!.*${MERMAID_ONLY.source})`);

export default function lightPagesPlugin(): Plugin {
  return {
    name: 'light-pages',
    configureWebpack(config, isServer) {
      const splitChunks = config.optimization?.splitChunks;
      const common =
        splitChunks && typeof splitChunks === 'object' ? splitChunks.cacheGroups?.common : undefined;
      if (!isServer && common && typeof common === 'object' && !(common instanceof RegExp)) {
        (common as { test?: RegExp }).test = NOT_MERMAID;
      }
      return {};
    },
  };
}
