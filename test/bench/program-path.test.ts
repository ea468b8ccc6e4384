/**
 * Reading a program-shaped graph: clusters and platform start side by side, and the critical
 * path is the later of (kind batches of creates, then the last readiness) and platform readiness, plus a
 * tail that does not grow with the cluster count. The graph is built here the way stacks/index.ts
 * wires the components (synthetic-program.ts; program-graph.test.ts checks the real program).
 */
import { describe, expect, test } from "vitest";
import { analyseRun } from "../../bench/program-path";
import { syntheticProgram } from "./synthetic-program";

// Per batch: encryption-config 1 + create 60; the last batch's readiness 20 once. Platform: mysql 20, tools 1, migrate 85,
// app 1, ready 120 = 227 after it starts at 0. Tail after the later one: see each case.
describe("analyseRun on a program-shaped graph", () => {
  test.each([
    // platform-bound: attach 1, kac 2, role 1, grant 1, nginx 1, run 40
    [2, 1, 81, 227, 46, 273],
    // kind-bound: the last provider, then token and attach side by side 1, kac 2, ... = 46
    [8, 4, 264, 227, 46, 310],
    [32, 16, 996, 227, 46, 1042],
  ])(
    "%i clusters: %i batches, clusters ready at %i, platform at %i, tail %i, critical %i",
    (count, batches, clustersReady, platformReady, tail, critical) => {
      const r = analyseRun(syntheticProgram(count), 40);
      expect(r).toMatchObject({
        clusters: count,
        kindBatches: batches,
        clustersReadyAt: clustersReady,
        platformReadyAt: platformReady,
        tailSeconds: tail,
        criticalSeconds: critical,
        sideBySide: true,
        firstKindCreateStart: 1,
        platformStart: 0,
      });
    },
  );

  test("the critical path grows only with the kind batches: 61 s per batch once kind is the longer side", () => {
    const at = (count: number) => analyseRun(syntheticProgram(count), 40).criticalSeconds;
    expect(at(32) - at(30)).toBe(61);
    expect(at(31)).toBe(at(32));
    expect(at(10) - at(8)).toBe(61);
  });

  test("slow steps in series: each batch's first create, the last readiness, then registration and smoke", () => {
    const r = analyseRun(syntheticProgram(4), 40);
    expect(r.slowInSeries.map((s) => `${s.name}:${s.kind}`)).toEqual([
      "querypie-mysql:platform",
      "querypie-migrate:platform",
      "querypie-ready:platform",
      "registration-c1-kac:registration",
      "smoke-c1-run:smoke",
    ]);
    expect(analyseRun(syntheticProgram(8), 40).slowInSeries.map((s) => s.name)).toEqual([
      "c1-create",
      "c3-create",
      "c5-create",
      "c7-create",
      "c7-ready",
      "registration-c1-kac",
      "smoke-c1-run",
    ]);
  });

  test("a platform step that waited for a cluster would be reported as not side by side", () => {
    const run = syntheticProgram(2);
    const mysql = run.nodes.find((x) => x.name === "querypie-mysql")!;
    mysql.deps = ["c1-ready"];
    expect(analyseRun(run, 40).sideBySide).toBe(false);
  });
});
