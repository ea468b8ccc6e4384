/**
 * Puts the measurements together (results.json) and renders them as the tables `npm run bench`
 * prints and docs/performance.md shows. Pure: the script gathers, this decides what is shown.
 */
import { ALL_CHECKS } from "../components/smoke/checks";
import type { ApiCostRow } from "./api-cost";
import { baselineSteps, handWorkFrom, totalSeconds, type BaselineStep } from "./baseline";
import { analyseRun, clusterNames, type CriticalRow } from "./program-path";
import { scaleRows, type ProgramRun, type ScaleRow } from "./program-scale";
import type { SmokeBench } from "./smoke-bench";
import { SMOKE_CHECK_SECONDS, serialSeconds, smokeRunSeconds } from "./smoke-model";
import { SECONDS } from "./step-model";
import { formatTable, minutes, rw } from "./table";

export interface PathRow extends Omit<CriticalRow, "slowInSeries"> {
  slowInSeries: number;
  /** The slow steps in series, as `name (seconds)`. */
  slowChain: string[];
  /** The seed procedure as a script, one step after another. */
  baselineSeconds: number;
  /** criticalSeconds / baselineSeconds. */
  ratioToBaseline: number;
  /** The critical path if each kind batch waited only for the previous batch's creates. */
}

export interface BenchResults {
  generatedAt: string;
  host: { cpus: number; node: string; platform: string };
  /** Wall time of the whole `npm run bench`, filled in by the script at the end. */
  benchSeconds?: number;
  model: {
    seconds: typeof SECONDS;
    smokeCheckSeconds: typeof SMOKE_CHECK_SECONDS;
    smokeRunSeconds: number;
  };
  scale: ScaleRow[];
  criticalPath: PathRow[];
  baseline: { clusters: number; steps: BaselineStep[] };
  apiCost: ApiCostRow[];
  smoke: SmokeBench;
}

/** A long chain as its first and last steps, with how many are left out between. */
export function shortChain(chain: string[], keep = 4): string[] {
  if (chain.length <= 3 * keep) return chain;
  return [...chain.slice(0, keep), `(${chain.length - 2 * keep} more)`, ...chain.slice(-keep)];
}

const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;

export function buildResults(input: {
  runs: ProgramRun[];
  apiCost: ApiCostRow[];
  smoke: SmokeBench;
  host: BenchResults["host"];
  now: Date;
}): BenchResults {
  const runSmoke = smokeRunSeconds(ALL_CHECKS);
  const smokeSerial = serialSeconds(ALL_CHECKS);
  const runs = [...input.runs].sort((a, b) => a.clusters - b.clusters);
  const criticalPath = runs.map((run): PathRow => {
    const { slowInSeries, ...row } = analyseRun(run, runSmoke);
    const clusters = clusterNames(run);
    const baseline = totalSeconds(baselineSteps(clusters, handWorkFrom(run.nodes, clusters[0], smokeSerial)));
    return {
      ...row,
      slowInSeries: slowInSeries.length,
      slowChain: slowInSeries.map((s) => `${s.name} (${s.seconds})`),
      baselineSeconds: baseline,
      ratioToBaseline: ratio(row.criticalSeconds, baseline),
    };
  });
  const first = runs[0];
  const firstClusters = clusterNames(first);
  return {
    generatedAt: input.now.toISOString(),
    host: input.host,
    model: { seconds: SECONDS, smokeCheckSeconds: SMOKE_CHECK_SECONDS, smokeRunSeconds: runSmoke },
    scale: scaleRows(runs),
    criticalPath,
    baseline: {
      clusters: first.clusters,
      steps: baselineSteps(firstClusters, handWorkFrom(first.nodes, firstClusters[0], smokeSerial)),
    },
    apiCost: input.apiCost,
    smoke: input.smoke,
  };
}

export function renderResults(r: BenchResults): string {
  const out: string[] = [];
  out.push(
    "1. Program scale: the whole program under Pulumi mocks, a fresh process per size (fastest of the builds)",
  );
  out.push(
    formatTable(
      [
        "clusters",
        "resources",
        "per cluster",
        "added per cluster",
        "build ms",
        "ms per cluster",
        "build CPU ms",
        "CPU ms per cluster",
        "added CPU ms per cluster",
        "peak RSS MB",
      ],
      r.scale.map((s) => [
        s.clusters,
        s.resources,
        s.resourcesPerCluster,
        s.addedPerCluster,
        s.buildMs,
        Math.round(s.msPerCluster),
        s.cpuMs,
        Math.round(s.cpuMsPerCluster),
        s.addedCpuMsPerCluster === undefined ? undefined : Math.round(s.addedCpuMsPerCluster),
        s.peakRssMb,
      ]),
    ),
  );
  out.push(
    `   Loading the SDKs and components before the program (not in build ms): ${r.scale.map((s) => `${s.loadMs} ms`).join(", ")}.`,
  );
  out.push("");
  out.push("2. Critical path of `pulumi up`: modelled seconds on the recorded dependency graph");
  out.push(
    formatTable(
      [
        "clusters",
        "kind batches",
        "start kind / platform",
        "clusters ready",
        "platform ready",
        "after both",
        "critical path",
        "sum of all steps",
        "slow steps in series / all",
      ],
      r.criticalPath.map((p) => [
        p.clusters,
        p.kindBatches,
        `${p.firstKindCreateStart} / ${p.platformStart}${p.sideBySide ? "" : " (NOT independent)"}`,
        p.clustersReadyAt,
        p.platformReadyAt,
        p.tailSeconds,
        `${p.criticalSeconds} (${minutes(p.criticalSeconds)})`,
        `${p.totalSeconds} (${minutes(p.totalSeconds)})`,
        `${p.slowInSeries} / ${p.slowSteps}`,
      ]),
    ),
  );
  for (const p of r.criticalPath) {
    out.push(`   ${p.clusters} clusters, slow steps in series: ${shortChain(p.slowChain).join(" > ")}`);
  }
  out.push("");
  out.push("3. API cost against the QueryPie test server: requests reads/writes (requests per object)");
  out.push(
    formatTable(
      ["clusters", "objects", "first apply", "no-change re-apply", "one policy changed"],
      r.apiCost.map((a) => [
        a.clusters,
        a.objects,
        `${rw(a.first)} (${a.first.perObject})`,
        `${rw(a.noChange)} (${a.noChange.perObject})`,
        `${rw(a.oneChange)} (${a.oneChange.perObject})`,
      ]),
    ),
  );
  out.push("");
  const s = r.smoke;
  out.push(`4. Smoke runner on the fake adapter, check latencies x${s.scale}, ${s.checks} checks`);
  out.push(
    formatTable(
      ["run", "wall ms", "model ms"],
      [
        ["parallel (as the runner schedules)", s.parallelMs, s.modelParallelMs],
        ["serial (each check after the last)", s.serialMs, s.modelSerialMs],
        ...s.clustersAtOnce.map((c): [string, number, number] => [
          `${c.clusters} clusters at once`,
          c.wallMs,
          s.modelParallelMs,
        ]),
      ],
    ),
  );
  out.push(
    `   parallel / serial = ${s.ratio}${s.allPassed ? "" : "  (NOT every check passed: timings are of skips)"}`,
  );
  out.push("");
  out.push(
    "5. Side by side with the seed procedure run as a script (same step model, one step after another)",
  );
  out.push(
    formatTable(
      ["clusters", "ours: critical path", "seed as a script", "ours / seed"],
      r.criticalPath.map((p) => [
        p.clusters,
        `${p.criticalSeconds} (${minutes(p.criticalSeconds)})`,
        `${p.baselineSeconds} (${minutes(p.baselineSeconds)})`,
        p.ratioToBaseline,
      ]),
    ),
  );
  out.push(`   The seed's steps for ${r.baseline.clusters} clusters:`);
  out.push(
    formatTable(
      ["step", "seconds"],
      r.baseline.steps.map((b) => [b.what, b.seconds]),
    ),
  );
  return out.join("\n");
}
