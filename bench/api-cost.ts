/**
 * API cost: the lab's QueryPie objects applied the way `pulumi up --refresh` would (the real
 * dynamic providers, driven by test/support/apply-lab-access.ts) against the vendor-checking
 * QueryPie test server, counting requests by kind: a first apply, a re-apply with nothing
 * changed (target: zero writes) and an apply after one policy's content changed.
 */
import type { ClusterCredentials } from "../components/access/plan";
import { loadLabConfig } from "../components/config";
import { fakeCredentials } from "../test/access/fakes";
import { applyLabAccess, type ApplySummary, type LabAccessState } from "../test/support/apply-lab-access";
import { QueryPieTestServer, type RequestCounts } from "../test/support/querypie-server";
import { accessObjectCount, benchAccess, benchClusters, benchRawConfig, extraLoginIds } from "./stack-config";

export interface PhaseCost {
  reads: number;
  writes: number;
  total: number;
  /** Requests per access object (clusters, roles, policies, links, grants). */
  perObject: number;
  /** What the apply did: created, updated, replaced, deleted, unchanged objects. */
  did: Record<"created" | "updated" | "replaced" | "deleted" | "unchanged", number>;
}

export interface ApiCostRow {
  clusters: number;
  objects: number;
  first: PhaseCost;
  noChange: PhaseCost;
  oneChange: PhaseCost;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

export function phaseCost(
  counts: Pick<RequestCounts, "reads" | "writes" | "total">,
  summary: ApplySummary,
  objects: number,
): PhaseCost {
  return {
    reads: counts.reads,
    writes: counts.writes,
    total: counts.total,
    perObject: round2(counts.total / objects),
    did: {
      created: summary.created.length,
      updated: summary.updated.length,
      replaced: summary.replaced.length,
      deleted: summary.deleted.length,
      unchanged: summary.unchanged.length,
    },
  };
}

/** Three applies for a lab of `n` clusters, each a fresh provider process as Pulumi runs it. */
export async function measureApiCost(n: number): Promise<ApiCostRow> {
  const stack = "bench";
  const lab = loadLabConfig(benchRawConfig(n), { stack });
  const changed = loadLabConfig(
    { ...benchRawConfig(n), access: benchAccess(benchClusters(n), { changeOne: true }) },
    { stack },
  );
  const server = await QueryPieTestServer.start();
  try {
    for (const loginId of extraLoginIds(benchAccess(benchClusters(n)))) server.store.addUser({ loginId });
    const creds = new Map<string, ClusterCredentials>(lab.clusters.map((c) => [c.name, fakeCredentials()]));
    const options = {
      api: { apiBaseUrl: server.url, apiToken: server.token },
      clusters: lab.clusters,
      access: lab.access,
      networkMode: "linux" as const,
      credentials: (c: { name: string }) => creds.get(c.name)!,
    };
    const objects = accessObjectCount(n, benchAccess(benchClusters(n)));
    const state: LabAccessState = new Map();
    const phase = async (access = lab.access) => {
      server.resetCounts();
      const summary = await applyLabAccess(state, { ...options, access });
      return phaseCost(server.counts(), summary, objects);
    };
    const first = await phase();
    const noChange = await phase();
    const oneChange = await phase(changed.access);
    server.expectNoViolations();
    return { clusters: n, objects, first, noChange, oneChange };
  } finally {
    await server.close();
  }
}
