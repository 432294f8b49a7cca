import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
## Recommendation Platform Portal

Everything the twelve services of the recommendation platform are, own, cost and depend on.

- **[Catalog](/catalog)**: services, their APIs (OpenAPI and AsyncAPI), the databases, topics, buckets and
  clusters they run on, and who owns them.
- **[Create](/create)**: a new service repository with tests, Dockerfile, Helm chart, CI, dashboards and
  catalog entry, ready on day one.
- **Cost**: what each service costs on AWS, Azure and GCP against the monthly budget.

The docs live in the repository's \`docs/\` folder.
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Getting Started',
    description: 'Where to start in the portal',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget],
});
