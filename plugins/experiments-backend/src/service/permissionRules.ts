import {
  EXPERIMENT_OWNER_RULE,
  EXPERIMENT_RESOURCE_TYPE,
  normalizeGroupRef,
  type Experiment,
} from '@internal/plugin-experiments-common';
import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';

/** Experiments as permission resources: loaded from the A/B testing service by key; never queried in bulk. */
export const experimentPermissionResourceRef = createPermissionResourceRef<Experiment, never>().with({
  pluginId: 'experiments',
  resourceType: EXPERIMENT_RESOURCE_TYPE,
});

/**
 * The experiment's owner group is one of the claims (the user's ownership refs, i.e. the user and their groups).
 * Refs are compared in full form: the service records `group:personalization-team`, the catalog's claims read
 * `group:default/personalization-team`.
 */
export const isExperimentOwner = createPermissionRule<typeof experimentPermissionResourceRef, { claims: string[] }>({
  name: EXPERIMENT_OWNER_RULE,
  description: "Allow the members of the experiment's owner group",
  resourceRef: experimentPermissionResourceRef,
  apply(experiment, params) {
    const claims = Array.isArray(params?.claims) ? params.claims.filter(c => typeof c === 'string') : [];
    if (!experiment.owner) return false;
    const owner = normalizeGroupRef(experiment.owner);
    return claims.some(claim => normalizeGroupRef(claim) === owner);
  },
  toQuery() {
    throw new Error('experiments are authorized one at a time, by key');
  },
});

/** For policies: `experimentConditions.conditions.isExperimentOwner({ claims })`. */
export const experimentConditions = createConditionExports({
  resourceRef: experimentPermissionResourceRef,
  rules: { isExperimentOwner },
});
