/**
 * pod-network: pod IPs are routable between nodes. From a node other than the pod's,
 * `docker exec <node> curl http://<podIP>/` must answer the nginx welcome page. Runs inside
 * the docker network, so it works the same on Linux and Docker Desktop.
 */
import type { ExecResult } from "../adapter";
import { firstLine } from "../k8s-json";
import { httpUrl, listNodes, pickReadyPod } from "../probe-util";
import { defineCheck, type Verdict } from "../types";

export const WELCOME = "Welcome to nginx!";

export interface PodNetworkEvidence {
  pod: string;
  podIP: string;
  podNode: string;
  /** Node the request came from; null when the cluster has no other node. */
  fromNode: string | null;
  curl: ExecResult | null;
}

export const curlBody = (url: string) => ["curl", "-sS", "--max-time", "10", url];

export function verdict(e: PodNetworkEvidence): Verdict {
  const evidence = { pod: e.pod, podIP: e.podIP, podNode: e.podNode, fromNode: e.fromNode };
  if (e.fromNode === null || e.curl === null) {
    return {
      status: "skipped",
      message: `the cluster has only ${e.podNode}; routing between nodes needs a second node`,
      evidence,
    };
  }
  const title = /<title>[^<]*<\/title>/.exec(e.curl.stdout)?.[0] ?? null;
  if (e.curl.code === 0 && e.curl.stdout.includes(WELCOME)) {
    return {
      status: "passed",
      message: `${e.fromNode} reached ${e.pod} on ${e.podNode} at ${e.podIP}: "${WELCOME}"`,
      evidence: { ...evidence, title },
    };
  }
  return {
    status: "failed",
    message:
      e.curl.code !== 0
        ? `${e.fromNode} could not reach ${e.podIP} (${e.pod} on ${e.podNode}): curl exit ${e.curl.code}, ${firstLine(e.curl.stderr)}`
        : `${e.fromNode} reached ${e.podIP} but the page is not nginx's welcome page (${title ?? "no title"})`,
    evidence: { ...evidence, title },
  };
}

export const podNetwork = defineCheck<PodNetworkEvidence>({
  id: "pod-network",
  proves: "pod IPs are routable between nodes",
  needs: ["scale"],
  diagnose: true,
  async probe(ctx) {
    const pod = await pickReadyPod(ctx);
    const other = (await listNodes(ctx)).map((n) => n.name).find((n) => n !== pod.nodeName);
    const base = { pod: pod.name, podIP: pod.podIP as string, podNode: pod.nodeName as string };
    if (!other) return { ...base, fromNode: null, curl: null };
    const curl = await ctx.adapter.dockerExec(other, curlBody(httpUrl(base.podIP)), { signal: ctx.signal });
    return { ...base, fromNode: other, curl };
  },
  verdict,
});
