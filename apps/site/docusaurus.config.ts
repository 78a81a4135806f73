import type * as Preset from '@docusaurus/preset-classic';
import type { Config } from '@docusaurus/types';
import { themes as prismThemes } from 'prism-react-renderer';
import remarkGithubAdmonitionsToDirectives from 'remark-github-admonitions-to-directives';
import { generateReference } from './src/plugins/generate-reference';

const repositoryUrl = 'https://github.com/shared-hosting/shared-hosting-deploy';

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
          highlightSearchTermsOnTargetPage: true,
          explicitSearchResultPath: true,
        },
      ],
    ],
    plugins: ['./src/plugins/raw-source.ts', './src/plugins/generate-reference.ts'],

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
            editUrl: ({ docPath }) => `${repositoryUrl}/edit/main/docs/${docPath}`,
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
        items: [
          { type: 'doc', docId: 'deployment-workflow', label: 'Guide', position: 'left' },
          { type: 'doc', docId: 'usage', label: 'Usage', position: 'left' },
          {
            type: 'dropdown',
            label: 'Reference',
            position: 'left',
            items: [
              { type: 'doc', docId: 'reference/action', label: 'GitHub Action' },
              { type: 'doc', docId: 'reference/cli', label: 'hosting CLI' },
              { type: 'doc', docId: 'reference/troubleshooting', label: 'Troubleshooting' },
            ],
          },
          { type: 'doc', docId: 'security', label: 'Security', position: 'left' },
          { href: repositoryUrl, label: 'GitHub', position: 'right' },
        ],
      },
      footer: {
        style: 'dark',
        links: [
          {
            title: 'Guide',
            items: [
              { label: 'Deployment workflow', to: '/deployment-workflow' },
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
        theme: prismThemes.github,
        darkTheme: prismThemes.dracula,
        additionalLanguages: ['bash', 'json', 'yaml'],
      },
      mermaid: { theme: { light: 'neutral', dark: 'dark' } },
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
    } satisfies Preset.ThemeConfig,
  };
}
