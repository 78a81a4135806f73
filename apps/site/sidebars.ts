import type { SidebarsConfig } from '@docusaurus/plugin-content-docs';

const sidebars: SidebarsConfig = {
  guide: [
    'index',
    'deployment-workflow',
    'usage',
    {
      type: 'category',
      label: 'Day-2 operations',
      link: { type: 'doc', id: 'operations/index' },
      items: ['operations/status', 'operations/history', 'operations/rollback', 'operations/promote'],
    },
    {
      type: 'category',
      label: 'For the platform team',
      link: { type: 'doc', id: 'platform/index' },
      items: ['platform/infra-workflow', 'platform/app-spec', 'platform/rollout', 'platform/iam-policy'],
    },
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
