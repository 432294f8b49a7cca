import { createApp } from '@backstage/frontend-defaults';
import catalogPlugin from '@backstage/plugin-catalog/alpha';
import { navModule } from './modules/nav';
import { homeModule } from './modules/home';
import { catalogModule } from './modules/catalog';
import { scaffolderModule } from './modules/scaffolder';
import { signInModule } from './modules/signIn';

export default createApp({
  features: [catalogPlugin, navModule, homeModule, catalogModule, scaffolderModule, signInModule],
});
