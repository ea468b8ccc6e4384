/**
 * platform-access: the access platform's grants reach the cluster — the granted user's
 * accessible clusters (QueryPie API) include this cluster's registration. Skipped with a
 * reason when the platform is off or has no API token.
 */
import type { AccessibleCluster } from "../adapter";
import { defineCheck, type Verdict } from "../types";

export type PlatformAccessEvidence =
  | { configured: false; reason: string }
  | {
      configured: true;
      loginId: string;
      clusterName: string;
      userFound: boolean;
      clusters: AccessibleCluster[];
    };

export function verdict(e: PlatformAccessEvidence): Verdict {
  if (!e.configured) return { status: "skipped", message: e.reason, evidence: {} };
  const names = e.clusters.map((c) => c.clusterName).sort();
  const evidence = { loginId: e.loginId, clusterName: e.clusterName, accessibleClusters: names };
  if (!e.userFound) {
    return {
      status: "failed",
      message: `QueryPie has no user with login id ${e.loginId}`,
      evidence,
    };
  }
  const hit = e.clusters.find((c) => c.clusterName === e.clusterName);
  if (hit) {
    return {
      status: "passed",
      message: `${e.loginId} can reach ${e.clusterName} through ${hit.roleNames.join(", ") || "a role"}`,
      evidence: { ...evidence, roles: hit.roleNames },
    };
  }
  return {
    status: "failed",
    message:
      `${e.loginId} cannot reach ${e.clusterName}: accessible clusters are ${names.join(", ") || "none"}; ` +
      "check the grant, its expiry and the policy's resources",
    evidence,
  };
}

export const platformAccess = defineCheck<PlatformAccessEvidence>({
  id: "platform-access",
  proves: "the access platform grants reach the cluster",
  needs: [],
  diagnose: false,
  async probe(ctx) {
    const p = ctx.platform;
    if ("skipReason" in p) return { configured: false, reason: p.skipReason };
    const { userFound, clusters } = await p.probe.accessibleClusters(p.loginId, { signal: ctx.signal });
    return { configured: true, loginId: p.loginId, clusterName: p.clusterName, userFound, clusters };
  },
  verdict,
});
