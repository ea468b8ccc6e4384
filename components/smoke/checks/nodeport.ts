/**
 * nodeport: kube-proxy routes NodePorts. Service `nginx` must answer 200 on every node's
 * InternalIP. The requests run in a node container (`docker exec <node> curl -I`), because
 * node IPs live on the docker network `kind`: reachable from the host on Linux, never on
 * Docker Desktop. From inside the network it works on both.
 */
import type { ExecResult } from "../adapter";
import { describeHead, parseHttpHead } from "../http";
import { firstLine, isNotFound, parseServiceNodePort } from "../k8s-json";
import { httpUrl, kubectl, listNodes } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type Verdict } from "../types";

export interface NodePortTarget {
  node: string;
  ip: string;
  /** Node container the request ran in (another node when there is one). */
  from: string;
  curl: ExecResult;
}

export interface NodePortEvidence {
  /** `kubectl get service nginx -o json` */
  service: ExecResult;
  targets: NodePortTarget[];
}

export const curlHead = (url: string) => ["curl", "-sS", "-I", "--max-time", "10", url];

export function verdict(e: NodePortEvidence): Verdict {
  if (e.service.code !== 0) {
    return isNotFound(e.service.stderr)
      ? {
          status: "failed",
          message: `service ${TEST_OBJECTS.service} does not exist in namespace ${TEST_OBJECTS.namespace} (pulumi up declares it)`,
          evidence: { found: false },
        }
      : {
          status: "error",
          message: `kubectl get service failed (exit ${e.service.code}): ${firstLine(e.service.stderr)}`,
          evidence: {},
        };
  }
  const svc = parseServiceNodePort(e.service.stdout);
  if (svc.type !== "NodePort" || svc.nodePort === undefined) {
    return {
      status: "failed",
      message: `service ${TEST_OBJECTS.service} is of type ${svc.type} without a nodePort`,
      evidence: { type: svc.type },
    };
  }
  const answers = e.targets.map((t) => ({ ...t, head: parseHttpHead(t.curl.stdout) }));
  const evidence = {
    nodePort: svc.nodePort,
    answers: answers.map((a) => `${a.node} ${a.ip}: ${a.head.status || `curl exit ${a.curl.code}`}`),
  };
  if (answers.length === 0) {
    return { status: "failed", message: "no node has an InternalIP to send the request to", evidence };
  }
  const bad = answers.filter((a) => a.head.status !== 200);
  if (bad.length === 0) {
    return {
      status: "passed",
      message: `NodePort ${svc.nodePort} answered 200 on every node: ${answers.map((a) => `${a.node} (${a.ip})`).join(", ")}`,
      evidence,
    };
  }
  return {
    status: "failed",
    message:
      `NodePort ${svc.nodePort} did not answer 200 on ` +
      bad
        .map(
          (a) =>
            `${a.node} (${a.ip}, from ${a.from}): ${a.head.status ? describeHead(a.head) : `curl exit ${a.curl.code}, ${firstLine(a.curl.stderr)}`}`,
        )
        .join("; "),
    evidence,
  };
}

export const nodeport = defineCheck<NodePortEvidence>({
  id: "nodeport",
  proves: "kube-proxy routes NodePorts",
  needs: ["deployment"],
  diagnose: true,
  async probe(ctx) {
    const service = await kubectl(ctx, [
      "get",
      "service",
      TEST_OBJECTS.service,
      "-n",
      TEST_OBJECTS.namespace,
      "-o",
      "json",
    ]);
    if (service.code !== 0) return { service, targets: [] };
    const nodePort = parseServiceNodePort(service.stdout).nodePort;
    if (nodePort === undefined) return { service, targets: [] };
    const nodes = await listNodes(ctx);
    const targets = await Promise.all(
      nodes
        .filter((n) => n.internalIP)
        .map(async (n) => {
          const from = nodes.find((o) => o.name !== n.name)?.name ?? n.name;
          const url = httpUrl(n.internalIP as string, nodePort);
          const curl = await ctx.adapter.dockerExec(from, curlHead(url), { signal: ctx.signal });
          return { node: n.name, ip: n.internalIP as string, from, curl };
        }),
    );
    return { service, targets };
  },
  verdict,
});
