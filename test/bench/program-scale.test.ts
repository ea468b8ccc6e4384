/** Per-cluster figures from several program builds, and reading the worker's output. */
import { describe, expect, test } from "vitest";
import {
  fastestRun,
  parseWorkerOutput,
  providerName,
  scaleRows,
  type ProgramRun,
} from "../../bench/program-scale";

const run = (
  clusters: number,
  resources: number,
  buildMs: number,
  extra: Partial<ProgramRun> = {},
): ProgramRun => ({
  clusters,
  resources,
  loadMs: 500,
  buildMs,
  cpuMs: buildMs / 2,
  peakRssMb: 200,
  nodes: Array.from({ length: resources }, (_, i) => ({ name: `r${i}`, type: "t", deps: [] })),
  ...extra,
});

describe("scaleRows", () => {
  test("per cluster and added per cluster, sorted by size", () => {
    expect(scaleRows([run(8, 298, 4000), run(2, 94, 3000)])).toEqual([
      {
        clusters: 2,
        resources: 94,
        resourcesPerCluster: 47,
        buildMs: 3000,
        msPerCluster: 1500,
        cpuMs: 1500,
        cpuMsPerCluster: 750,
        loadMs: 500,
        peakRssMb: 200,
      },
      {
        clusters: 8,
        resources: 298,
        resourcesPerCluster: 37.3,
        addedPerCluster: 34,
        buildMs: 4000,
        msPerCluster: 500,
        cpuMs: 2000,
        cpuMsPerCluster: 250,
        addedCpuMsPerCluster: 83.3,
        loadMs: 500,
        peakRssMb: 200,
      },
    ]);
  });
});

describe("fastestRun", () => {
  test("keeps the fastest build, the lowest CPU and load times and the highest peak RSS", () => {
    const best = fastestRun([
      run(2, 3, 900, { loadMs: 400, peakRssMb: 250, cpuMs: 300 }),
      run(2, 3, 700, { loadMs: 600, peakRssMb: 240, cpuMs: 350 }),
    ]);
    expect([best.buildMs, best.cpuMs, best.loadMs, best.peakRssMb]).toEqual([700, 300, 400, 250]);
  });

  test("refuses no runs", () => {
    expect(() => fastestRun([])).toThrow("fastestRun: no runs");
  });
});

describe("parseWorkerOutput", () => {
  test("finds the result line among other output", () => {
    const r = run(2, 2, 10);
    expect(parseWorkerOutput(`warning: x\nBENCH_RESULT ${JSON.stringify(r)}\n`, 2)).toEqual(r);
  });

  test("says what to run when there is no result line", () => {
    expect(() => parseWorkerOutput("boom\n", 8)).toThrow(
      "the program worker for 8 clusters printed no BENCH_RESULT line; run `npx tsx bench/program-worker.ts 8` to see why",
    );
  });

  test("refuses a result for another size or with a node count that does not match", () => {
    expect(() => parseWorkerOutput(`BENCH_RESULT ${JSON.stringify(run(2, 2, 1))}`, 8)).toThrow(
      "the program worker for 8 clusters printed an inconsistent result",
    );
    const bad = { ...run(2, 2, 1), resources: 5 };
    expect(() => parseWorkerOutput(`BENCH_RESULT ${JSON.stringify(bad)}`, 2)).toThrow("inconsistent");
  });
});

test.each([
  [
    "urn:pulumi:bench::kind-access-lab::lab:index:KindCluster$pulumi:providers:kubernetes::cluster1-provider::abc-id",
    "cluster1-provider",
  ],
  ["", undefined],
  [undefined, undefined],
])("providerName(%s) = %s", (ref, name) => {
  expect(providerName(ref)).toBe(name);
});
