/** What the bench prints and writes, from measurements given to it (no measuring here). */
import { describe, expect, test } from "vitest";
import type { ApiCostRow, PhaseCost } from "../../bench/api-cost";
import { buildResults, renderResults, shortChain } from "../../bench/report";
import type { SmokeBench } from "../../bench/smoke-bench";
import { syntheticProgram } from "./synthetic-program";

const phase = (reads: number, writes: number): PhaseCost => ({
  reads,
  writes,
  total: reads + writes,
  perObject: 1,
  did: { created: 0, updated: 0, replaced: 0, deleted: 0, unchanged: 0 },
});
const apiRow = (clusters: number): ApiCostRow => ({
  clusters,
  objects: 5 * clusters + 4,
  first: phase(12, 17),
  noChange: phase(11, 0),
  oneChange: phase(11, 1),
});
const smoke: SmokeBench = {
  scale: 0.01,
  checks: 11,
  parallelMs: 390,
  serialMs: 570,
  ratio: 0.68,
  modelParallelMs: 380,
  modelSerialMs: 560,
  allPassed: true,
  clustersAtOnce: [{ clusters: 2, wallMs: 385 }],
};

function results() {
  return buildResults({
    runs: [syntheticProgram(8), syntheticProgram(2)],
    apiCost: [apiRow(2), apiRow(8)],
    smoke,
    host: { cpus: 2, node: "v20", platform: "linux x64" },
    now: new Date("2026-01-02T03:04:05Z"),
  });
}

describe("buildResults", () => {
  test("one critical-path row per size, smallest first, with the seed baseline and the ratio to it", () => {
    const r = results();
    expect(r.criticalPath.map((p) => p.clusters)).toEqual([2, 8]);
    for (const p of r.criticalPath) {
      expect(p.ratioToBaseline).toBe(Math.round((p.criticalSeconds / p.baselineSeconds) * 100) / 100);
      expect(p.baselineSeconds).toBeGreaterThan(p.criticalSeconds);
      expect(p.slowChain).toHaveLength(p.slowInSeries);
    }
    expect(r.baseline.clusters).toBe(2);
    expect(r.generatedAt).toBe("2026-01-02T03:04:05.000Z");
    expect(r.model.smokeRunSeconds).toBe(40);
  });

  test("results.json carries no recorded graph, only figures", () => {
    expect(JSON.stringify(results())).not.toContain('"deps"');
  });
});

describe("renderResults", () => {
  test("prints the five parts, the reads/writes and the smoke ratio", () => {
    const text = renderResults(results());
    for (const heading of [
      "1. Program scale",
      "2. Critical path",
      "3. API cost",
      "4. Smoke runner",
      "5. Side by side with the seed procedure",
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toContain("12/17 (1)");
    expect(text).toContain("parallel / serial = 0.68");
    expect(text).not.toContain("NOT");
  });
});

test("shortChain keeps a short chain and cuts a long one to its ends", () => {
  const chain = Array.from({ length: 14 }, (_, i) => `s${i}`);
  expect(shortChain(chain.slice(0, 12))).toEqual(chain.slice(0, 12));
  expect(shortChain(chain)).toEqual(["s0", "s1", "s2", "s3", "(6 more)", "s10", "s11", "s12", "s13"]);
});
