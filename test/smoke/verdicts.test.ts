import { describe, expect, test } from "vitest";
import { verdict as deploymentVerdict } from "../../components/smoke/checks/deployment";
import {
  ETCD_KEY,
  printablePrefix,
  verdict as encryptionVerdict,
} from "../../components/smoke/checks/encryption-at-rest";
import { verdict as execVerdict } from "../../components/smoke/checks/exec";
import { findRequestLine, verdict as logsVerdict } from "../../components/smoke/checks/logs";
import { verdict as nodeportVerdict } from "../../components/smoke/checks/nodeport";
import { verdict as platformVerdict } from "../../components/smoke/checks/platform-access";
import { verdict as podNetworkVerdict } from "../../components/smoke/checks/pod-network";
import { verdict as portForwardVerdict } from "../../components/smoke/checks/port-forward";
import { parseCrictlPs, verdict as runtimeVerdict } from "../../components/smoke/checks/runtime";
import { verdict as scaleVerdict } from "../../components/smoke/checks/scale";
import { verdict as spreadVerdict } from "../../components/smoke/checks/spread";
import { parseHttpHead } from "../../components/smoke/http";
import { fail, fx, ok } from "./fixtures";

const MARKER = "kind-access-lab-smoke/5b0f7c1e-2d3a-4b6c-8e9f-a1b2c3d4e5f6";

describe("encryption-at-rest reads the raw etcd bytes", () => {
  const run = (stdout: string) =>
    encryptionVerdict({ etcdPod: "etcd-cluster1-control-plane", etcdctl: ok(stdout) });

  test("an aescbc value with key1 and no plaintext passes", () => {
    const v = run(fx("etcdctl-get-aescbc.json"));
    expect(v.status).toBe("passed");
    expect(v.message).toBe('etcd holds 327 bytes starting "k8s:enc:aescbc:v1:key1:", without "mydata"');
    expect(v.evidence).toMatchObject({
      key: ETCD_KEY,
      prefix: expect.stringMatching(/^k8s:enc:aescbc:v1:key1:/),
      containsPlaintext: false,
    });
  });

  test("a plain protobuf value fails and says the encryption config is missing", () => {
    const v = run(fx("etcdctl-get-plain.json"));
    expect(v).toMatchObject({ status: "failed", evidence: { prefix: "k8s", containsPlaintext: true } });
    expect(v.message).toBe(
      'the value is stored unencrypted (starts "k8s", contains "mydata"): the API server runs without the aescbc encryption config',
    );
  });

  test("another provider's prefix fails and names what was found", () => {
    const v = run(fx("etcdctl-get-aesgcm.json"));
    expect(v.status).toBe("failed");
    expect(v.message).toMatch(
      /^the value starts "k8s:enc:aesgcm:v1:key2:.*", not "k8s:enc:aescbc:v1:key1:": another provider or key encrypted it$/,
    );
  });

  test("a missing key fails: the Secret does not exist", () => {
    expect(run(fx("etcdctl-get-missing.json"))).toEqual({
      status: "failed",
      message:
        "etcd has no key /registry/secrets/default/kubernetes-the-hard-way: the Secret kubernetes-the-hard-way does not exist (pulumi up declares it)",
      evidence: { etcdPod: "etcd-cluster1-control-plane", key: ETCD_KEY, found: false },
    });
  });

  test("an etcdctl failure is an error (no evidence), not a failure of the cluster", () => {
    const v = encryptionVerdict({ etcdPod: "etcd-x", etcdctl: fail(1, fx("etcdctl-denied.stderr.txt")) });
    expect(v).toMatchObject({
      status: "error",
      message:
        "etcdctl in etcd-x failed (exit 1): Error: open /etc/kubernetes/pki/etcd/server.key: permission denied",
    });
  });

  test("the printable prefix stops at the first binary byte", () => {
    expect(printablePrefix(Buffer.from("k8s\x00\x0a\x0bv1", "latin1"))).toBe("k8s");
  });
});

describe("deployment and scale read kubectl get deployment", () => {
  test("an Available deployment passes", () => {
    expect(deploymentVerdict({ get: ok(fx("deployment-available.json")) })).toEqual({
      status: "passed",
      message: "deployment nginx is available (2/2 ready, nginx:1.30.4)",
      evidence: {
        image: "nginx:1.30.4",
        replicas: 2,
        readyReplicas: 2,
        available: "Available=True (MinimumReplicasAvailable: Deployment has minimum availability.)",
      },
    });
  });

  test("an unavailable deployment fails with both conditions", () => {
    expect(deploymentVerdict({ get: ok(fx("deployment-unavailable.json")) }).message).toBe(
      "deployment nginx is not available: Available=False (MinimumReplicasUnavailable: Deployment does not have minimum availability.); " +
        'Progressing=True (ReplicaSetUpdated: ReplicaSet "nginx-7d9c5b6f8d" is progressing.)',
    );
  });

  test("an Available deployment still rolling out a new image fails, like kubectl rollout status would wait", () => {
    expect(deploymentVerdict({ get: ok(fx("deployment-rolling.json")) })).toMatchObject({
      status: "failed",
      message: "deployment nginx is available but its rollout is not complete: 1/2 updated, 3 pods in all",
    });
  });

  test("a missing deployment fails; an unreachable API server is an error", () => {
    expect(deploymentVerdict({ get: fail(1, fx("deployment-notfound.stderr.txt")) })).toMatchObject({
      status: "failed",
      message: "deployment nginx does not exist in namespace default (pulumi up declares it)",
    });
    expect(deploymentVerdict({ get: fail(1, fx("kubectl-refused.stderr.txt")) }).status).toBe("error");
  });

  test.each([
    ["deployment-available.json", "passed", "2/2 replicas ready"],
    ["deployment-one-ready.json", "failed", "only 1/2 replicas ready"],
    ["deployment-unavailable.json", "failed", "only 0/2 replicas ready"],
  ])("scale with %s is %s", (file, status, message) => {
    expect(scaleVerdict({ get: ok(fx(file)) })).toMatchObject({ status, message });
  });
});

describe("spread reads pods and nodes", () => {
  test("two ready replicas on two nodes pass", () => {
    expect(spreadVerdict({ pods: fx("pods-spread.json"), nodes: fx("nodes-two.json") })).toEqual({
      status: "passed",
      message: "2 replicas on 2 nodes: cluster1-control-plane, cluster1-worker",
      evidence: {
        pods: ["nginx-7d9c5b6f8d-4lq2m@cluster1-control-plane", "nginx-7d9c5b6f8d-x8wzp@cluster1-worker"],
        nodesUsed: ["cluster1-control-plane", "cluster1-worker"],
        clusterNodes: 2,
      },
    });
  });

  test("both replicas on the worker fail and point at the control-plane taint", () => {
    expect(spreadVerdict({ pods: fx("pods-same-node.json"), nodes: fx("nodes-two.json") }).message).toBe(
      "2 ready replica(s) on 1 node(s) (cluster1-worker); NoSchedule taints on cluster1-control-plane",
    );
  });

  test("a pending replica does not count", () => {
    expect(spreadVerdict({ pods: fx("pods-one-pending.json"), nodes: fx("nodes-two.json") }).status).toBe(
      "failed",
    );
  });

  test("a one-node cluster fails with the reason", () => {
    expect(spreadVerdict({ pods: fx("pods-same-node.json"), nodes: fx("nodes-one.json") }).message).toBe(
      "the cluster has 1 node(s); spreading 2 replicas needs 2",
    );
  });
});

describe("pod-network: curl from another node to the pod IP", () => {
  const base = { pod: "nginx-7d9c5b6f8d-x8wzp", podIP: "10.240.1.3", podNode: "cluster1-worker" };

  test("the welcome page from another node passes", () => {
    expect(
      podNetworkVerdict({ ...base, fromNode: "cluster1-control-plane", curl: ok(fx("curl-welcome.html")) }),
    ).toEqual({
      status: "passed",
      message:
        'cluster1-control-plane reached nginx-7d9c5b6f8d-x8wzp on cluster1-worker at 10.240.1.3: "Welcome to nginx!"',
      evidence: { ...base, fromNode: "cluster1-control-plane", title: "<title>Welcome to nginx!</title>" },
    });
  });

  test("a timeout fails with curl's reason", () => {
    expect(
      podNetworkVerdict({
        ...base,
        fromNode: "cluster1-control-plane",
        curl: fail(28, fx("curl-timeout.stderr.txt")),
      }).message,
    ).toBe(
      "cluster1-control-plane could not reach 10.240.1.3 (nginx-7d9c5b6f8d-x8wzp on cluster1-worker): curl exit 28, curl: (28) Connection timed out after 10002 milliseconds",
    );
  });

  test("a single-node cluster is skipped, not failed", () => {
    expect(podNetworkVerdict({ ...base, fromNode: null, curl: null })).toMatchObject({
      status: "skipped",
      message: "the cluster has only cluster1-worker; routing between nodes needs a second node",
    });
  });
});

describe("port-forward: HEAD / through an ephemeral local port", () => {
  const run = (file: string) =>
    portForwardVerdict({
      pod: "nginx-7d9c5b6f8d-4lq2m",
      localPort: 41873,
      marker: MARKER,
      head: parseHttpHead(fx(file)),
    });

  test("200 with Server: nginx passes", () => {
    expect(run("head-200-nginx.txt")).toEqual({
      status: "passed",
      message:
        "HEAD / through 127.0.0.1:41873 -> nginx-7d9c5b6f8d-4lq2m:80 answered 200, Server: nginx/1.30.4",
      evidence: { pod: "nginx-7d9c5b6f8d-4lq2m", localPort: 41873, status: 200, server: "nginx/1.30.4" },
    });
  });

  test.each([
    ["head-403-nginx.txt", "403, Server: nginx/1.30.4"],
    ["head-200-apache.txt", "200, Server: Apache/2.4.65 (Debian)"],
  ])("%s fails and quotes the answer", (file, answer) => {
    expect(run(file)).toMatchObject({
      status: "failed",
      message: `HEAD / through 127.0.0.1:41873 -> nginx-7d9c5b6f8d-4lq2m:80 answered ${answer}, expected 200 with Server: nginx`,
    });
  });
});

describe("logs: the access log holds the port-forward request", () => {
  test("the line with this run's user agent passes", () => {
    const v = logsVerdict({
      pod: "nginx-7d9c5b6f8d-4lq2m",
      marker: MARKER,
      logs: ok(fx("nginx-logs-with-request.txt")),
    });
    expect(v.status).toBe("passed");
    expect(v.evidence.line).toBe(
      `127.0.0.1 - - [28/Nov/2026:14:36:42 +0000] "HEAD / HTTP/1.1" 200 0 "-" "${MARKER}" "-"`,
    );
  });

  test("a request of an earlier run does not count", () => {
    expect(findRequestLine(fx("nginx-logs-without-request.txt"), MARKER)).toBeUndefined();
    expect(
      logsVerdict({
        pod: "nginx-7d9c5b6f8d-4lq2m",
        marker: MARKER,
        logs: ok(fx("nginx-logs-without-request.txt")),
      }),
    ).toEqual({
      status: "failed",
      message: `the last 500 log lines of nginx-7d9c5b6f8d-4lq2m have no "HEAD / HTTP/1.1" line from ${MARKER}`,
      evidence: { pod: "nginx-7d9c5b6f8d-4lq2m", marker: MARKER, lines: 19 },
    });
  });
});

describe("exec: nginx -v on stderr", () => {
  test("the version on stderr passes", () => {
    expect(execVerdict({ pod: "p", exec: ok("", fx("nginx-v.stderr.txt")) })).toEqual({
      status: "passed",
      message: "nginx -v in p reported nginx/1.30.4 on stderr",
      evidence: { pod: "p", exitCode: 0, version: "1.30.4" },
    });
  });

  test("a failed exec fails with the runtime's reason", () => {
    expect(execVerdict({ pod: "p", exec: fail(126, fx("exec-not-found.stderr.txt")) }).message).toBe(
      'nginx -v in p failed (exit 126): OCI runtime exec failed: exec failed: unable to start container process: exec: "nginx": executable file not found in $PATH: unknown',
    );
  });
});

describe("nodeport: 200 on every node's InternalIP", () => {
  const target = (node: string, ip: string, from: string, curl = ok(fx("head-200-nginx.txt"))) => ({
    node,
    ip,
    from,
    curl,
  });

  test("200 from both nodes passes", () => {
    expect(
      nodeportVerdict({
        service: ok(fx("service-nodeport.json")),
        targets: [
          target("cluster1-control-plane", "172.18.0.3", "cluster1-worker"),
          target("cluster1-worker", "172.18.0.2", "cluster1-control-plane"),
        ],
      }),
    ).toEqual({
      status: "passed",
      message:
        "NodePort 31846 answered 200 on every node: cluster1-control-plane (172.18.0.3), cluster1-worker (172.18.0.2)",
      evidence: {
        nodePort: 31846,
        answers: ["cluster1-control-plane 172.18.0.3: 200", "cluster1-worker 172.18.0.2: 200"],
      },
    });
  });

  test("one refused node fails and names it", () => {
    expect(
      nodeportVerdict({
        service: ok(fx("service-nodeport.json")),
        targets: [
          target("cluster1-control-plane", "172.18.0.3", "cluster1-worker"),
          target(
            "cluster1-worker",
            "172.18.0.2",
            "cluster1-control-plane",
            fail(7, fx("curl-refused.stderr.txt")),
          ),
        ],
      }).message,
    ).toBe(
      "NodePort 31846 did not answer 200 on cluster1-worker (172.18.0.2, from cluster1-control-plane): curl exit 7, " +
        "curl: (7) Failed to connect to 172.18.0.2 port 31846 after 0 ms: Could not connect to server",
    );
  });

  test("a ClusterIP service or a missing one fails", () => {
    expect(nodeportVerdict({ service: ok(fx("service-clusterip.json")), targets: [] }).message).toBe(
      "service nginx is of type ClusterIP without a nodePort",
    );
    expect(
      nodeportVerdict({ service: fail(1, fx("service-notfound.stderr.txt")), targets: [] }).message,
    ).toBe("service nginx does not exist in namespace default (pulumi up declares it)");
  });
});

describe("runtime: crictl ps on the pod's node", () => {
  const run = (file: string) =>
    runtimeVerdict({ node: "cluster1-worker", pod: "nginx-7d9c5b6f8d-x8wzp", crictl: ok(fx(file)) });

  test("the table parses with multi-word cells and the two-word header", () => {
    expect(parseCrictlPs(fx("crictl-ps-all.txt"))).toEqual([
      expect.objectContaining({
        CREATED: "About a minute ago",
        "POD ID": "c7fd0a93cbea3",
        POD: "nginx-7d9c5b6f8d-x8wzp",
      }),
      expect.objectContaining({ NAME: "kindnet-cni", NAMESPACE: "kube-system" }),
    ]);
  });

  test("the running nginx container of the pod passes", () => {
    expect(run("crictl-ps-nginx.txt")).toMatchObject({
      status: "passed",
      message:
        "crictl ps on cluster1-worker lists container nginx 1a23a52e7c9e0 (Running) of pod nginx-7d9c5b6f8d-x8wzp",
    });
  });

  test("an older crictl without the POD column still passes on the container name", () => {
    expect(run("crictl-ps-no-pod-column.txt").status).toBe("passed");
  });

  test.each([
    [
      "crictl-ps-empty.txt",
      "crictl ps on cluster1-worker lists no nginx container of pod nginx-7d9c5b6f8d-x8wzp (0 container(s) running)",
    ],
    [
      "crictl-ps-other-pod.txt",
      "crictl ps on cluster1-worker lists no nginx container of pod nginx-7d9c5b6f8d-x8wzp (1 container(s) running)",
    ],
  ])("%s fails", (file, message) => {
    expect(run(file)).toMatchObject({ status: "failed", message });
  });
});

describe("platform-access: the user's accessible clusters", () => {
  const configured = {
    configured: true as const,
    loginId: "qp-admin",
    clusterName: "production-cluster",
    userFound: true,
  };

  test("the cluster among the accessible ones passes, naming the role", () => {
    expect(
      platformVerdict({
        ...configured,
        clusters: [{ clusterName: "production-cluster", roleNames: ["admin-role"] }],
      }).message,
    ).toBe("qp-admin can reach production-cluster through admin-role");
  });

  test("a missing cluster fails and lists what is reachable", () => {
    expect(
      platformVerdict({
        ...configured,
        clusters: [{ clusterName: "develop-cluster", roleNames: ["admin-role"] }],
      }).message,
    ).toBe(
      "qp-admin cannot reach production-cluster: accessible clusters are develop-cluster; check the grant, its expiry and the policy's resources",
    );
  });

  test("an unknown user fails; no platform is skipped with the reason given", () => {
    expect(platformVerdict({ ...configured, userFound: false, clusters: [] }).message).toBe(
      "QueryPie has no user with login id qp-admin",
    );
    expect(platformVerdict({ configured: false, reason: "the access platform is off" })).toEqual({
      status: "skipped",
      message: "the access platform is off",
      evidence: {},
    });
  });
});

describe("HTTP heads", () => {
  test("the last head wins when curl printed several (100 Continue, redirects)", () => {
    expect(parseHttpHead("HTTP/1.1 100 Continue\r\n\r\n" + fx("head-200-nginx.txt"))).toMatchObject({
      status: 200,
      headers: { server: "nginx/1.30.4", "content-length": "615" },
    });
  });

  test("no head at all reads as status 0", () => {
    expect(parseHttpHead("")).toEqual({ status: 0, headers: {} });
  });
});
