import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';
import { RecentTasks } from './RecentTasks';

const content = `
Everything the twelve services of the recommendation platform are, own, cost and depend on.

- **[Catalog](/catalog)**: services, their APIs (OpenAPI and AsyncAPI), the databases, topics, buckets and
  clusters they run on, and who owns them. Every service has a **Metrics** tab (rate, errors, latency, saturation).
- **[Create](/create)**: a new service repository with tests, Dockerfile, Helm chart, CI, dashboards and
  catalog entry, ready on day one.
- **[Experiments](/experiments)**: A/B tests of the recommender, their results and guardrails; ramp and conclude.
- **[Models](/models)**: the recommendation model's versions, offline metrics and alias history; promote and roll back.
- **[Cost](/cost)**: what each service costs on AWS, Azure and GCP against the monthly budget.

The **[platform handbook](/docs/default/component/platform-handbook)** holds the docs; each service's own docs and
runbook are on its **TechDocs** tab.
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Where to start',
    description: 'What the portal holds and where to find it',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

const recentTasksWidget = HomePageWidgetBlueprint.make({
  name: 'recent-scaffolder-tasks',
  params: {
    name: 'RecentScaffolderTasks',
    title: 'Recently created',
    description: 'The newest scaffolder tasks: what was created, from which template, by whom',
    components: async () => ({ Content: RecentTasks }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget, recentTasksWidget],
});
