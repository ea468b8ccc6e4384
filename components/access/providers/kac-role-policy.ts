/**
 * One policy assigned to one role (`/kac/roles/{uuid}/policies`), as a Pulumi dynamic resource.
 *
 * - create: no write when the link already exists (adopted); otherwise assigns it.
 * - read: the role's policy list, fetched once per role per run (cached); a missing link or a
 *   missing role (404) -> empty id.
 * - a link has nothing to update: another role or policy means another link (replace).
 * - delete: unassigns; a 404 counts as done.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RolePolicy } from "../../platform/client";
import { isNotFound } from "../../platform/errors";
import {
  API_SECRET_OUTPUTS,
  apiClient,
  apiOutputs,
  cached,
  connectionMoved,
  failed,
  invalidate,
  type ApiInputs,
} from "./common";

export interface KacRolePolicyInputs extends ApiInputs {
  roleUuid: string;
  policyUuid: string;
  /** For messages only. */
  roleName?: string;
  /** For messages only. */
  policyName?: string;
}

export interface KacRolePolicyOutputs extends KacRolePolicyInputs {
  adopted: boolean;
}

export const KAC_ROLE_POLICY_SECRET_OUTPUTS = API_SECRET_OUTPUTS;

function rolePolicies(api: ApiInputs, roleUuid: string): Promise<RolePolicy[]> {
  return cached(api, `role-policies ${roleUuid}`, () => apiClient(api).listRolePolicies(roleUuid));
}

function label(x: KacRolePolicyInputs): string {
  return `policy "${x.policyName ?? x.policyUuid}" of role "${x.roleName ?? x.roleUuid}"`;
}

function outputsFor(news: KacRolePolicyInputs, adopted: boolean): KacRolePolicyOutputs {
  const outs: KacRolePolicyOutputs = {
    ...apiOutputs(news),
    roleUuid: news.roleUuid,
    policyUuid: news.policyUuid,
    adopted,
  };
  if (news.roleName !== undefined) outs.roleName = news.roleName;
  if (news.policyName !== undefined) outs.policyName = news.policyName;
  return outs;
}

export const kacRolePolicyProvider: pulumi.dynamic.ResourceProvider<
  KacRolePolicyInputs,
  KacRolePolicyOutputs
> = {
  async create(news) {
    try {
      const present = (await rolePolicies(news, news.roleUuid)).some((p) => p.policyUuid === news.policyUuid);
      if (!present) {
        await apiClient(news).addRolePolicies(news.roleUuid, [news.policyUuid]);
        invalidate(news, `role-policies ${news.roleUuid}`);
      }
      return { id: `${news.roleUuid}/${news.policyUuid}`, outs: outputsFor(news, present) };
    } catch (e) {
      throw failed(`Assigning ${label(news)} in QueryPie`, e);
    }
  },

  async read(id, props) {
    if (!props)
      throw new Error(`Reading QueryPie role-policy link ${id}: no saved state; import is not supported`);
    try {
      const present = (await rolePolicies(props, props.roleUuid)).some(
        (p) => p.policyUuid === props.policyUuid,
      );
      return present ? { id, props } : { id: "", props: undefined };
    } catch (e) {
      if (isNotFound(e)) return { id: "", props: undefined };
      throw failed(`Reading ${label(props)} in QueryPie`, e);
    }
  },

  async diff(_id, olds, news) {
    const replaces = [
      ...(olds.roleUuid !== news.roleUuid ? ["roleUuid"] : []),
      ...(olds.policyUuid !== news.policyUuid ? ["policyUuid"] : []),
    ];
    const labels = olds.roleName !== news.roleName || olds.policyName !== news.policyName;
    const recorded = olds.apiToken !== news.apiToken || connectionMoved(olds, news);
    return { changes: replaces.length > 0 || labels || recorded, replaces };
  },

  async update(_id, olds, news) {
    // Only the labels, the API token or QueryPie's address changed: nothing to send.
    return { outs: outputsFor(news, olds.adopted) };
  },

  async delete(_id, props) {
    try {
      await apiClient(props).removeRolePolicies(props.roleUuid, [props.policyUuid], { missingOk: true });
      invalidate(props, `role-policies ${props.roleUuid}`);
    } catch (e) {
      if (isNotFound(e)) return;
      throw failed(`Unassigning ${label(props)} in QueryPie`, e);
    }
  },
};
