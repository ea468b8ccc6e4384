/**
 * A QueryPie KAC role (`/kac/roles`), as a Pulumi dynamic resource.
 *
 * - create: adopts a role that already has this name (updating its description if needed);
 *   otherwise creates it.
 * - read: one list of all roles per run (cached), matched by uuid; gone -> empty id.
 * - update: name and description in place (PUT). delete: a 404 counts as done.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { RoleSummary } from "../../platform/client";
import { isNotFound } from "../../platform/errors";
import {
  API_SECRET_OUTPUTS,
  apiClient,
  apiOutputs,
  cached,
  connectionMoved,
  failed,
  invalidate,
  pickByName,
  type ApiInputs,
} from "./common";

export interface KacRoleInputs extends ApiInputs {
  name: string;
  description: string;
}

export interface KacRoleOutputs extends KacRoleInputs {
  uuid: string;
  /** True when create found a same-named role and took it over. */
  adopted: boolean;
}

export const KAC_ROLE_SECRET_OUTPUTS = API_SECRET_OUTPUTS;
const ROLES_PATH = "/api/external/v2/kac/roles";

function listRoles(api: ApiInputs): Promise<RoleSummary[]> {
  return cached(api, "roles", () => apiClient(api).listRoles());
}

function roleChanges(olds: KacRoleInputs, news: KacRoleInputs): string[] {
  const changed: string[] = [];
  if (olds.name !== news.name) changed.push("name");
  if ((olds.description ?? "") !== (news.description ?? "")) changed.push("description");
  return changed;
}

function outputsFor(uuid: string, news: KacRoleInputs, adopted: boolean): KacRoleOutputs {
  return { ...apiOutputs(news), uuid, name: news.name, description: news.description, adopted };
}

export const kacRoleProvider: pulumi.dynamic.ResourceProvider<KacRoleInputs, KacRoleOutputs> = {
  async create(news) {
    try {
      const existing = pickByName(await listRoles(news), news.name, "roles", ROLES_PATH);
      const client = apiClient(news);
      let uuid: string;
      if (existing) {
        uuid = existing.uuid;
        const live = { ...news, description: existing.description ?? "" };
        if (roleChanges(live, news).length > 0) {
          await client.updateRole(uuid, { name: news.name, description: news.description });
          invalidate(news, "roles");
        }
      } else {
        uuid = await client.createRole({ name: news.name, description: news.description });
        invalidate(news, "roles");
      }
      return { id: uuid, outs: outputsFor(uuid, news, existing !== undefined) };
    } catch (e) {
      throw failed(`Creating QueryPie role "${news.name}"`, e);
    }
  },

  async read(id, props) {
    if (!props)
      throw new Error(`Reading QueryPie role ${id}: no saved state to read with; import is not supported`);
    try {
      const live = (await listRoles(props)).find((r) => r.uuid === id);
      if (!live) return { id: "", props: undefined };
      return { id, props: { ...props, name: live.name, description: live.description ?? "" } };
    } catch (e) {
      throw failed(`Reading QueryPie role "${props.name}" (${id})`, e);
    }
  },

  async diff(_id, olds, news) {
    const changes =
      roleChanges(olds, news).length > 0 || olds.apiToken !== news.apiToken || connectionMoved(olds, news);
    return { changes, replaces: [] };
  },

  async update(id, olds, news) {
    if (roleChanges(olds, news).length > 0) {
      try {
        await apiClient(news).updateRole(id, { name: news.name, description: news.description });
        invalidate(news, "roles");
      } catch (e) {
        throw failed(`Updating QueryPie role "${news.name}"`, e);
      }
    }
    return { outs: outputsFor(id, news, olds.adopted) };
  },

  async delete(id, props) {
    try {
      await apiClient(props).deleteRoles([id], { missingOk: true });
      invalidate(props, "roles", `role-policies ${id}`);
    } catch (e) {
      if (isNotFound(e)) return;
      throw failed(`Deleting QueryPie role "${props.name}" (${id})`, e);
    }
  },
};
