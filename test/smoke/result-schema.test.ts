import { describe, expect, test } from "vitest";
import { parseClusterResult } from "../../components/smoke/result-schema";
import { shellQuote, smokeCommandLine, smokeInputsHash } from "../../components/smoke/smoke-suite";
import { SMOKE_DEFAULTS } from "../../components/config/smoke";

const result = {
  cluster: "cluster1",
  passed: 1,
  failed: 0,
  errors: 0,
  skipped: 0,
  durationMs: 10,
  checks: [{ id: "exec", status: "passed", durationMs: 10, message: "ok", evidence: { version: "1.30.4" } }],
};

describe("reading the script's JSON back (the component's output)", () => {
  test("the cluster's result is taken from the last stdout line", () => {
    expect(
      parseClusterResult(`noise\n${JSON.stringify({ smokePassed: true, clusters: [result] })}\n`, "cluster1"),
    ).toEqual(result);
  });

  test.each([
    ["", "the smoke run for cluster1 printed no report (Unexpected end of JSON input)"],
    ['{"smokePassed":true}', "the smoke run for cluster1 printed no report ("],
    [
      JSON.stringify({
        smokePassed: true,
        clusters: [{ ...result, checks: [{ ...result.checks[0], id: "nope" }] }],
      }),
      "the smoke run for cluster1 printed no report (",
    ],
  ])("%j is an infrastructure error that fails up with a next step", (stdout, start) => {
    expect(() => parseClusterResult(stdout, "cluster1")).toThrow(start);
    expect(() => parseClusterResult(stdout, "cluster1")).toThrow(
      "run `npm run smoke -- --cluster cluster1 --kubeconfig <file>` to see why",
    );
  });

  test("a report for another cluster is refused", () => {
    expect(() =>
      parseClusterResult(JSON.stringify({ smokePassed: true, clusters: [result] }), "cluster2"),
    ).toThrow("the smoke report has no result for cluster cluster2");
  });
});

describe("the component's command line", () => {
  test.each([
    ["cluster1", "cluster1"],
    ["it's off", `'it'\\''s off'`],
    ["a b", "'a b'"],
  ])("%s is quoted as %s", (word, quoted) => {
    expect(shellQuote(word)).toBe(quoted);
  });

  test("the hash changes with what the suite would check, not otherwise", () => {
    const c = { name: "c", kindName: "c" } as never;
    expect(smokeInputsHash(c, SMOKE_DEFAULTS)).toBe(smokeInputsHash(c, { ...SMOKE_DEFAULTS }));
    expect(smokeInputsHash(c, SMOKE_DEFAULTS)).not.toBe(
      smokeInputsHash(c, { ...SMOKE_DEFAULTS, nginxImage: "nginx:1.29.4" }),
    );
  });

  test("skips and the platform skip reason reach the script", () => {
    expect(
      smokeCommandLine({
        kindName: "alice-cluster1",
        smoke: { ...SMOKE_DEFAULTS, skip: ["nodeport", "exec"] },
        platformSkipReason: "the access platform is off",
      }),
    ).toBe(
      "./node_modules/.bin/tsx scripts/smoke.ts --cluster alice-cluster1 --kubeconfig-env LAB_SMOKE_KUBECONFIG --json --no-fail " +
        "--check-timeout 120 --suite-timeout 600 --skip nodeport,exec --platform-skip-reason 'the access platform is off'",
    );
  });
});
