import { Content, Header, Page } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import { Route, Routes, useParams } from 'react-router-dom';
import { rootRouteRef } from '../../routes';
import { ModelsPage } from '../ModelsPage/ModelsPage';
import { ModelView } from './ModelView';

/** `/models/:name`: one model on a page of its own. */
export function ModelPage() {
  const { name = '' } = useParams();
  const root = useRouteRef(rootRouteRef);
  return (
    <Page themeId="tool">
      <Header title={name} type="Models" typeLink={root?.()} subtitle="Registered model" />
      <Content>
        <ModelView name={name} />
      </Content>
    </Page>
  );
}

/** The plugin's page: the list at `/models`, a model at `/models/:name`. */
export function ModelRegistryRoutes() {
  return (
    <Routes>
      <Route path="/" element={<ModelsPage />} />
      <Route path="/:name" element={<ModelPage />} />
    </Routes>
  );
}
