/**
 * A Kubernetes cluster registered in QueryPie KAC (`/kac/clusters`), as a Pulumi dynamic resource.
 *
 * - create: adopts a cluster that already has this name (a run that failed after QueryPie answered
 *   leaves one behind), sending the declared settings and credentials; otherwise registers it.
 * - read: one list of all clusters per run (cached), matched by uuid; gone -> empty id.
 * - diff/update: every declared field can be changed in place (PUT); the token and CA are sent
 *   only when they changed (QueryPie never returns them, so a digest in state tells).
 * - delete: a 404 counts as done.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterCreateRequest, ClusterSummary, ClusterUpdateRequest } from "../../platform/client";
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
  sameSet,
  type ApiInputs,
} from "./common";

export type RequestAuditType =
  "get" | "list" | "create" | "update" | "delete" | "watch" | "patch" | "deletecollection";

export interface KacClusterInputs extends ApiInputs {
  name: string;
  apiUrl: string;
  /** The service account token (secret). */
  serviceAccountToken: string;
  /** The CA as sent: base64 of the PEM or the PEM (secret). */
  certificateAuthority: string;
  podSessionRecording: boolean;
  requestAudit: boolean;
  /** Default: not sent (QueryPie's default). */
  requestAuditTypes?: RequestAuditType[];
  tags: { key: string; value: string }[];
  /** Kubernetes version, e.g. `1.33.1`. Default: not sent. */
  version?: string;
}

export interface KacClusterOutputs extends ApiInputs {
  uuid: string;
  name: string;
  apiUrl: string;
  podSessionRecording: boolean;
  requestAudit: boolean;
  requestAuditTypes?: RequestAuditType[];
  tags: { key: string; value: string }[];
  version?: string;
  /** SHA-256 of token and CA as last sent; a secret output, never the values themselves. */
  credentialsDigest: string;
  /** True when create found a same-named cluster and took it over. */
  adopted: boolean;
}

export const KAC_CLUSTER_SECRET_OUTPUTS = [...API_SECRET_OUTPUTS, "credentialsDigest"];
const CLUSTERS_PATH = "/api/external/v2/kac/clusters";

export function credentialsDigest(token: string, ca: string): string {
  // Required at call time: Pulumi's closure serialiser cannot capture native crypto functions.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const crypto = require("crypto") as typeof import("crypto");
  return crypto.createHash("sha256").update(token).update("\n").update(ca).digest("hex");
}

function listClusters(api: ApiInputs): Promise<ClusterSummary[]> {
  return cached(api, "clusters", () => apiClient(api).listClusters());
}

function sameTags(a: KacClusterInputs["tags"] | undefined, b: KacClusterInputs["tags"] | undefined): boolean {
  const key = (t: { key: string; value: string }) => `${t.key}=${t.value}`;
  return sameSet((a ?? []).map(key), (b ?? []).map(key));
}

/** Names of the settings that differ between the state (or server) and the declaration. */
export function clusterChanges(olds: KacClusterOutputs, news: KacClusterInputs): string[] {
  const changed: string[] = [];
  if (olds.name !== news.name) changed.push("name");
  if (olds.apiUrl !== news.apiUrl) changed.push("apiUrl");
  if (olds.podSessionRecording !== news.podSessionRecording) changed.push("podSessionRecording");
  if (olds.requestAudit !== news.requestAudit) changed.push("requestAudit");
  if (news.requestAuditTypes !== undefined && !sameSet(olds.requestAuditTypes, news.requestAuditTypes)) {
    changed.push("requestAuditTypes");
  }
  if (!sameTags(olds.tags, news.tags)) changed.push("tags");
  if (news.version !== undefined && olds.version !== news.version) changed.push("version");
  if (olds.credentialsDigest !== credentialsDigest(news.serviceAccountToken, news.certificateAuthority)) {
    changed.push("serviceAccountToken");
  }
  return changed;
}

function updateRequest(news: KacClusterInputs, withCredentials: boolean): ClusterUpdateRequest {
  const body: ClusterUpdateRequest = {
    name: news.name,
    apiUrl: news.apiUrl,
    podSessionRecording: news.podSessionRecording,
    requestAudit: news.requestAudit,
    tags: news.tags,
  };
  if (news.requestAuditTypes !== undefined) body.requestAuditTypes = news.requestAuditTypes;
  if (news.version !== undefined) body.version = news.version;
  if (withCredentials) {
    body.serviceAccountToken = news.serviceAccountToken;
    body.certificateAuthority = news.certificateAuthority;
  }
  return body;
}

function createRequest(news: KacClusterInputs): ClusterCreateRequest {
  const body: ClusterCreateRequest = {
    name: news.name,
    apiUrl: news.apiUrl,
    serviceAccountToken: news.serviceAccountToken,
    certificateAuthority: news.certificateAuthority,
    podSessionRecording: news.podSessionRecording,
    requestAudit: news.requestAudit,
    tags: news.tags,
  };
  if (news.requestAuditTypes !== undefined) body.requestAuditTypes = news.requestAuditTypes;
  if (news.version !== undefined) body.version = news.version;
  return body;
}

function outputsFor(uuid: string, news: KacClusterInputs, adopted: boolean): KacClusterOutputs {
  const outs: KacClusterOutputs = {
    ...apiOutputs(news),
    uuid,
    name: news.name,
    apiUrl: news.apiUrl,
    podSessionRecording: news.podSessionRecording,
    requestAudit: news.requestAudit,
    tags: news.tags,
    credentialsDigest: credentialsDigest(news.serviceAccountToken, news.certificateAuthority),
    adopted,
  };
  if (news.requestAuditTypes !== undefined) outs.requestAuditTypes = news.requestAuditTypes;
  if (news.version !== undefined) outs.version = news.version;
  return outs;
}

export const kacClusterProvider: pulumi.dynamic.ResourceProvider<KacClusterInputs, KacClusterOutputs> = {
  async create(news) {
    const what = `Registering cluster "${news.name}" in QueryPie`;
    try {
      const existing = pickByName(await listClusters(news), news.name, "clusters", CLUSTERS_PATH);
      const client = apiClient(news);
      let uuid: string;
      if (existing) {
        // Left by an earlier run (or made by hand): take it over and make it match.
        uuid = existing.uuid;
        await client.updateCluster(uuid, updateRequest(news, true));
      } else {
        uuid = await client.createCluster(createRequest(news));
      }
      invalidate(news, "clusters");
      return { id: uuid, outs: outputsFor(uuid, news, existing !== undefined) };
    } catch (e) {
      throw failed(what, e);
    }
  },

  async read(id, props) {
    if (!props)
      throw new Error(`Reading QueryPie cluster ${id}: no saved state to read with; import is not supported`);
    try {
      const live = (await listClusters(props)).find((c) => c.uuid === id);
      if (!live) return { id: "", props: undefined };
      const next: KacClusterOutputs = {
        ...props,
        name: live.name,
        apiUrl: live.apiUrl,
        podSessionRecording: live.podSessionRecording,
        requestAudit: live.requestAudit,
        tags: (live.tags ?? []).map((t) => ({ key: t.key, value: t.value })),
      };
      if (live.version !== undefined) next.version = live.version;
      return { id, props: next };
    } catch (e) {
      throw failed(`Reading QueryPie cluster "${props.name}" (${id})`, e);
    }
  },

  async diff(_id, olds, news) {
    const changed = clusterChanges(olds, news);
    const tokenRotated = olds.apiToken !== news.apiToken;
    // A rotated API token or a moved QueryPie changes no object; the update only records it.
    return { changes: changed.length > 0 || tokenRotated || connectionMoved(olds, news), replaces: [] };
  },

  async update(id, olds, news) {
    const changed = clusterChanges(olds, news);
    if (changed.length > 0) {
      try {
        await apiClient(news).updateCluster(id, updateRequest(news, changed.includes("serviceAccountToken")));
        invalidate(news, "clusters");
      } catch (e) {
        throw failed(`Updating QueryPie cluster "${news.name}" (${changed.join(", ")})`, e);
      }
    }
    return { outs: outputsFor(id, news, olds.adopted) };
  },

  async delete(id, props) {
    try {
      await apiClient(props).deleteCluster(id, { missingOk: true });
      invalidate(props, "clusters");
    } catch (e) {
      if (isNotFound(e)) return;
      throw failed(`Removing cluster "${props.name}" (${id}) from QueryPie`, e);
    }
  },
};
