/**
 * Reads the JSON the smoke script prints (`--json`) back into a typed result, and fails with
 * a clear message when the text is not that JSON: a runner crash must fail `pulumi up`,
 * never pass as an empty result.
 */
import { z } from "zod";
import { SMOKE_CHECK_IDS } from "../config/smoke";
import type { ClusterSmokeResult, SmokeReport } from "./types";

const evidenceValue = z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]);

const checkResult = z.object({
  id: z.enum(SMOKE_CHECK_IDS),
  status: z.enum(["passed", "failed", "skipped", "error"]),
  durationMs: z.number(),
  message: z.string(),
  evidence: z.record(z.string(), evidenceValue),
  diagnostics: z.array(z.string()).optional(),
});

const clusterResult = z.object({
  cluster: z.string(),
  passed: z.number(),
  failed: z.number(),
  errors: z.number(),
  skipped: z.number(),
  durationMs: z.number(),
  checks: z.array(checkResult),
});

const report = z.object({ smokePassed: z.boolean(), clusters: z.array(clusterResult) });

/** The one cluster's result from the script's stdout, or an Error saying what came instead. */
export function parseClusterResult(stdout: string, cluster: string): ClusterSmokeResult {
  const last = stdout.trim().split("\n").at(-1) ?? "";
  let parsed: SmokeReport;
  try {
    parsed = report.parse(JSON.parse(last)) as SmokeReport;
  } catch (e) {
    throw new Error(
      `the smoke run for ${cluster} printed no report (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); ` +
        `run \`npm run smoke -- --cluster ${cluster} --kubeconfig <file>\` to see why`,
    );
  }
  const found = parsed.clusters.find((c) => c.cluster === cluster);
  if (!found) throw new Error(`the smoke report has no result for cluster ${cluster}`);
  return found;
}
