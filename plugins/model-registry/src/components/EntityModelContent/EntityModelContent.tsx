import { Content } from '@backstage/core-components';
import { MissingAnnotationEmptyState, useEntity } from '@backstage/plugin-catalog-react';
import { MLFLOW_MODEL_ANNOTATION } from '@internal/plugin-model-registry-common';
import { ModelView } from '../ModelPage/ModelView';

/** The Model tab of an ml-model Resource: the model page of the registered model its annotation names. */
export function EntityModelContent() {
  const { entity } = useEntity();
  const model = entity.metadata.annotations?.[MLFLOW_MODEL_ANNOTATION];
  return (
    <Content>
      {model ? <ModelView name={model} /> : <MissingAnnotationEmptyState annotation={MLFLOW_MODEL_ANNOTATION} />}
    </Content>
  );
}
