/** runtime: containerd runs the pods — `crictl ps` on the pod's node lists the nginx container. */
import type { ExecResult } from "../adapter";
import { firstLine } from "../k8s-json";
import { pickReadyPod } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type Verdict } from "../types";

export interface RuntimeEvidence {
  node: string;
  pod: string;
  crictl: ExecResult;
}

/**
 * Rows of the `crictl ps` table, keyed by header. crictl pads columns with at least three
 * spaces (tabwriter), while values such as "About a minute ago" hold single spaces.
 */
export function parseCrictlPs(text: string): Record<string, string>[] {
  const lines = text.split("\n").filter((l) => l.trim());
  const headerAt = lines.findIndex((l) => /^CONTAINER\s{2,}/.test(l));
  if (headerAt < 0) return [];
  const header = lines[headerAt].trim().split(/\s{2,}/);
  return lines.slice(headerAt + 1).map((l) => {
    const cells = l.trim().split(/\s{2,}/);
    return Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ""]));
  });
}

export function verdict(e: RuntimeEvidence): Verdict {
  const base = { node: e.node, pod: e.pod };
  if (e.crictl.code !== 0) {
    return {
      status: "failed",
      message: `crictl ps on ${e.node} failed (exit ${e.crictl.code}): ${firstLine(e.crictl.stderr)}`,
      evidence: base,
    };
  }
  const rows = parseCrictlPs(e.crictl.stdout);
  const nginx = rows.filter((r) => r.NAME === TEST_OBJECTS.container);
  // Older crictl prints no POD column: then a running nginx container on that node is enough.
  const ours = nginx.find((r) => r.POD === undefined || r.POD === e.pod);
  const evidence = {
    ...base,
    containers: nginx.map((r) => `${r.CONTAINER} ${r.STATE} ${r.POD ?? ""}`.trim()),
  };
  if (ours && ours.STATE === "Running") {
    return {
      status: "passed",
      message: `crictl ps on ${e.node} lists container ${ours.NAME} ${ours.CONTAINER} (Running) of pod ${ours.POD ?? e.pod}`,
      evidence,
    };
  }
  return {
    status: "failed",
    message: ours
      ? `crictl ps on ${e.node} lists nginx of ${e.pod} as ${ours.STATE}, not Running`
      : `crictl ps on ${e.node} lists no nginx container of pod ${e.pod} (${rows.length} container(s) running)`,
    evidence,
  };
}

export const runtime = defineCheck<RuntimeEvidence>({
  id: "runtime",
  proves: "containerd runs the pods",
  needs: ["deployment"],
  diagnose: true,
  async probe(ctx) {
    const pod = await pickReadyPod(ctx);
    const node = pod.nodeName as string;
    const crictl = await ctx.adapter.dockerExec(node, ["crictl", "ps", "--name", TEST_OBJECTS.container], {
      signal: ctx.signal,
    });
    return { node, pod: pod.name, crictl };
  },
  verdict,
});
