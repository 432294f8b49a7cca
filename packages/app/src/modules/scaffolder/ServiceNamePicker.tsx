import TextField from '@material-ui/core/TextField';
import { makeFieldSchema } from '@backstage/plugin-scaffolder-react';
import { createFormField } from '@backstage/plugin-scaffolder-react/alpha';
import { SERVICE_NAME_MAX_LENGTH } from '@internal/plugin-scaffolder-common';
import { serviceNameValidation } from './validation';

const ServiceNamePickerSchema = makeFieldSchema({ output: z => z.string() });

/** A text field for a new service's name; its validation explains every refusal (see serviceNameValidation). */
export function ServiceNamePicker(props: typeof ServiceNamePickerSchema.TProps) {
  const {
    onChange,
    required,
    schema: { title = 'Name', description },
    rawErrors,
    formData,
    idSchema,
    uiSchema: { 'ui:autofocus': autoFocus },
  } = props;
  return (
    <TextField
      id={idSchema?.$id}
      label={title}
      helperText={description}
      required={required}
      value={formData ?? ''}
      onChange={({ target: { value } }) => onChange(value)}
      margin="normal"
      error={(rawErrors?.length ?? 0) > 0}
      inputProps={{ autoFocus, spellCheck: false, maxLength: SERVICE_NAME_MAX_LENGTH * 2 }}
      FormHelperTextProps={{ margin: 'dense', style: { marginLeft: 0 } }}
    />
  );
}

export const serviceNamePickerField = createFormField({
  name: 'ServiceNamePicker',
  component: ServiceNamePicker,
  validation: serviceNameValidation,
  schema: ServiceNamePickerSchema,
});
