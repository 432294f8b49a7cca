import { createPermission } from '@backstage/plugin-permission-common';

/** The resource type of the manage permission: an experiment of the A/B testing service, referenced by its key. */
export const EXPERIMENT_RESOURCE_TYPE = 'experiment';

/**
 * Seeing experiments, their results and audit log. A basic permission (lists are read as a whole); the portal's
 * policy lets everyone read.
 */
export const experimentReadPermission = createPermission({
  name: 'experiments.experiment.read',
  attributes: { action: 'read' },
});

/**
 * Starting, ramping, stopping and concluding one experiment. A resource permission on the experiment (its key is
 * the resource ref): the portal's policy answers with the condition `IS_EXPERIMENT_OWNER` over the user's
 * ownership refs, and the experiments backend checks it against the experiment's `owner` group.
 */
export const experimentManagePermission = createPermission({
  name: 'experiments.experiment.manage',
  attributes: { action: 'update' },
  resourceType: EXPERIMENT_RESOURCE_TYPE,
});

/** The rule the policy's conditional decision names; the experiments backend implements it. */
export const EXPERIMENT_OWNER_RULE = 'IS_EXPERIMENT_OWNER';

export const experimentsPermissions = [experimentReadPermission, experimentManagePermission];
