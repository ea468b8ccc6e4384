/** logs: the API server reads container logs — they hold the port-forward request's access-log line. */
import type { ExecResult } from "../adapter";
import { firstLine } from "../k8s-json";
import { kubectl, pollUntil } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type Verdict } from "../types";
import type { PortForwardEvidence } from "./port-forward";

export const TAIL_LINES = 500;

export interface LogsEvidence {
  pod: string;
  /** User-Agent the port-forward request carried. */
  marker: string;
  logs: ExecResult;
}

/** The access-log line of `HEAD /` sent with this User-Agent, if any. */
export function findRequestLine(logs: string, marker: string): string | undefined {
  return logs.split("\n").find((l) => l.includes('"HEAD / HTTP/1.1"') && l.includes(`"${marker}"`));
}

export function verdict(e: LogsEvidence): Verdict {
  const base = { pod: e.pod, marker: e.marker };
  if (e.logs.code !== 0) {
    return {
      status: "failed",
      message: `kubectl logs ${e.pod} failed (exit ${e.logs.code}): ${firstLine(e.logs.stderr)}`,
      evidence: base,
    };
  }
  const line = findRequestLine(e.logs.stdout, e.marker);
  if (line) {
    return {
      status: "passed",
      message: `the logs of ${e.pod} hold the request: ${line.trim()}`,
      evidence: { ...base, line: line.trim() },
    };
  }
  return {
    status: "failed",
    message: `the last ${TAIL_LINES} log lines of ${e.pod} have no "HEAD / HTTP/1.1" line from ${e.marker}`,
    evidence: { ...base, lines: e.logs.stdout.split("\n").filter(Boolean).length },
  };
}

export const logs = defineCheck<LogsEvidence>({
  id: "logs",
  proves: "the API server reads container logs",
  needs: ["port-forward"],
  diagnose: true,
  async probe(ctx) {
    const fwd = ctx.upstream<PortForwardEvidence>("port-forward");
    if (!fwd) throw new Error("the port-forward evidence is missing");
    const read = () =>
      kubectl(ctx, [
        "logs",
        fwd.pod,
        "-n",
        TEST_OBJECTS.namespace,
        "-c",
        TEST_OBJECTS.container,
        `--tail=${TAIL_LINES}`,
      ]);
    // The kubelet may lag a moment behind nginx's write: re-read briefly, not for the whole bound.
    const got = await pollUntil(
      ctx,
      read,
      (r) => r.code === 0 && findRequestLine(r.stdout, fwd.marker) !== undefined,
      { intervalMs: 1000, maxWaitMs: 15_000 },
    );
    return { pod: fwd.pod, marker: fwd.marker, logs: got };
  },
  verdict,
});
