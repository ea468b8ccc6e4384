/**
 * A fake ClusterAdapter for runner tests: answers kubectl and docker exec from rules
 * (recorded outputs), with optional delays, and records every call. A rule may hang until
 * the check's signal aborts, the way a stuck kubectl does.
 */
import type {
  ClusterAdapter,
  ExecResult,
  HttpHead,
  PlatformAccessProbe,
  PortForward,
} from "../../components/smoke/adapter";
import { parseHttpHead } from "../../components/smoke/http";
import { fx, ok } from "./fixtures";

export type Answer = ExecResult | "hang" | ((signal?: AbortSignal) => Promise<ExecResult>);

export interface Rule {
  /** Matched against `kubectl <args>` or `docker exec <node> <cmd>` joined by spaces. */
  match: RegExp;
  answer: Answer;
  delayMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function hang(signal?: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal?.addEventListener("abort", () => reject(new Error("killed: the check timed out")), { once: true });
  });
}

export class FakeCluster implements ClusterAdapter {
  readonly calls: string[] = [];
  aborted = 0;
  portForwards = 0;
  closedForwards = 0;

  constructor(
    private readonly rules: Rule[],
    private readonly http: { head?: HttpHead; delayMs?: number } = {},
  ) {}

  private async answer(line: string, signal?: AbortSignal): Promise<ExecResult> {
    this.calls.push(line);
    signal?.addEventListener("abort", () => this.aborted++, { once: true });
    const rule = this.rules.find((r) => r.match.test(line));
    if (!rule) return { stdout: "", stderr: `fake cluster: no rule for "${line}"`, code: 99 };
    if (rule.delayMs) await sleep(rule.delayMs);
    if (rule.answer === "hang") return hang(signal);
    if (typeof rule.answer === "function") return rule.answer(signal);
    return rule.answer;
  }

  kubectl(args: string[], opts?: { signal?: AbortSignal }): Promise<ExecResult> {
    return this.answer(`kubectl ${args.join(" ")}`, opts?.signal);
  }

  dockerExec(node: string, cmd: string[], opts?: { signal?: AbortSignal }): Promise<ExecResult> {
    return this.answer(`docker exec ${node} ${cmd.join(" ")}`, opts?.signal);
  }

  async portForward(pod: string): Promise<PortForward> {
    this.calls.push(`port-forward ${pod}`);
    this.portForwards++;
    return { localPort: 41873, close: async () => void this.closedForwards++ };
  }

  async httpHead(url: string, opts?: { userAgent?: string }): Promise<HttpHead> {
    this.calls.push(`HEAD ${url} ${opts?.userAgent ?? ""}`.trim());
    if (this.http.delayMs) await sleep(this.http.delayMs);
    return this.http.head ?? parseHttpHead(fx("head-200-nginx.txt"));
  }
}

export const RUN_ID = "5b0f7c1e-2d3a-4b6c-8e9f-a1b2c3d4e5f6";

const etcdPods = JSON.stringify({
  apiVersion: "v1",
  kind: "List",
  items: [
    {
      metadata: {
        name: "etcd-cluster1-control-plane",
        namespace: "kube-system",
        labels: { component: "etcd" },
      },
      spec: { nodeName: "cluster1-control-plane" },
      status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
    },
  ],
});

/** Rules under which every check of a healthy two-node kind cluster passes. */
export function healthyRules(delayMs = 0): Rule[] {
  const r = (match: RegExp, answer: Answer): Rule => ({ match, answer, delayMs });
  return [
    r(/^kubectl get pods -n kube-system -l component=etcd/, ok(etcdPods)),
    r(
      /^kubectl exec -n kube-system etcd-cluster1-control-plane -- etcdctl .* get \/registry\/secrets\/default\/kubernetes-the-hard-way -w json$/,
      ok(fx("etcdctl-get-aescbc.json")),
    ),
    r(/^kubectl get deployment nginx -n default -o json$/, ok(fx("deployment-available.json"))),
    r(/^kubectl get pods -n default -l app=nginx -o json$/, ok(fx("pods-spread.json"))),
    r(/^kubectl get nodes -o json$/, ok(fx("nodes-two.json"))),
    r(/^kubectl get service nginx -n default -o json$/, ok(fx("service-nodeport.json"))),
    r(/^kubectl get events -n default -o json$/, ok(fx("events.json"))),
    r(
      /^kubectl logs nginx-7d9c5b6f8d-4lq2m -n default -c nginx --tail=500$/,
      ok(fx("nginx-logs-with-request.txt")),
    ),
    r(
      /^kubectl exec nginx-7d9c5b6f8d-4lq2m -n default -c nginx -- nginx -v$/,
      ok("", fx("nginx-v.stderr.txt")),
    ),
    r(
      /^docker exec cluster1-worker curl -sS --max-time 10 http:\/\/10\.240\.0\.5\/$/,
      ok(fx("curl-welcome.html")),
    ),
    r(
      /^docker exec \S+ curl -sS -I --max-time 10 http:\/\/172\.18\.0\.[23]:31846\/$/,
      ok(fx("head-200-nginx.txt")),
    ),
    r(/^docker exec cluster1-control-plane crictl ps --name nginx$/, ok(fx("crictl-ps-other-pod.txt"))),
  ];
}

export const grantedProbe: PlatformAccessProbe = {
  accessibleClusters: async () => ({
    userFound: true,
    clusters: [{ clusterName: "production-cluster", roleNames: ["admin-role"] }],
  }),
};
