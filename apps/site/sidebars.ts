import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  guide: [
    'index',
    'deployment-workflow',
    'usage',
    'security',
    {
      type: 'category',
      label: 'Reference',
      collapsed: false,
      items: ['reference/action', 'reference/cli', 'reference/troubleshooting'],
    },
    'performance',
  ],
};

export default sidebars;
