/** exec: `kubectl exec <pod> -- nginx -v` reports `nginx version: nginx/<v>` (nginx prints it on stderr). */
import type { ExecResult } from "../adapter";
import { firstLine } from "../k8s-json";
import { kubectl, pickReadyPod } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type Verdict } from "../types";

const VERSION = /nginx version: nginx\/(\S+)/;

export interface ExecEvidence {
  pod: string;
  exec: ExecResult;
}

export function verdict(e: ExecEvidence): Verdict {
  const onStderr = VERSION.exec(e.exec.stderr);
  const match = onStderr ?? VERSION.exec(e.exec.stdout);
  const evidence = { pod: e.pod, exitCode: e.exec.code };
  if (e.exec.code === 0 && match) {
    return {
      status: "passed",
      message: `nginx -v in ${e.pod} reported nginx/${match[1]} on ${onStderr ? "stderr" : "stdout"}`,
      evidence: { ...evidence, version: match[1] },
    };
  }
  return {
    status: "failed",
    message: `nginx -v in ${e.pod} ${e.exec.code !== 0 ? `failed (exit ${e.exec.code})` : "printed no version"}: ${firstLine(e.exec.stderr || e.exec.stdout)}`,
    evidence,
  };
}

export const exec = defineCheck<ExecEvidence>({
  id: "exec",
  proves: "exec works",
  needs: ["deployment"],
  diagnose: true,
  async probe(ctx) {
    const pod = await pickReadyPod(ctx);
    const r = await kubectl(ctx, [
      "exec",
      pod.name,
      "-n",
      TEST_OBJECTS.namespace,
      "-c",
      TEST_OBJECTS.container,
      "--",
      "nginx",
      "-v",
    ]);
    return { pod: pod.name, exec: r };
  },
  verdict,
});
