/**
 * deployment: the scheduler and kubelets run pods — deployment `nginx` becomes Available with
 * its current spec rolled out (as `kubectl rollout status` waits for), so later checks never
 * look at a pod of an older image.
 */
import type { ExecResult } from "../adapter";
import { conditionText, firstLine, isNotFound, parseDeployment, rolloutComplete } from "../k8s-json";
import { kubectl, pollUntil } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type ProbeContext, type Verdict } from "../types";

export interface DeploymentEvidence {
  /** The last `kubectl get deployment nginx -o json`. */
  get: ExecResult;
}

const isAvailable = (r: ExecResult) => {
  const d = parseDeployment(r.stdout);
  return d.conditions.some((c) => c.type === "Available" && c.status === "True") && rolloutComplete(d);
};
/** Stop polling once it is available, or when it does not exist at all (waiting will not help). */
const settled = (r: ExecResult) => (r.code === 0 ? isAvailable(r) : isNotFound(r.stderr));

export function readDeployment(ctx: ProbeContext): Promise<ExecResult> {
  return kubectl(ctx, [
    "get",
    "deployment",
    TEST_OBJECTS.deployment,
    "-n",
    TEST_OBJECTS.namespace,
    "-o",
    "json",
  ]);
}

/** Shared by deployment and scale: a missing object or a kubectl failure, or undefined when readable. */
export function unreadable(get: ExecResult): Verdict | undefined {
  if (get.code === 0) return undefined;
  if (isNotFound(get.stderr)) {
    return {
      status: "failed",
      message: `deployment ${TEST_OBJECTS.deployment} does not exist in namespace ${TEST_OBJECTS.namespace} (pulumi up declares it)`,
      evidence: { found: false },
    };
  }
  return {
    status: "error",
    message: `kubectl get deployment failed (exit ${get.code}): ${firstLine(get.stderr)}`,
    evidence: {},
  };
}

export function verdict(e: DeploymentEvidence): Verdict {
  const bad = unreadable(e.get);
  if (bad) return bad;
  const d = parseDeployment(e.get.stdout);
  const cond = d.conditions.find((c) => c.type === "Available");
  const evidence = {
    image: d.image ?? null,
    replicas: d.specReplicas,
    readyReplicas: d.readyReplicas,
    available: conditionText(cond),
  };
  if (cond?.status === "True" && !rolloutComplete(d)) {
    return {
      status: "failed",
      message: `deployment ${d.name} is available but its rollout is not complete: ${d.updatedReplicas}/${d.specReplicas} updated, ${d.replicas} pods in all`,
      evidence,
    };
  }
  if (cond?.status === "True") {
    return {
      status: "passed",
      message: `deployment ${d.name} is available (${d.readyReplicas}/${d.specReplicas} ready, ${d.image})`,
      evidence,
    };
  }
  const progressing = d.conditions.find((c) => c.type === "Progressing");
  return {
    status: "failed",
    message: `deployment ${d.name} is not available: ${conditionText(cond)}; ${conditionText(progressing)}`,
    evidence,
  };
}

export const deployment = defineCheck<DeploymentEvidence>({
  id: "deployment",
  proves: "the scheduler and kubelets run pods",
  needs: [],
  diagnose: true,
  async probe(ctx) {
    return { get: await pollUntil(ctx, () => readDeployment(ctx), settled) };
  },
  verdict,
});
