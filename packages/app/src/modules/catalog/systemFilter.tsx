import { Entity } from '@backstage/catalog-model';
import { createFrontendModule } from '@backstage/frontend-plugin-api';
import {
  DefaultEntityFilters,
  EntityAutocompletePicker,
  EntityFilter,
} from '@backstage/plugin-catalog-react';
import { CatalogFilterBlueprint } from '@backstage/plugin-catalog-react/alpha';

/** Narrows the catalog list to the entities of the chosen systems (spec.system). */
export class EntitySystemFilter implements EntityFilter {
  constructor(readonly values: string[]) {}

  getCatalogFilters(): Record<string, string[]> {
    return { 'spec.system': this.values };
  }

  filterEntity(entity: Entity): boolean {
    const system = entity.spec?.system;
    return typeof system === 'string' && this.values.includes(system);
  }

  toQueryValue(): string[] {
    return this.values;
  }
}

type PlatformEntityFilters = DefaultEntityFilters & { systems?: EntitySystemFilter };

export function EntitySystemPicker() {
  return (
    <EntityAutocompletePicker<PlatformEntityFilters, 'systems'>
      label="System"
      name="systems"
      path="spec.system"
      Filter={EntitySystemFilter}
    />
  );
}

const systemCatalogFilter = CatalogFilterBlueprint.make({
  name: 'system',
  params: {
    loader: async () => <EntitySystemPicker />,
  },
});

export const catalogModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [systemCatalogFilter],
});
