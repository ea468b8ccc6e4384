/** spread: the 2 replicas run on 2 different nodes (the Deployment tolerates the control-plane taint). */
import { parseNodes, parsePods, readyPods } from "../k8s-json";
import { nginxPodsJson, nodesJson } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type Verdict } from "../types";

export interface SpreadEvidence {
  /** `kubectl get pods -l app=nginx -o json` */
  pods: string;
  /** `kubectl get nodes -o json` */
  nodes: string;
}

export function verdict(e: SpreadEvidence): Verdict {
  const ready = readyPods(parsePods(e.pods));
  const nodes = parseNodes(e.nodes);
  const used = [...new Set(ready.map((p) => p.nodeName as string))].sort();
  const evidence = {
    pods: ready.map((p) => `${p.name}@${p.nodeName}`),
    nodesUsed: used,
    clusterNodes: nodes.length,
  };
  if (used.length >= TEST_OBJECTS.replicas) {
    return {
      status: "passed",
      message: `${ready.length} replicas on ${used.length} nodes: ${used.join(", ")}`,
      evidence,
    };
  }
  if (nodes.length < TEST_OBJECTS.replicas) {
    return {
      status: "failed",
      message: `the cluster has ${nodes.length} node(s); spreading ${TEST_OBJECTS.replicas} replicas needs ${TEST_OBJECTS.replicas}`,
      evidence,
    };
  }
  const tainted = nodes.filter((n) => n.taints.some((t) => t.endsWith(":NoSchedule"))).map((n) => n.name);
  return {
    status: "failed",
    message:
      `${ready.length} ready replica(s) on ${used.length} node(s) (${used.join(", ") || "none"})` +
      (tainted.length ? `; NoSchedule taints on ${tainted.join(", ")}` : ""),
    evidence,
  };
}

export const spread = defineCheck<SpreadEvidence>({
  id: "spread",
  proves: "pods run on both nodes",
  needs: ["scale"],
  diagnose: true,
  async probe(ctx) {
    const [pods, nodes] = await Promise.all([nginxPodsJson(ctx), nodesJson(ctx)]);
    return { pods, nodes };
  },
  verdict,
});
