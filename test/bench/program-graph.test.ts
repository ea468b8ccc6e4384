/**
 * The real program (stacks/index.ts) for 6 clusters under Pulumi mocks, read by the benchmark:
 * every dependency it recorded is a recorded resource, the clusters and the platform start side
 * by side, a kind batch waits only for the previous batch's creates, and with 6 clusters the
 * platform's first start (not the kind batches) is the long pole, followed by registration and smoke. If the program's wiring changes, these figures (and the ones in
 * docs/performance.md) change with it.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { ProgramRun } from "../../bench/program-scale";
import { analyseRun, type CriticalRow } from "../../bench/program-path";

let run: ProgramRun;
let row: CriticalRow;

beforeAll(async () => {
  // Installs the mocks itself before it imports the program.
  const { buildProgram } = await import("../../bench/program-run");
  run = await buildProgram(6);
  row = analyseRun(run, 40);
}, 60_000);

describe("the recorded program of 6 clusters, in the step model", () => {
  test("every component of the program is there, once per cluster where it should be", () => {
    const count = (type: string) => run.nodes.filter((x) => x.type === `lab:index:${type}`).length;
    expect([
      count("KindCluster"),
      count("ClusterRegistration"),
      count("SmokeSuite"),
      count("RbacSeeds"),
    ]).toEqual([6, 6, 6, 6]);
    expect([count("AccessPlatform"), count("AccessControl"), count("PlatformNetworkAttachment")]).toEqual([
      1, 1, 1,
    ]);
    expect(run.resources).toBe(run.nodes.length);
  });

  test("clusters and platform start side by side: neither waits for the other", () => {
    expect(row.sideBySide).toBe(true);
    expect(row.firstKindCreateStart).toBe(row.platformStart);
  });

  test("a kind batch waits for the previous batch's creates only, not their readiness checks", () => {
    const deps = run.nodes.find((x) => x.name === "cluster3-encryption-config")!.deps;
    expect(deps).toEqual(expect.arrayContaining(["cluster1-create", "cluster2-create"]));
    expect(deps.some((d) => d.endsWith("-ready"))).toBe(false);
    expect(deps.some((d) => d.startsWith("cluster4-") || d.startsWith("cluster5-"))).toBe(false);
  });

  test("critical path: 3 batches of (1 + 60) s creates then 20 s readiness end at 203 s, before the platform's 228 s", () => {
    expect(row).toMatchObject({
      kindBatches: 3,
      clustersReadyAt: 203,
      platformReadyAt: 228,
      tailSeconds: 48,
      criticalSeconds: 276,
    });
    expect(row.slowInSeries.map((s) => s.kind)).toEqual([
      "platform",
      "platform",
      "platform",
      "registration",
      "smoke",
    ]);
    // Per cluster: create, readiness, registration, smoke run; platform: mysql, redis, migrate, ready.
    expect(row.slowSteps).toBe(6 * 4 + 4);
  });
});
