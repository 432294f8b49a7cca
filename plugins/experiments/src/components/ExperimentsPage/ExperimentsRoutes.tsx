import { Route, Routes } from 'react-router-dom';
import { ExperimentPage } from '../ExperimentPage/ExperimentPage';
import { ExperimentsPage } from './ExperimentsPage';

/** The plugin page: the list at its root, one experiment at `/:key`. */
export function ExperimentsRoutes() {
  return (
    <Routes>
      <Route path="/" element={<ExperimentsPage />} />
      <Route path="/:key" element={<ExperimentPage />} />
    </Routes>
  );
}
