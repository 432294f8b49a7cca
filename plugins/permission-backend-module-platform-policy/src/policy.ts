import { AuthorizeResult, PolicyDecision } from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { platformRules, PolicyRule } from './rules';

export class PlatformPermissionPolicy implements PermissionPolicy {
  constructor(private readonly rules: PolicyRule[] = platformRules) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    for (const rule of this.rules) {
      const decision = rule(request, user);
      if (decision) return decision;
    }
    return { result: AuthorizeResult.DENY };
  }
}
