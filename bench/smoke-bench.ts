/**
 * The smoke runner's wall time on a fake cluster adapter (recorded kubectl/docker outputs, every
 * check passing) with each check's modelled latency scaled down, in one run: the checks as the
 * runner schedules them (in parallel along their needs), then the same checks forced one after
 * another, then one suite per cluster for several clusters at once.
 */
import { ALL_CHECKS } from "../components/smoke/checks";
import { runSuite, runSuites, type SuiteOptions } from "../components/smoke/runner";
import type { AnySmokeCheck } from "../components/smoke/types";
import { FakeCluster, grantedProbe, healthyRules, RUN_ID } from "../test/smoke/fake-adapter";
import { parallelSeconds, secondsOf, serialSeconds, serialized, withLatency } from "./smoke-model";

export interface SmokeBench {
  /** Modelled seconds become `scale` x 1000 ms, e.g. 0.01: 30 s -> 300 ms. */
  scale: number;
  checks: number;
  /** Wall time of one suite as the runner schedules it, and forced serial. */
  parallelMs: number;
  serialMs: number;
  /** parallelMs / serialMs. */
  ratio: number;
  /** The same two figures the model predicts at this scale. */
  modelParallelMs: number;
  modelSerialMs: number;
  /** Every check passed in both runs (the timings are of real work, not of skips). */
  allPassed: boolean;
  /** Wall time of `runSuites` for N clusters at once, by N. */
  clustersAtOnce: { clusters: number; wallMs: number }[];
}

function suite(cluster: string, checks: AnySmokeCheck[]): SuiteOptions {
  return {
    cluster,
    adapter: new FakeCluster(healthyRules()),
    checks,
    runId: RUN_ID,
    checkTimeoutMs: 60_000,
    suiteTimeoutMs: 300_000,
    platform: { probe: grantedProbe, loginId: "qp-admin", clusterName: "production-cluster" },
  };
}

const wall = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const t0 = performance.now();
  const out = await work();
  return [out, Math.round(performance.now() - t0)];
};

export async function measureSmoke(scale = 0.01, clusterCounts: number[] = [2, 8, 32]): Promise<SmokeBench> {
  const timed = ALL_CHECKS.map((c) => withLatency(c, secondsOf(c.id) * 1000 * scale));
  const [par, parallelMs] = await wall(() => runSuite(suite("cluster1", timed)));
  const [ser, serialMs] = await wall(() => runSuite(suite("cluster1", serialized(timed))));
  const clustersAtOnce: SmokeBench["clustersAtOnce"] = [];
  for (const n of clusterCounts) {
    const suites = Array.from({ length: n }, (_, i) => suite(`cluster${i + 1}`, timed));
    const [, ms] = await wall(() => runSuites(suites));
    clustersAtOnce.push({ clusters: n, wallMs: ms });
  }
  return {
    scale,
    checks: timed.length,
    parallelMs,
    serialMs,
    ratio: Math.round((parallelMs / serialMs) * 100) / 100,
    modelParallelMs: Math.round(parallelSeconds(ALL_CHECKS) * 1000 * scale),
    modelSerialMs: Math.round(serialSeconds(ALL_CHECKS) * 1000 * scale),
    allPassed: [par, ser].every((r) => r.passed === timed.length),
    clustersAtOnce,
  };
}
