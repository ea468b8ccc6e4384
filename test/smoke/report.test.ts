import { XMLParser } from "fast-xml-parser";
import { describe, expect, test } from "vitest";
import { clean, renderJUnit, renderMarkdown, renderTable } from "../../components/smoke/report";
import type { CheckResult, SmokeReport } from "../../components/smoke/types";

const check = (
  id: CheckResult["id"],
  status: CheckResult["status"],
  durationMs: number,
  message = "ok",
): CheckResult => ({
  id,
  status,
  durationMs,
  message,
  evidence: {},
});

const REPORT: SmokeReport = {
  smokePassed: false,
  clusters: [
    {
      cluster: "cluster1",
      passed: 3,
      failed: 0,
      errors: 0,
      skipped: 1,
      durationMs: 4210,
      checks: [
        check("encryption-at-rest", "passed", 812),
        check("deployment", "passed", 3050),
        check("nodeport", "passed", 640),
        check("platform-access", "skipped", 0, "the access platform is off"),
      ],
    },
    {
      cluster: "cluster2",
      passed: 1,
      failed: 1,
      errors: 1,
      skipped: 1,
      durationMs: 5120,
      checks: [
        check(
          "encryption-at-rest",
          "failed",
          790,
          'the value is stored unencrypted (starts "k8s", contains "mydata")',
        ),
        check("deployment", "passed", 2980),
        {
          ...check("nodeport", "error", 5000, "did not finish within 5.0 s"),
          diagnostics: [
            "pod nginx-abc on cluster2-worker: Running, ready 1/1",
            'event Warning Unhealthy pod/nginx-abc: <probe> & "quotes" | pipes',
          ],
        },
        check("platform-access", "skipped", 0, "the access platform is off"),
      ],
    },
  ],
};

describe("terminal table", () => {
  test("one row per check, one column per cluster, then what did not pass with diagnostics", () => {
    expect(renderTable(REPORT)).toBe(
      [
        "Smoke suite FAILED: 2 cluster(s), 8 checks: 4 passed, 1 failed, 1 errors, 2 skipped",
        "",
        "check                cluster1          cluster2",
        "------------------   ---------------   ---------------",
        "encryption-at-rest   passed    0.8 s   failed    0.8 s",
        "deployment           passed    3.0 s   passed    3.0 s",
        "nodeport             passed    0.6 s   error     5.0 s",
        "platform-access      skipped   0.0 s   skipped   0.0 s",
        "total                3/4   4.2 s       1/4   5.1 s",
        "",
        "Not passed:",
        "  cluster1 platform-access skipped: the access platform is off",
        '  cluster2 encryption-at-rest failed: the value is stored unencrypted (starts "k8s", contains "mydata")',
        "  cluster2 nodeport error: did not finish within 5.0 s",
        "      pod nginx-abc on cluster2-worker: Running, ready 1/1",
        '      event Warning Unhealthy pod/nginx-abc: <probe> & "quotes" | pipes',
        "  cluster2 platform-access skipped: the access platform is off",
        "",
      ].join("\n"),
    );
  });
});

describe("JUnit XML", () => {
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseAttributeValue: true,
    isArray: (name) => ["testsuite", "testcase"].includes(name),
  }).parse(renderJUnit(REPORT, "2026-11-28T15:00:00.000Z"));

  test("parses back with the right totals", () => {
    expect(parsed.testsuites).toMatchObject({
      name: "kind-access-lab smoke",
      tests: 8,
      failures: 1,
      errors: 1,
      skipped: 2,
      time: 5.12,
    });
  });

  test("one testsuite per cluster with its own counts", () => {
    expect(
      parsed.testsuites.testsuite.map((s: Record<string, unknown>) => [
        s.name,
        s.tests,
        s.failures,
        s.errors,
        s.skipped,
        s.time,
      ]),
    ).toEqual([
      ["cluster1", 4, 0, 0, 1, 4.21],
      ["cluster2", 4, 1, 1, 1, 5.12],
    ]);
  });

  test("failures, errors and skips carry their messages; details keep special characters intact", () => {
    const [, c2] = parsed.testsuites.testsuite;
    const byName = Object.fromEntries(c2.testcase.map((t: { name: string }) => [t.name, t]));
    expect(byName["encryption-at-rest"].failure).toMatchObject({
      type: "failed",
      message: 'the value is stored unencrypted (starts "k8s", contains "mydata")',
    });
    expect(byName.nodeport.error.message).toBe("did not finish within 5.0 s");
    expect(byName.nodeport.error["#text"]).toContain(
      'event Warning Unhealthy pod/nginx-abc: <probe> & "quotes" | pipes',
    );
    expect(byName["platform-access"].skipped.message).toBe("the access platform is off");
    expect(byName.deployment).toMatchObject({ classname: "smoke.cluster2", time: 2.98 });
    expect(byName.deployment.failure).toBeUndefined();
  });

  test("control characters (ANSI colours, NUL) never reach the XML", () => {
    expect(clean("\x1b[31mred\x1b[0m\x00 ok\n")).toBe("red ok\n");
  });
});

describe("Markdown summary", () => {
  const md = renderMarkdown(REPORT);

  test("the table has one row per check and cells that match the results", () => {
    const rows = md.split("\n").filter((l) => l.startsWith("| "));
    expect(rows).toEqual([
      "| check | cluster1 | cluster2 |",
      "| encryption-at-rest | ✅ passed 0.8 s | ❌ failed 0.8 s |",
      "| deployment | ✅ passed 3.0 s | ✅ passed 3.0 s |",
      "| nodeport | ✅ passed 0.6 s | ⚠️ error 5.0 s |",
      "| platform-access | ⏭️ skipped 0.0 s | ⏭️ skipped 0.0 s |",
    ]);
  });

  test("the heading gives the verdict and the not-passed list escapes pipes", () => {
    expect(md.split("\n")[0]).toBe(
      "### ❌ Smoke suite FAILED: 2 cluster(s), 8 checks: 4 passed, 1 failed, 1 errors, 2 skipped",
    );
    expect(md).toContain("- **cluster2 / nodeport** (error): did not finish within 5.0 s");
    expect(md).toContain("<details><summary>diagnostics</summary>");
  });
});
