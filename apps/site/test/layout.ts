// Layout checks a reader would notice, run inside each page (page.evaluate): self-contained, no imports.

/**
 * What is wrong with the page's layout at the current width: the page itself scrolling sideways, a word broken
 * over two lines inside a table cell ("regis/try"; breaks between words, after a hyphen or a slash are fine),
 * a code block that wraps (transcripts keep their columns) or scrolls without keyboard focus, and a table
 * wider than its box or with a cell outside the column.
 */
export function layoutProblems(): string[] {
  const problems: string[] = [];
  const overflow = document.documentElement.scrollWidth - window.innerWidth;
  if (overflow > 0) problems.push(`the page scrolls sideways by ${overflow} px`);
  const segmenter = new Intl.Segmenter('en', { granularity: 'word' });
  for (const cell of document.querySelectorAll('article td, article th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const { segment, index, isWordLike } of segmenter.segment(node.textContent ?? '')) {
        if (!isWordLike || segment.length < 2) continue;
        const range = document.createRange();
        range.setStart(node, index);
        range.setEnd(node, index + segment.length);
        const lines = new Set(
          [...range.getClientRects()].filter((rect) => rect.width > 0).map((rect) => Math.round(rect.bottom)),
        );
        if (lines.size > 1) problems.push(`"${segment}" is split over ${lines.size} lines in a table cell`);
      }
    }
  }
  // Transcripts keep their columns: never wrapped; a box that scrolls sideways is reachable by keyboard.
  for (const pre of document.querySelectorAll<HTMLElement>('article .theme-code-block pre')) {
    const code = pre.querySelector('code');
    const start = `"${(pre.textContent ?? '').slice(0, 40)}"`;
    if (code && getComputedStyle(code).whiteSpace !== 'pre')
      problems.push(`a code block wraps its lines: ${start}`);
    if (pre.scrollWidth > pre.clientWidth + 1 && pre.tabIndex !== 0)
      problems.push(`a code block scrolls sideways but takes no keyboard focus: ${start}`);
  }
  // Tables keep every column in view: nothing hidden sideways, every cell inside the article's column.
  const column = document.querySelector('article .markdown')?.getBoundingClientRect();
  for (const table of document.querySelectorAll<HTMLElement>('article table')) {
    const key = (table.querySelector('tbody td')?.textContent ?? '').slice(0, 30);
    if (table.scrollWidth > table.clientWidth + 1)
      problems.push(`the table starting "${key}" hides ${table.scrollWidth - table.clientWidth} px sideways`);
    for (const cell of table.querySelectorAll<HTMLElement>('td')) {
      const rect = cell.getBoundingClientRect();
      if (column && rect.width > 0 && (rect.left < column.left - 1 || rect.right > column.right + 1)) {
        problems.push(
          `a cell of the table starting "${key}" is outside the column: "${cell.textContent?.slice(0, 30)}"`,
        );
        break;
      }
    }
  }
  return problems;
}

/** The h1 count and the navbar's current items (top level, and inside the Reference dropdown). */
export function pageFacts(): { h1s: number; current: string[]; dropdownCurrent: (string | null)[] } {
  const links = [...document.querySelectorAll<HTMLElement>('nav.navbar a[aria-current="page"]')];
  return {
    h1s: document.querySelectorAll('h1').length,
    current: links.filter((a) => !a.matches('.dropdown__link')).map((a) => (a.textContent ?? '').trim()),
    dropdownCurrent: links.filter((a) => a.matches('.dropdown__link')).map((a) => a.getAttribute('href')),
  };
}

/** The navbar item that is current on a page: every page is under exactly one, except the search page. */
export function navbarSection(pathname: string): string | undefined {
  if (/^\/search$/.test(pathname)) return undefined;
  if (/^\/reference(\/|$)/.test(pathname)) return 'Reference';
  if (/^\/(usage|operations)(\/|$)/.test(pathname)) return 'Usage';
  if (/^\/platform(\/|$)/.test(pathname)) return 'Platform team';
  if (pathname === '/security') return 'Security';
  return 'Guide';
}
