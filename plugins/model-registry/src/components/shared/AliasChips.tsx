import type { ModelAlias } from '@internal/plugin-model-registry-common';
import Chip from '@material-ui/core/Chip';

const COLOR: Record<ModelAlias, 'primary' | 'secondary' | 'default'> = {
  champion: 'primary',
  challenger: 'secondary',
  'previous-champion': 'default',
};

export function AliasChips({ aliases }: { aliases: ModelAlias[] }) {
  return (
    <>
      {aliases.map(alias => (
        <Chip
          key={alias}
          size="small"
          label={alias}
          color={COLOR[alias]}
          style={{ marginRight: 4 }}
        />
      ))}
    </>
  );
}
