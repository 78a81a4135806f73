import Link from '@docusaurus/Link';
import useBaseUrl from '@docusaurus/useBaseUrl';
import type { Props } from '@theme/NotFound/Content';
import clsx from 'clsx';
import type { ReactNode } from 'react';
import styles from './styles.module.css';

const starts = [
  { to: '/', label: 'Overview', text: 'what Shared Hosting Deploy does and where to start' },
  {
    to: '/deployment-workflow',
    label: 'Deployment workflow',
    text: 'how a deployment works, and the template',
  },
  { to: '/usage', label: 'Usage', text: 'review and setup, deploying from your terminal' },
  { to: '/reference', label: 'Reference', text: 'the Action, the CLI and every error' },
];

/**
 * The 404 page (swizzled, ejected from the classic theme): a search box and the site's starting points instead
 * of "contact the owner of the site". The search box is a plain form to the search page, so it works before
 * (and without) the page's JavaScript.
 */
export default function NotFoundContent({ className }: Props): ReactNode {
  const searchUrl = useBaseUrl('/search');
  return (
    <main className={clsx('container margin-vert--xl', className)}>
      <div className="row">
        <div className="col col--6 col--offset-3">
          <h1 className="hero__title">Page not found</h1>
          <p>
            There is no page at this address. It may have moved: search for it, or start from one of these.
          </p>
          <search>
            <form action={searchUrl} method="get" className={styles.search}>
              <input
                type="search"
                name="q"
                aria-label="Search the docs"
                placeholder="Search the docs"
                className={styles.input}
              />
              <button type="submit" className="button button--primary">
                Search
              </button>
            </form>
          </search>
          <ul className={styles.starts} data-testid="not-found-starts">
            {starts.map((start) => (
              <li key={start.to}>
                <Link to={start.to}>{start.label}</Link>: {start.text}
              </li>
            ))}
          </ul>
        </div>
      </div>
    </main>
  );
}
