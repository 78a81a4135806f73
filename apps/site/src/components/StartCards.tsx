import Link from '@docusaurus/Link';
import type { ReactNode } from 'react';
import styles from './StartCards.module.css';

export interface StartCard {
  title: string;
  text: string;
  to: string;
  cta: string;
}

/** The home page's "where do I start" cards: one click to each kind of reader's first page. */
export default function StartCards({ cards }: { cards: StartCard[] }): ReactNode {
  return (
    <div className={styles.grid}>
      {cards.map((card) => (
        <Link key={card.to} to={card.to} className={styles.card} data-testid="start-card">
          <h2 className={styles.title}>{card.title}</h2>
          <p className={styles.text}>{card.text}</p>
          <span className={styles.cta}>{card.cta} →</span>
        </Link>
      ))}
    </div>
  );
}
