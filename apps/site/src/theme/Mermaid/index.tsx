import useBaseUrl from '@docusaurus/useBaseUrl';
import type { Props } from '@theme/Mermaid';
import Mermaid from '@theme-original/Mermaid';
import { type ReactNode, useEffect, useRef } from 'react';
import { describeDiagram } from './describe';
import { diagramName } from './name';

/**
 * The theme's Mermaid diagram (drawn in the browser), wrapped in a figure:
 * - its accessible name is the source's `accTitle:`; the drawing scrolls in a focusable box on phones;
 * - "Open full size" opens static/img/diagrams/<name>.svg alone (zoomable on a phone), the same image the page
 *   shows without JavaScript; both are written by `pnpm --filter @shared-hosting/site diagrams` from a build
 *   and checked against the Mermaid source by the site tests;
 * - "The diagram as text" lists every message in order: the text alternative (never the raw Mermaid source).
 */
/** Mermaid's drawing text is 16 px: never drawn below 12 px, so at most 25% smaller than its own size. */
const MIN_SCALE = 0.78;

/** Once Mermaid has drawn the SVG (and whenever it redraws it), keep it at least MIN_SCALE of its own width. */
function useReadableSize() {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const fit = () => {
      const svg = element.querySelector('svg');
      const width = svg?.viewBox.baseVal?.width;
      if (svg && width) svg.style.minWidth = `${Math.ceil(width * MIN_SCALE)}px`;
    };
    fit();
    const observer = new MutationObserver(fit);
    observer.observe(element, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return box;
}

export default function MermaidWithImage(props: Props): ReactNode {
  const box = useReadableSize();
  const name = diagramName(props.value);
  const src = useBaseUrl(`/img/diagrams/${name}.svg`);
  const text = describeDiagram(props.value);
  return (
    <figure data-diagram={name} aria-label={text.title}>
      <div
        ref={box}
        className="diagram-scroll"
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a box that scrolls sideways must be reachable by keyboard (WCAG 2.1.1).
        tabIndex={0}
        role="img"
        aria-label={`${text.title} (drawing; the same as text below)`}
      >
        <Mermaid {...props} />
        <noscript>
          <img
            src={src}
            alt={`${text.title}: see "The diagram as text" below.`}
            style={{ maxWidth: '100%' }}
          />
        </noscript>
      </div>
      <figcaption>
        {text.title}. <a href={src}>Open full size</a>
      </figcaption>
      <details className="diagram-text">
        <summary>The diagram as text</summary>
        {text.description ? <p>{text.description}</p> : null}
        <ol>
          {text.steps.map((step, index) => (
            <li key={`${index}:${step.text}`}>
              {step.from === step.to ? step.from : `${step.from} → ${step.to}`}
              {step.reply ? ' (reply or async)' : ''}: {step.text}
            </li>
          ))}
        </ol>
        {text.notes.length > 0 ? (
          <ul>
            {text.notes.map((note) => (
              <li key={note}>Note: {note}</li>
            ))}
          </ul>
        ) : null}
      </details>
    </figure>
  );
}
