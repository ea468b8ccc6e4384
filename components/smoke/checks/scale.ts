/** scale: scaling works — the deployment has its 2 replicas ready. */
import type { ExecResult } from "../adapter";
import { isNotFound, parseDeployment } from "../k8s-json";
import { pollUntil } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type Verdict } from "../types";
import { readDeployment, unreadable } from "./deployment";

export interface ScaleEvidence {
  get: ExecResult;
}

const enough = (r: ExecResult) =>
  r.code === 0 ? parseDeployment(r.stdout).readyReplicas >= TEST_OBJECTS.replicas : isNotFound(r.stderr);

export function verdict(e: ScaleEvidence): Verdict {
  const bad = unreadable(e.get);
  if (bad) return bad;
  const d = parseDeployment(e.get.stdout);
  const evidence = {
    replicas: d.specReplicas,
    readyReplicas: d.readyReplicas,
    wanted: TEST_OBJECTS.replicas,
  };
  if (d.specReplicas < TEST_OBJECTS.replicas) {
    return {
      status: "failed",
      message: `deployment ${d.name} asks for ${d.specReplicas} replica(s), not ${TEST_OBJECTS.replicas}: it was changed outside pulumi`,
      evidence,
    };
  }
  if (d.readyReplicas >= TEST_OBJECTS.replicas) {
    return { status: "passed", message: `${d.readyReplicas}/${d.specReplicas} replicas ready`, evidence };
  }
  return {
    status: "failed",
    message: `only ${d.readyReplicas}/${d.specReplicas} replicas ready`,
    evidence,
  };
}

export const scale = defineCheck<ScaleEvidence>({
  id: "scale",
  proves: "scaling works",
  needs: ["deployment"],
  diagnose: true,
  async probe(ctx) {
    return { get: await pollUntil(ctx, () => readDeployment(ctx), enough) };
  },
  verdict,
});
