import TextField from '@material-ui/core/TextField';
import { makeFieldSchema, type CustomFieldValidator } from '@backstage/plugin-scaffolder-react';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';

const MaxReplicasPickerSchema = makeFieldSchema({ output: z => z.number() });

/**
 * The autoscaler's ceiling must not be below its floor: Kubernetes refuses such an HPA at deploy time, long after
 * the form. Reads `minReplicas` from the same step.
 */
export const maxReplicasValidation: CustomFieldValidator<number> = (value, validation, { formData }) => {
  const min = formData?.minReplicas;
  if (typeof value === 'number' && typeof min === 'number' && value < min) {
    validation.addError(`Must be at least the minimum replicas (${min}).`);
  }
};

export function MaxReplicasPicker(props: typeof MaxReplicasPickerSchema.TProps) {
  const { onChange, required, schema, rawErrors, formData, idSchema } = props;
  return (
    <TextField
      id={idSchema?.$id}
      type="number"
      label={schema.title ?? 'Maximum replicas'}
      helperText={schema.description}
      required={required}
      value={formData ?? ''}
      onChange={({ target: { value } }) => onChange(value === '' ? undefined : Number(value))}
      margin="normal"
      error={(rawErrors?.length ?? 0) > 0}
      inputProps={{ min: schema.minimum, step: 1 }}
      FormHelperTextProps={{ margin: 'dense', style: { marginLeft: 0 } }}
    />
  );
}

export const maxReplicasPickerField = createFormField({
  name: 'MaxReplicasPicker',
  component: MaxReplicasPicker,
  validation: maxReplicasValidation,
  schema: MaxReplicasPickerSchema,
});
