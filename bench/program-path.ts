/**
 * The critical path of one recorded program run, read the way the issue asks: do the clusters
 * and the platform start side by side, when are all clusters Ready and the platform ready, and
 * what follows both (registration, access, smoke), which should not grow with the cluster count.
 */
import { kindBatches } from "../components/kind/batches";
import { ancestors, schedule, summarize, type PathSummary } from "./critical-path";
import type { ProgramRun } from "./program-scale";
import { modelStep } from "./step-model";

export const PLATFORM = "querypie";

export interface CriticalRow extends PathSummary {
  clusters: number;
  /** Batches of kind creates (two at a time, kind issue 1288). */
  kindBatches: number;
  /** Modelled start of the first `kind create` and of the platform's first slow step (MySQL). */
  firstKindCreateStart: number;
  platformStart: number;
  /** No platform step waits for a cluster step and no cluster step for a platform step. */
  sideBySide: boolean;
  /** Every cluster's nodes Ready. */
  clustersReadyAt: number;
  /** The platform's last readiness step done. */
  platformReadyAt: number;
  /** What comes after both: critical path minus the later of the two. */
  tailSeconds: number;
}

export function clusterNames(run: Pick<ProgramRun, "nodes">): string[] {
  return run.nodes.filter((n) => n.type === "lab:index:KindCluster").map((n) => n.name);
}

export function analyseRun(run: ProgramRun, smokeRunSeconds: number): CriticalRow {
  const clusters = clusterNames(run);
  const ctx = { clusters, platform: PLATFORM, smokeRunSeconds };
  const sched = schedule(run.nodes, (n) => modelStep(n, ctx));
  const at = (name: string) => {
    const s = sched.get(name);
    if (!s) throw new Error(`analyseRun: no step ${name} was recorded for ${run.clusters} clusters`);
    return s;
  };
  const summary = summarize(sched);
  const clustersReadyAt = Math.max(...clusters.map((c) => at(`${c}-ready`).finish));
  const platformLast = sched.has(`${PLATFORM}-configure`) ? `${PLATFORM}-configure` : `${PLATFORM}-ready`;
  const platformReadyAt = at(platformLast).finish;

  const isCluster = (name: string) => clusters.some((c) => name.startsWith(`${c}-`));
  const isPlatform = (name: string) =>
    name.startsWith(`${PLATFORM}-`) && !name.startsWith(`${PLATFORM}-kind`);
  const platformWaitsForCluster = [...ancestors(run.nodes, platformLast)].some(isCluster);
  const clusterWaitsForPlatform = clusters.some((c) =>
    [...ancestors(run.nodes, `${c}-ready`)].some(isPlatform),
  );

  return {
    clusters: clusters.length,
    kindBatches: new Set(kindBatches(clusters.length).map((b) => b.join(","))).size,
    firstKindCreateStart: Math.min(...clusters.map((c) => at(`${c}-create`).start)),
    platformStart: at(`${PLATFORM}-mysql`).start,
    sideBySide: !platformWaitsForCluster && !clusterWaitsForPlatform,
    clustersReadyAt,
    platformReadyAt,
    tailSeconds: summary.criticalSeconds - Math.max(clustersReadyAt, platformReadyAt),
    ...summary,
  };
}
