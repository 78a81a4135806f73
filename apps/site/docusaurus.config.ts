import type * as Preset from '@docusaurus/preset-classic';
import type { Config } from '@docusaurus/types';
import { type PrismTheme, themes as prismThemes } from 'prism-react-renderer';
import remarkGithubAdmonitionsToDirectives from 'remark-github-admonitions-to-directives';
import { generateReference } from './src/plugins/generate-reference';
import rehypeTables from './src/plugins/rehype-tables';

/**
 * A Prism theme with some token colours replaced: GitHub's light theme and One Dark colour comments, numbers,
 * keys and strings below WCAG AA's 4.5:1 on their own backgrounds; these replacements reach it.
 */
function withColours(theme: PrismTheme, colours: Record<string, string>): PrismTheme {
  return {
    ...theme,
    styles: theme.styles.map((entry) => {
      const colour = entry.types.map((type) => colours[type]).find(Boolean);
      return colour ? { ...entry, style: { ...entry.style, color: colour } } : entry;
    }),
  };
}

// Light: on #f6f8fa, 4.6:1 or more. Dark: on One Dark's #282c34, 4.7:1 or more.
const lightCode = withColours(prismThemes.github, {
  comment: '#5f6a75',
  string: '#b31d28',
  number: '#1b7c83',
  atrule: '#0550ae',
  function: '#b31d28',
});
const darkCode = withColours(prismThemes.oneDark, { comment: '#9aa0ac', property: '#ef8891' });

const repositoryUrl = 'https://github.com/shared-hosting/shared-hosting-deploy';

/** The generated reference pages: "Edit this page" opens what they are generated from, not their .mdx wrapper. */
const generatedFrom: Record<string, string> = {
  'reference/action.mdx': 'packages/action/action.yml',
  'reference/cli.mdx': 'packages/cli/src/program.ts',
  'reference/troubleshooting.mdx': 'packages/core/src/errors/catalog.ts',
};

export default function createConfig(): Config {
  // The reference pages are generated from action.yml, the CLI program and the error catalog before the
  // docs are read, into docs/reference/_generated/ (git-ignored), so they cannot drift from the source.
  // Once per process: Docusaurus loads the config more than once per build.
  const flags = globalThis as { __referenceGenerated?: boolean };
  if (!flags.__referenceGenerated) {
    generateReference();
    flags.__referenceGenerated = true;
  }

  return {
    title: 'Shared Hosting Deploy',
    tagline: 'Build, push and deploy your application to the shared hosting platform',
    favicon: 'img/favicon.svg',
    url: 'https://shared-hosting.github.io',
    baseUrl: '/',
    trailingSlash: false,

    future: {
      v4: true,
      // Rspack's persistent cache (node_modules/.cache/rspack) was seen to leave later builds hanging forever
      // after an interrupted or concurrent build in this shared tree. Builds are short without it, and turbo
      // caches the whole output anyway.
      faster: { rspackPersistentCache: false },
    },

    onBrokenLinks: 'throw',
    onBrokenAnchors: 'throw',
    onDuplicateRoutes: 'throw',

    i18n: { defaultLocale: 'en', locales: ['en'] },

    markdown: {
      mermaid: true,
      hooks: { onBrokenMarkdownLinks: 'throw', onBrokenMarkdownImages: 'throw' },
    },
    themes: [
      '@docusaurus/theme-mermaid',
      [
        '@easyops-cn/docusaurus-search-local',
        {
          hashed: true,
          indexBlog: false,
          indexPages: false,
          docsRouteBasePath: '/',
          docsDir: '../../docs',
          language: ['en'],
          // Off: its highlighter (mark.js) would be in every page's first JavaScript.
          highlightSearchTermsOnTargetPage: false,
          explicitSearchResultPath: true,
        },
      ],
    ],
    plugins: [
      './src/plugins/raw-source.ts',
      './src/plugins/generate-reference.ts',
      './src/plugins/light-pages.ts',
    ],

    presets: [
      [
        'classic',
        {
          docs: {
            path: '../../docs',
            routeBasePath: '/',
            sidebarPath: './sidebars.ts',
            exclude: ['**/assets/**', '**/_*.{md,mdx}', '**/_*/**'],
            beforeDefaultRemarkPlugins: [remarkGithubAdmonitionsToDirectives],
            rehypePlugins: [rehypeTables],
            editUrl: ({ docPath }) =>
              `${repositoryUrl}/edit/main/${generatedFrom[docPath] ?? `docs/${docPath}`}`,
            showLastUpdateTime: true,
          },
          blog: false,
          theme: { customCss: './src/css/custom.css' },
        } satisfies Preset.Options,
      ],
    ],

    themeConfig: {
      colorMode: { defaultMode: 'light', respectPrefersColorScheme: true },
      navbar: {
        title: 'Shared Hosting Deploy',
        logo: { alt: 'Shared Hosting', src: 'img/logo.svg' },
        // One item is current per page: each item claims its part of the site by path (activeBaseRegex), and
        // "Guide" claims everything the others (and the search page) do not, so a new page is under Guide unless it sits in
        // operations/ (Usage) or reference/ (Reference). Plain `to` links, not `type: 'doc'` items: a doc item is
        // current on every page of its sidebar, and the site has one sidebar.
        items: [
          {
            to: '/deployment-workflow',
            label: 'Guide',
            position: 'left',
            activeBaseRegex: '^/(?!(usage|operations|platform|reference|security|search)(/|$))',
          },
          { to: '/usage', label: 'Usage', position: 'left', activeBaseRegex: '^/(usage|operations)(/|$)' },
          { to: '/platform', label: 'Platform team', position: 'left', activeBaseRegex: '^/platform(/|$)' },
          {
            type: 'dropdown',
            label: 'Reference',
            to: '/reference',
            position: 'left',
            activeBaseRegex: '^/reference(/|$)',
            items: [
              { to: '/reference/action', label: 'GitHub Action' },
              { to: '/reference/cli', label: 'hosting CLI' },
              { to: '/reference/troubleshooting', label: 'Troubleshooting' },
            ],
          },
          { to: '/security', label: 'Security', position: 'left', activeBaseRegex: '^/security$' },
          { href: repositoryUrl, label: 'GitHub', position: 'right' },
        ],
      },
      footer: {
        style: 'dark',
        links: [
          {
            title: 'Guide',
            items: [
              { label: 'Get started', to: '/getting-started' },
              { label: 'Deployment workflow', to: '/deployment-workflow' },
              { label: 'Platform team', to: '/platform' },
              { label: 'Review and setup', to: '/usage#review-and-setup' },
              { label: 'Security', to: '/security' },
            ],
          },
          {
            title: 'Reference',
            items: [
              { label: 'GitHub Action', to: '/reference/action' },
              { label: 'hosting CLI', to: '/reference/cli' },
              { label: 'Troubleshooting', to: '/reference/troubleshooting' },
            ],
          },
          {
            title: 'More',
            items: [
              { label: 'Performance', to: '/performance' },
              { label: 'Source on GitHub', href: repositoryUrl },
            ],
          },
        ],
        copyright: `Shared Hosting platform team. Built with Docusaurus.`,
      },
      prism: {
        theme: lightCode,
        // One Dark colours YAML keys (Prism's `atrule` tokens); Dracula leaves them plain.
        darkTheme: darkCode,
        // prism-react-renderer already has JSON and YAML; each language added here is in every page's JavaScript.
        additionalLanguages: ['bash'],
      },
      // Narrow actor boxes and margins keep the diagrams near the column's width at their own (16 px) text size.
      mermaid: {
        theme: { light: 'neutral', dark: 'dark' },
        options: { sequence: { actorMargin: 24, width: 110, boxMargin: 6 } },
      },
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
    } satisfies Preset.ThemeConfig,
  };
}
