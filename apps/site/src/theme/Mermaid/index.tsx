import useBaseUrl from '@docusaurus/useBaseUrl';
import type { Props } from '@theme/Mermaid';
import Mermaid from '@theme-original/Mermaid';
import type { ReactNode } from 'react';
import { diagramName } from './name';

/**
 * The theme's Mermaid diagram (drawn in the browser), wrapped: without JavaScript the reader sees the same
 * diagram as an image, static/img/diagrams/<name>.svg, written by `pnpm --filter @shared-hosting/site diagrams`
 * from a build and checked against the Mermaid source by the site tests.
 */
export default function MermaidWithImage(props: Props): ReactNode {
  const name = diagramName(props.value);
  const src = useBaseUrl(`/img/diagrams/${name}.svg`);
  return (
    <div data-diagram={name}>
      <Mermaid {...props} />
      <noscript>
        <img src={src} alt={`Diagram: ${props.value.trim()}`} style={{ maxWidth: '100%' }} />
      </noscript>
    </div>
  );
}
