import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import type { ModelDetail } from '@internal/plugin-model-registry-common';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { modelRegistryApiRef } from '../../api';
import { formatTime, shortRef } from '../shared/format';
import { RegistryErrorPanel } from '../shared/RegistryErrorPanel';
import { ActionButtons } from './ActionButtons';
import { AliasHistoryCard } from './AliasHistoryCard';
import { MetricChart } from './MetricChart';
import { VersionComparison } from './VersionComparison';
import { VersionsTable } from './VersionsTable';

function Fact({ label, value }: { label: string; value: string }) {
  return (
    <div role="group" aria-label={label} style={{ marginRight: 32 }}>
      <Typography variant="overline" component="div">
        {label}
      </Typography>
      <Typography variant="h6" component="div">
        {value}
      </Typography>
    </div>
  );
}

/** One model: aliases and actions, versions, the metric across versions, a comparison, the alias history. */
export function ModelView({ name }: { name: string }) {
  const api = useApi(modelRegistryApiRef);
  const [notice, setNotice] = useState<string>();
  const data = useAsyncRetry(async () => {
    const [model, history] = await Promise.all([api.getModel(name), api.getHistory(name)]);
    return { model, history };
  }, [api, name]);

  if (data.loading && !data.value) return <Progress />;
  if (data.error) return <RegistryErrorPanel error={data.error} />;
  const { model, history } = data.value!;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <ModelOverview
          model={model}
          onDone={result => {
            setNotice(
              result.entry.action === 'promote'
                ? `Version ${result.entry.version} is now the champion${result.overridden ? ' (override)' : ''}.`
                : `Rolled back: version ${result.entry.version} is the champion again.`,
            );
            data.retry();
          }}
        />
        {notice && (
          <Typography role="status" variant="body2" style={{ marginTop: 8 }}>
            {notice}
          </Typography>
        )}
      </Grid>
      <Grid item xs={12}>
        <VersionsTable versions={model.versions} />
      </Grid>
      <Grid item xs={12} md={6}>
        <MetricChart versions={model.versions} />
      </Grid>
      <Grid item xs={12} md={6}>
        <VersionComparison key={`${model.aliases.champion}-${model.aliases.challenger}`} model={model} />
      </Grid>
      <Grid item xs={12}>
        <AliasHistoryCard model={model.name} history={history} />
      </Grid>
    </Grid>
  );
}

function ModelOverview({ model, onDone }: { model: ModelDetail; onDone: Parameters<typeof ActionButtons>[0]['onDone'] }) {
  const version = (v: string | null) => (v ? `version ${v}` : 'none');
  return (
    <InfoCard title={model.name} subheader={model.description ?? undefined} action={<ActionButtons model={model} onDone={onDone} />}>
      <div style={{ display: 'flex', flexWrap: 'wrap' }}>
        <Fact label="Champion" value={version(model.aliases.champion)} />
        <Fact label="Challenger" value={version(model.aliases.challenger)} />
        <Fact label="Previous champion" value={version(model.aliases['previous-champion'])} />
        <Fact label="Last trained" value={formatTime(model.lastTrainedAt)} />
        <Fact label="Owner" value={model.catalog ? shortRef(model.catalog.owner) : 'not in the catalog'} />
      </div>
    </InfoCard>
  );
}
