/**
 * PlatformAccessProbe on top of the platform's QueryPieClient (components/platform/client.ts):
 * look the user up by login id, then list the clusters its granted roles reach. The client
 * owns auth (Bearer, then bare token), paging, retries, timeouts and token redaction.
 * Structural parameter type, so tests pass a two-method fake.
 */
import type { PlatformAccessProbe } from "./adapter";

export interface AccessClient {
  findUserByLoginId(loginId: string): Promise<{ uuid: string } | undefined>;
  listAccessibleClusters(userUuid: string): Promise<{ clusterName: string; roleNames?: string[] }[]>;
}

export function accessProbeFromClient(client: AccessClient): PlatformAccessProbe {
  return {
    async accessibleClusters(loginId) {
      const user = await client.findUserByLoginId(loginId);
      if (!user) return { userFound: false, clusters: [] };
      const clusters = await client.listAccessibleClusters(user.uuid);
      return {
        userFound: true,
        clusters: clusters.map((c) => ({ clusterName: c.clusterName, roleNames: c.roleNames ?? [] })),
      };
    },
  };
}
