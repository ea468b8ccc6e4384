/**
 * A small HTTP implementation of PlatformAccessProbe on QueryPie's external API v2:
 * `GET /users/identify?loginId=` then the user's accessible clusters (paged). The platform
 * client (components/platform) can replace it; this keeps the smoke suite self-contained.
 * The token is only ever sent as a header.
 */
import type { AccessibleCluster, PlatformAccessProbe } from "./adapter";

export interface PlatformProbeOptions {
  /** e.g. `http://127.0.0.1:8000` (no trailing path). */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  pageSize?: number;
}

const API = "/api/external/v2";

export function httpPlatformProbe(o: PlatformProbeOptions): PlatformAccessProbe {
  const doFetch = o.fetch ?? fetch;
  const base = o.baseUrl.replace(/\/+$/, "") + API;

  // The docs show a bare token, the API takes Bearer: send Bearer, fall back to bare on 401.
  async function get<T>(path: string, signal?: AbortSignal): Promise<T> {
    let res = await doFetch(base + path, { headers: { authorization: `Bearer ${o.token}` }, signal });
    if (res.status === 401) res = await doFetch(base + path, { headers: { authorization: o.token }, signal });
    if (!res.ok) {
      const body = await res.text().catch(() => "");
      const message = /"message"\s*:\s*"([^"]*)"/.exec(body)?.[1];
      throw new Error(
        `QueryPie GET ${API}${path.split("?")[0]} answered ${res.status}${message ? `: ${message}` : ""}`,
      );
    }
    return (await res.json()) as T;
  }

  return {
    async accessibleClusters(loginId, opts) {
      const who = await get<{ status: string; users: { uuid: string; loginId: string }[] }>(
        `/users/identify?loginId=${encodeURIComponent(loginId)}`,
        opts?.signal,
      );
      const user =
        who.users.find((u) => u.loginId === loginId) ?? (who.status === "FOUND" ? who.users[0] : undefined);
      if (!user) return { userFound: false, clusters: [] };
      const clusters: AccessibleCluster[] = [];
      const size = o.pageSize ?? 100;
      for (let page = 0; ; page++) {
        const got = await get<{ items: AccessibleCluster[]; paging: { totalPages: number } }>(
          `/kac/access-controls/users/${encodeURIComponent(user.uuid)}/accessible-clusters?pageNumber=${page}&pageSize=${size}`,
          opts?.signal,
        );
        clusters.push(
          ...got.items.map((c) => ({ clusterName: c.clusterName, roleNames: c.roleNames ?? [] })),
        );
        if (page + 1 >= (got.paging?.totalPages ?? 1)) break;
      }
      return { userFound: true, clusters };
    },
  };
}
