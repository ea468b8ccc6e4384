/**
 * Three views of one SmokeReport, all pure: a terminal table (check by cluster), JUnit XML
 * for CI (one testsuite per cluster) and a Markdown summary for CI step summaries.
 */
import { XMLBuilder } from "fast-xml-parser";
import type { CheckResult, CheckStatus, ClusterSmokeResult, SmokeReport } from "./types";

export function formatDuration(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Drops control characters XML 1.0 and terminals cannot take (ANSI colours, NUL); keeps tab and newline. */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, "");
}

function checkIds(report: SmokeReport): string[] {
  const ids: string[] = [];
  for (const c of report.clusters) for (const r of c.checks) if (!ids.includes(r.id)) ids.push(r.id);
  return ids;
}

function totals(report: SmokeReport) {
  const sum = (k: "passed" | "failed" | "errors" | "skipped") =>
    report.clusters.reduce((n, c) => n + c[k], 0);
  return {
    tests: report.clusters.reduce((n, c) => n + c.checks.length, 0),
    passed: sum("passed"),
    failed: sum("failed"),
    errors: sum("errors"),
    skipped: sum("skipped"),
  };
}

export function headline(report: SmokeReport): string {
  const t = totals(report);
  return (
    `Smoke suite ${report.smokePassed ? "PASSED" : "FAILED"}: ${report.clusters.length} cluster(s), ` +
    `${t.tests} checks: ${t.passed} passed, ${t.failed} failed, ${t.errors} errors, ${t.skipped} skipped`
  );
}

const find = (c: ClusterSmokeResult, id: string) => c.checks.find((r) => r.id === id);

// ---------------------------------------------------------------- terminal table

export function renderTable(report: SmokeReport): string {
  const ids = checkIds(report);
  const cell = (r: CheckResult | undefined) =>
    r ? `${r.status.padEnd(7)} ${formatDuration(r.durationMs).padStart(7)}` : "-";
  const rows = [
    ["check", ...report.clusters.map((c) => c.cluster)],
    ...ids.map((id) => [id, ...report.clusters.map((c) => cell(find(c, id)))]),
    [
      "total",
      ...report.clusters.map(
        (c) => `${c.passed}/${c.checks.length} ${formatDuration(c.durationMs).padStart(7)}`,
      ),
    ],
  ];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r
      .map((v, i) => v.padEnd(widths[i]))
      .join("   ")
      .trimEnd();
  const out = [
    headline(report),
    "",
    line(rows[0]),
    widths.map((w) => "-".repeat(w)).join("   "),
    ...rows.slice(1).map(line),
  ];

  const notPassed = report.clusters.flatMap((c) =>
    c.checks.filter((r) => r.status !== "passed").map((r) => ({ cluster: c.cluster, r })),
  );
  if (notPassed.length) {
    out.push("", "Not passed:");
    for (const { cluster, r } of notPassed) {
      out.push(`  ${cluster} ${r.id} ${r.status}: ${clean(r.message)}`);
      for (const d of r.diagnostics ?? []) out.push(`      ${clean(d)}`);
    }
  }
  return out.join("\n") + "\n";
}

// ---------------------------------------------------------------- JUnit XML

const seconds = (ms: number) => (ms / 1000).toFixed(3);

function details(r: CheckResult): string {
  const parts = [clean(r.message), `evidence: ${clean(JSON.stringify(r.evidence))}`];
  if (r.diagnostics?.length) parts.push("diagnostics:", ...r.diagnostics.map((d) => `  ${clean(d)}`));
  return parts.join("\n");
}

const OUTCOME_ELEMENT: Record<Exclude<CheckStatus, "passed">, string> = {
  failed: "failure",
  error: "error",
  skipped: "skipped",
};

function testcase(cluster: string, r: CheckResult): Record<string, unknown> {
  const tc: Record<string, unknown> = {
    "@_name": r.id,
    "@_classname": `smoke.${cluster}`,
    "@_time": seconds(r.durationMs),
  };
  if (r.status === "passed") {
    tc["system-out"] = details(r);
  } else if (r.status === "skipped") {
    tc.skipped = { "@_message": clean(r.message) };
  } else {
    tc[OUTCOME_ELEMENT[r.status]] = {
      "@_message": clean(r.message),
      "@_type": r.status,
      "#text": details(r),
    };
  }
  return tc;
}

export function renderJUnit(report: SmokeReport, timestamp = new Date().toISOString()): string {
  const t = totals(report);
  const doc = {
    "?xml": { "@_version": "1.0", "@_encoding": "UTF-8" },
    testsuites: {
      "@_name": "kind-access-lab smoke",
      "@_tests": t.tests,
      "@_failures": t.failed,
      "@_errors": t.errors,
      "@_skipped": t.skipped,
      "@_time": seconds(Math.max(0, ...report.clusters.map((c) => c.durationMs))),
      testsuite: report.clusters.map((c) => ({
        "@_name": c.cluster,
        "@_tests": c.checks.length,
        "@_failures": c.failed,
        "@_errors": c.errors,
        "@_skipped": c.skipped,
        "@_time": seconds(c.durationMs),
        "@_timestamp": timestamp,
        testcase: c.checks.map((r) => testcase(c.cluster, r)),
      })),
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    format: true,
    suppressEmptyNode: true,
  });
  return builder.build(doc) as string;
}

// ---------------------------------------------------------------- Markdown

const ICON: Record<CheckStatus, string> = { passed: "✅", failed: "❌", error: "⚠️", skipped: "⏭️" };

const md = (text: string) => clean(text).replace(/\|/g, "\\|").replace(/\n/g, " ");

export function renderMarkdown(report: SmokeReport): string {
  const ids = checkIds(report);
  const out = [
    `### ${report.smokePassed ? "✅" : "❌"} ${headline(report)}`,
    "",
    `| check | ${report.clusters.map((c) => md(c.cluster)).join(" | ")} |`,
    `|---|${report.clusters.map(() => "---").join("|")}|`,
    ...ids.map(
      (id) =>
        `| ${id} | ${report.clusters
          .map((c) => {
            const r = find(c, id);
            return r ? `${ICON[r.status]} ${r.status} ${formatDuration(r.durationMs)}` : "-";
          })
          .join(" | ")} |`,
    ),
  ];
  const notPassed = report.clusters.flatMap((c) =>
    c.checks.filter((r) => r.status !== "passed").map((r) => ({ cluster: c.cluster, r })),
  );
  if (notPassed.length) {
    out.push("", "#### Not passed", "");
    for (const { cluster, r } of notPassed) {
      out.push(`- **${md(cluster)} / ${r.id}** (${r.status}): ${md(r.message)}`);
      if (r.diagnostics?.length) {
        out.push("  <details><summary>diagnostics</summary>", "", "  ```");
        out.push(...r.diagnostics.map((d) => `  ${clean(d)}`));
        out.push("  ```", "  </details>");
      }
    }
  }
  return out.join("\n") + "\n";
}
