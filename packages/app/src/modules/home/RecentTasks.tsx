import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import { scaffolderApiRef } from '@backstage/plugin-scaffolder-react';
import { parseEntityRef } from '@backstage/catalog-model';
import { useEffect, useState } from 'react';

type ScaffolderTask = Awaited<ReturnType<(typeof scaffolderApiRef)['T']['listTasks']>>['tasks'][number];

const LIMIT = 5;

/** What a task made: the service's name from the form, else the template's. */
function taskTitle(task: ScaffolderTask): string {
  const name = task.spec.parameters?.name;
  const template = task.spec.templateInfo?.entity?.metadata?.title ?? task.spec.templateInfo?.entityRef;
  const templateName = template?.includes(':') ? parseEntityRef(template).name : template;
  return typeof name === 'string' && name ? `${name} (${templateName ?? 'template'})` : templateName ?? task.id;
}

function whoRan(task: ScaffolderTask): string | undefined {
  const ref = task.spec.user?.ref;
  return ref ? parseEntityRef(ref).name : undefined;
}

function age(iso: string, now = Date.now()): string {
  const minutes = Math.max(0, Math.round((now - new Date(iso).getTime()) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} h ago` : `${Math.round(hours / 24)} days ago`;
}

/**
 * The newest scaffolder tasks of everyone (the scaffolder's own task list, `GET /api/scaffolder/v2/tasks`), each a
 * link to its task page: what was created, from which template, by whom, its status and when. Empty before the
 * first task, and the scaffolder's problem when it cannot list them.
 */
export function RecentTasks() {
  const scaffolder = useApi(scaffolderApiRef);
  const [state, setState] = useState<{ value?: ScaffolderTask[]; error?: Error }>({});
  useEffect(() => {
    let current = true;
    scaffolder
      .listTasks({ filterByOwnership: 'all', limit: LIMIT })
      .then(({ tasks }) => current && setState({ value: tasks }))
      .catch(error => current && setState({ error }));
    return () => {
      current = false;
    };
  }, [scaffolder]);
  const { value, error } = state;
  if (!value && !error) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} title="The scaffolder cannot list its tasks" />;
  const tasks = [...(value ?? [])].sort((a, b) => b.createdAt.localeCompare(a.createdAt)).slice(0, LIMIT);
  if (tasks.length === 0) {
    return (
      <p>
        No service created yet: <Link to="/create">Create</Link> one from a template.
      </p>
    );
  }
  return (
    <ul aria-label="Recent scaffolder tasks" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {tasks.map(task => (
        <li key={task.id} style={{ padding: '4px 0' }}>
          <Link to={`/create/tasks/${task.id}`}>{taskTitle(task)}</Link>{' '}
          <span>
            {task.status}, {age(task.createdAt)}
            {whoRan(task) ? ` by ${whoRan(task)}` : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}
