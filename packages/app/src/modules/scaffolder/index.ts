import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { FormFieldBlueprint } from '@backstage/plugin-scaffolder-react/alpha';

/** Form fields the platform's templates use, added to the scaffolder plugin. */
export const scaffolderModule = createFrontendModule({
  pluginId: 'scaffolder',
  extensions: [
    FormFieldBlueprint.make({
      name: 'service-name-picker',
      params: { field: () => import('./ServiceNamePicker').then(m => m.serviceNamePickerField) },
    }),
    FormFieldBlueprint.make({
      name: 'max-replicas-picker',
      params: { field: () => import('./MaxReplicasPicker').then(m => m.maxReplicasPickerField) },
    }),
  ],
});
