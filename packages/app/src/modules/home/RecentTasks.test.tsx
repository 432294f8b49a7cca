import { renderInTestApp } from '@backstage/frontend-test-utils';
import { scaffolderApiRef } from '@backstage/plugin-scaffolder-react';
import { screen, within } from '@testing-library/react';
import { RecentTasks } from './RecentTasks';

// the scaffolder backend's task list (GET /api/scaffolder/v2/tasks) as its client returns it
const task = (id: string, createdAt: string, status: string, name?: string) => ({
  id,
  createdAt,
  status,
  spec: {
    apiVersion: 'scaffolder.backstage.io/v1beta3',
    steps: [],
    output: {},
    parameters: name ? { name } : {},
    templateInfo: { entityRef: 'template:default/typescript-service', entity: { metadata: { name: 'typescript-service', title: 'TypeScript service' } } },
    user: { ref: 'user:default/priya.natarajan' },
  },
});

function scaffolderWith(list: () => Promise<{ tasks: unknown[] }>) {
  const calls: unknown[] = [];
  return {
    calls,
    api: {
      listTasks: async (request: unknown) => {
        calls.push(request);
        return list();
      },
    } as any,
  };
}

jest.setTimeout(60_000);

describe('RecentTasks', () => {
  it("lists everyone's newest tasks first, each linking its task page, with status, age and who ran it", async () => {
    const now = Date.now();
    const iso = (minutesAgo: number) => new Date(now - minutesAgo * 60_000).toISOString();
    const scaffolder = scaffolderWith(async () => ({
      tasks: [task('t-old', iso(180), 'completed', 'wishlist-service'), task('t-new', iso(5), 'failed', 'reviews-service'), task('t-noname', iso(30), 'processing')],
    }));
    await renderInTestApp(<RecentTasks />, { apis: [[scaffolderApiRef, scaffolder.api]] });

    const items = within(await screen.findByRole('list', { name: 'Recent scaffolder tasks' })).getAllByRole('listitem');
    expect(items.map(item => item.textContent)).toEqual([
      'reviews-service (TypeScript service) failed, 5 min ago by priya.natarajan',
      'TypeScript service processing, 30 min ago by priya.natarajan',
      'wishlist-service (TypeScript service) completed, 3 h ago by priya.natarajan',
    ]);
    expect(within(items[0]).getByRole('link').getAttribute('href')).toBe('/create/tasks/t-new');
    expect(scaffolder.calls).toEqual([{ filterByOwnership: 'all', limit: 5 }]);
  });

  it('points to Create before the first task', async () => {
    const scaffolder = scaffolderWith(async () => ({ tasks: [] }));
    await renderInTestApp(<RecentTasks />, { apis: [[scaffolderApiRef, scaffolder.api]] });
    expect(await screen.findByText(/No service created yet/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Create' }).getAttribute('href')).toBe('/create');
  });

  it("reports the scaffolder's failure instead of an empty list", async () => {
    const scaffolder = scaffolderWith(async () => {
      throw new Error('Request failed with 503 Service Unavailable');
    });
    await renderInTestApp(<RecentTasks />, { apis: [[scaffolderApiRef, scaffolder.api]] });
    expect(await screen.findByText(/The scaffolder cannot list its tasks/)).toBeInTheDocument();
    expect(screen.queryByRole('list', { name: 'Recent scaffolder tasks' })).toBeNull();
    expect(screen.queryByText(/No service created yet/)).toBeNull();
  });
});
