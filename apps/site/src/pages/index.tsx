import Link from '@docusaurus/Link';
import Layout from '@theme/Layout';
import type { ReactNode } from 'react';
import StartCards, { type StartCard } from '../components/StartCards';

// The home page is a plain page, not a doc: it needs none of the docs' sidebar, MDX components or code
// blocks, so its JavaScript stays small (the site tests hold it to 150 KiB gzip'd).
const cards: StartCard[] = [
  {
    title: 'New here? Get started',
    text: 'Install the hosting CLI, run a first dry run that changes nothing, then deploy for real.',
    to: '/getting-started',
    cta: 'Get started',
  },
  {
    title: 'Deploying from GitHub Actions',
    text: 'Add the deployment workflow to your repository: the template, and the secrets and variables it needs.',
    to: '/deployment-workflow#diy',
    cta: 'Set up the workflow',
  },
  {
    title: 'Deploying from a terminal',
    text: 'Run hosting deploy with your own credentials, plan it with --dry-run, script it with --json.',
    to: '/usage#deploy-from-your-terminal',
    cta: 'Use the CLI',
  },
  {
    title: 'Running the platform',
    text: 'The platform team: the infra workflow, App specs, roles, and onboarding a new application step by step.',
    to: '/platform',
    cta: 'Platform team',
  },
];

export default function Home(): ReactNode {
  return (
    <Layout
      title="Shared Hosting Deploy"
      description="Deploy your application to the shared hosting platform - from GitHub Actions, from your terminal, or with a workflow you copy."
    >
      <main className="container margin-vert--lg">
        <article className="markdown">
          <h1>Shared Hosting Deploy</h1>
          <p>
            Shared Hosting Deploy builds your application's Docker image, pushes it to ECR, records the new
            version in SSM Parameter Store and triggers the shared services infrastructure deployment, then
            waits for it and tells you how it went. Pick where you start:
          </p>
          <StartCards cards={cards} />
          <p>
            Also: <Link to="/usage#review-and-setup">review and setup</Link> for new applications,{' '}
            <Link to="/operations">day-2 operations</Link> (status, history, rollback, promote),{' '}
            <Link to="/security">security</Link> for the IAM and token permissions, and{' '}
            <Link to="/reference/troubleshooting">troubleshooting</Link> for every error and its fix.
          </p>
          <p>
            Running the platform? Start at <Link to="/platform">the platform team's pages</Link>: the
            infrastructure repository's deployment workflow, the App spec, roles and IAM, onboarding a new
            application, the build-cache repository and the rollout on ECS.
          </p>
        </article>
      </main>
    </Layout>
  );
}
