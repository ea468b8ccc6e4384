/**
 * A QueryPie KAC policy with its document (`/kac/policies` and `/content`), as a Pulumi
 * dynamic resource.
 *
 * - create: adopts a policy that already has this name (a run that failed between "create" and
 *   "set content" leaves an empty one behind) and makes name, description and content match;
 *   otherwise creates it and sets its content.
 * - read: `GET /kac/policies/{uuid}` (the list has no content); 404 -> empty id.
 * - diff: content is compared by meaning (parsed YAML), so QueryPie's formatting never churns;
 *   each content change is one new policy version.
 * - delete: a 404 counts as done.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { Policy, PolicySummary } from "../../platform/client";
import { isNotFound } from "../../platform/errors";
import { samePolicyContent } from "../policy";
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

export interface KacPolicyInputs extends ApiInputs {
  name: string;
  description: string;
  /** The KacPolicy document as YAML (rendered by `renderPolicyContent`). */
  content: string;
  /** Recorded with each content version. Default "Managed by Pulumi (kind-access-lab)". */
  justification?: string;
}

export interface KacPolicyOutputs extends KacPolicyInputs {
  uuid: string;
  /** QueryPie's version label after the last write or read, when known. */
  version?: string;
  adopted: boolean;
}

export const KAC_POLICY_SECRET_OUTPUTS = API_SECRET_OUTPUTS;
export const DEFAULT_JUSTIFICATION = "Managed by Pulumi (kind-access-lab)";
const POLICIES_PATH = "/api/external/v2/kac/policies";

function listPolicies(api: ApiInputs): Promise<PolicySummary[]> {
  return cached(api, "policies", () => apiClient(api).listPolicies());
}

function metaChanged(olds: Pick<KacPolicyInputs, "name" | "description">, news: KacPolicyInputs): boolean {
  return olds.name !== news.name || (olds.description ?? "") !== (news.description ?? "");
}

function outputsFor(
  uuid: string,
  news: KacPolicyInputs,
  adopted: boolean,
  version?: string,
): KacPolicyOutputs {
  const outs: KacPolicyOutputs = {
    ...apiOutputs(news),
    uuid,
    name: news.name,
    description: news.description,
    content: news.content,
    adopted,
  };
  if (news.justification !== undefined) outs.justification = news.justification;
  if (version !== undefined) outs.version = version;
  return outs;
}

async function writeContent(api: KacPolicyInputs, uuid: string): Promise<void> {
  await apiClient(api).setPolicyContent(uuid, {
    content: api.content,
    justification: api.justification ?? DEFAULT_JUSTIFICATION,
  });
}

export const kacPolicyProvider: pulumi.dynamic.ResourceProvider<KacPolicyInputs, KacPolicyOutputs> = {
  async create(news) {
    try {
      const existing = pickByName(await listPolicies(news), news.name, "policies", POLICIES_PATH);
      const client = apiClient(news);
      let uuid: string;
      let live: Policy | undefined;
      if (existing) {
        uuid = existing.uuid;
        live = await client.getPolicy(uuid);
        if (metaChanged({ name: live.name, description: live.description ?? "" }, news)) {
          await client.updatePolicy(uuid, { name: news.name, description: news.description });
        }
      } else {
        uuid = await client.createPolicy({ name: news.name, description: news.description });
      }
      invalidate(news, "policies");
      if (!live || !samePolicyContent(live.content, news.content)) await writeContent(news, uuid);
      return { id: uuid, outs: outputsFor(uuid, news, existing !== undefined) };
    } catch (e) {
      throw failed(`Creating QueryPie policy "${news.name}"`, e);
    }
  },

  async read(id, props) {
    if (!props)
      throw new Error(`Reading QueryPie policy ${id}: no saved state to read with; import is not supported`);
    try {
      const live = await apiClient(props).getPolicy(id);
      const next: KacPolicyOutputs = {
        ...props,
        name: live.name,
        description: live.description ?? "",
        content: live.content,
      };
      // Never an `undefined` value: the provider host's protobuf Struct rejects it, failing the refresh.
      if (live.version !== undefined && live.version !== null) next.version = live.version;
      else delete next.version;
      return { id, props: next };
    } catch (e) {
      if (isNotFound(e)) return { id: "", props: undefined };
      throw failed(`Reading QueryPie policy "${props.name}" (${id})`, e);
    }
  },

  async diff(_id, olds, news) {
    const changes =
      metaChanged(olds, news) ||
      !samePolicyContent(olds.content, news.content) ||
      olds.apiToken !== news.apiToken ||
      connectionMoved(olds, news);
    return { changes, replaces: [] };
  },

  async update(id, olds, news) {
    try {
      if (metaChanged(olds, news)) {
        await apiClient(news).updatePolicy(id, { name: news.name, description: news.description });
        invalidate(news, "policies");
      }
      if (!samePolicyContent(olds.content, news.content)) await writeContent(news, id);
    } catch (e) {
      throw failed(`Updating QueryPie policy "${news.name}"`, e);
    }
    return { outs: outputsFor(id, news, olds.adopted) };
  },

  async delete(id, props) {
    try {
      await apiClient(props).deletePolicies([id], { missingOk: true });
      invalidate(props, "policies");
    } catch (e) {
      if (isNotFound(e)) return;
      throw failed(`Deleting QueryPie policy "${props.name}" (${id})`, e);
    }
  },
};
