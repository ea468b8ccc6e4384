/** deployment: the scheduler and kubelets run pods — deployment `nginx` becomes Available. */
import type { ExecResult } from "../adapter";
import { conditionText, firstLine, isNotFound, parseDeployment } from "../k8s-json";
import { kubectl, pollUntil } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type ProbeContext, type Verdict } from "../types";

export interface DeploymentEvidence {
  /** The last `kubectl get deployment nginx -o json`. */
  get: ExecResult;
}

const available = (r: ExecResult) =>
  r.code === 0 &&
  parseDeployment(r.stdout).conditions.some((c) => c.type === "Available" && c.status === "True");

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
    return { get: await pollUntil(ctx, () => readDeployment(ctx), available) };
  },
  verdict,
});
