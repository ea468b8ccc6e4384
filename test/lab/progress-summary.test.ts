import { describe, expect, test } from "vitest";
import { loadLabConfig } from "../../components/config";
import { readStackFile } from "../../components/config/raw";
import { failureJunit, failureMarkdown } from "../../components/lab/ci-report";
import { explainFailure } from "../../components/lab/operation";
import { formatElapsed, phaseOfUrn, PhaseTracker } from "../../components/lab/progress";
import { formatSummary, smokeTable } from "../../components/lab/summary";
import type { EngineEvent, OutputMap } from "../../components/lab/workspace";

const urn = (chain: string, name: string) => `urn:pulumi:lab::kind-access-lab::${chain}::${name}`;

describe("engine events to phases", () => {
  test.each<[string, string | undefined]>([
    ["lab:index:KindCluster", "clusters"],
    ["lab:index:KindCluster$command:local:Command", "clusters"],
    ["lab:index:KindCluster$random:index/randomBytes:RandomBytes", "clusters"],
    ["lab:index:AccessPlatform$docker:index/container:Container", "platform"],
    ["lab:index:PlatformNetworkAttachment$command:local:Command", "registration"],
    ["lab:index:ClusterRegistration$kubernetes:core/v1:ServiceAccount", "registration"],
    ["lab:index:ClusterRegistration$lab:index:QueryPieServiceAccount", "registration"],
    ["lab:index:ClusterRegistration$pulumi-nodejs:dynamic:Resource", "registration"],
    ["lab:index:AccessControl$pulumi-nodejs:dynamic:Resource", "access"],
    ["lab:index:AccessControl$lab:access:KacRole", "access"],
    ["lab:index:RbacSeeds$kubernetes:core/v1:Namespace", "access"],
    ["lab:index:SmokeSuite$kubernetes:apps/v1:Deployment", "smoke"],
    ["pulumi:pulumi:Stack", undefined],
    ["pulumi:providers:kubernetes", undefined],
  ])("%s is in phase %s", (chain, phase) => {
    expect(phaseOfUrn(urn(chain, "x"))).toBe(phase);
  });

  test.each([
    [0, "0:00"],
    [59_400, "0:59"],
    [61_000, "1:01"],
    [3_725_000, "1:02:05"],
  ])("formatElapsed(%d) = %s", (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });

  const step = (kind: "pre" | "out" | "failed", chain: string, name: string, op = "create"): EngineEvent => {
    const type = chain.split("$").pop() as string;
    const metadata = { op, urn: urn(chain, name), type, provider: "" } as never;
    if (kind === "pre") return { sequence: 0, timestamp: 0, resourcePreEvent: { metadata } };
    if (kind === "out") return { sequence: 0, timestamp: 0, resOutputsEvent: { metadata } };
    return { sequence: 0, timestamp: 0, resOpFailedEvent: { metadata, status: 1, steps: 1 } };
  };

  test("phases start once, components print a line when done, children stay quiet, elapsed time leads", () => {
    const t = new PhaseTracker(0);
    const lines = [
      ...t.handle(step("pre", "lab:index:KindCluster", "cluster1"), 1_000),
      ...t.handle(step("pre", "lab:index:KindCluster$command:local:Command", "cluster1-create"), 2_000),
      ...t.handle(step("pre", "lab:index:AccessPlatform", "querypie"), 3_000),
      ...t.handle(step("out", "lab:index:KindCluster$command:local:Command", "cluster1-create"), 65_000),
      ...t.handle(step("out", "lab:index:KindCluster", "cluster1"), 66_000),
      ...t.handle(step("pre", "lab:index:SmokeSuite", "cluster1", "same"), 67_000),
    ];
    expect(lines).toEqual([
      "[0:01] clusters: started",
      "[0:03] platform: started",
      "[1:06] clusters: created KindCluster cluster1",
    ]);
    expect(t.heartbeat(90_000)).toBe("[1:30] still working: platform (1 in progress)");
    expect(t.summary()).toEqual(["  clusters        1:05  2 step(s)", "  platform        0:00  0 step(s)"]);
  });

  test("a failed step names its phase, and error diagnostics are kept for the explanation", () => {
    const t = new PhaseTracker(0);
    t.handle(step("pre", "lab:index:KindCluster$command:local:Command", "cluster2-create"), 0);
    const lines = [
      ...t.handle(step("failed", "lab:index:KindCluster$command:local:Command", "cluster2-create"), 5_000),
      ...t.handle(
        {
          sequence: 0,
          timestamp: 0,
          diagnosticEvent: {
            message: "kind: node(s) already exist\nmore",
            color: "never",
            severity: "error",
          },
        },
        5_000,
      ),
    ];
    expect(lines).toEqual([
      "[0:05] clusters: FAILED create Command cluster2-create",
      "[0:05] error: kind: node(s) already exist",
    ]);
    expect(t.failedPhase).toBe("clusters");
    expect(explainFailure(new Error("code: 255"), t.errors, [])).toEqual([
      "  kind: node(s) already exist",
      "  more",
    ]);
  });

  test("without diagnostics the explanation is the end of Pulumi's output; a lock gets its fix", () => {
    const tail = ["Updating (lab):", "", "error: the stack is currently locked by 1 lock(s)."];
    expect(explainFailure(new Error("the stack is currently locked"), [], tail)).toEqual([
      "  Updating (lab):",
      "  error: the stack is currently locked by 1 lock(s).",
      "  The stack is locked: another lab command may still run on it. If none does, the lock is stale:",
      "  remove it under .lab/state/.pulumi/locks/ (or with PULUMI_BACKEND_URL set: `pulumi cancel`).",
    ]);
  });
});

describe("summary from stack outputs", () => {
  const config = loadLabConfig(readStackFile("lab"), { stack: "lab", projectDir: "/p" });
  const out = (entries: Record<string, unknown>, secret: string[] = []): OutputMap =>
    Object.fromEntries(
      Object.entries(entries).map(([k, v]) => [k, { value: v, secret: secret.includes(k) }]),
    );

  test("no outputs at all: what the config says, and a plain note that smoke has no results", () => {
    expect(formatSummary("lab", {}, config)).toEqual([
      'Clusters of stack "lab":',
      "  cluster1 (kind cluster1): https://127.0.0.1:6444, context kind-cluster1",
      "    KUBECONFIG=/p/.lab/lab/cluster1/kubeconfig kubectl get nodes",
      "  cluster2 (kind cluster2): https://127.0.0.1:6445, context kind-cluster2",
      "    KUBECONFIG=/p/.lab/lab/cluster2/kubeconfig kubectl get nodes",
      "QueryPie: http://127.0.0.1:8000",
      "Smoke suite: no results in the stack outputs",
    ]);
  });

  test("cluster outputs as a map of objects win over the config's defaults", () => {
    const outputs = out({
      clusters: {
        cluster1: {
          kindName: "cluster1",
          contextName: "kind-cluster1",
          endpoint: "https://127.0.0.1:6444",
          kubeconfigPath: "/k/c1",
        },
      },
    });
    expect(formatSummary("lab", outputs, config).slice(1, 3)).toEqual([
      "  cluster1 (kind cluster1): https://127.0.0.1:6444, context kind-cluster1",
      "    KUBECONFIG=/k/c1 kubectl get nodes",
    ]);
  });

  test("the program's own outputs (clusters list, querypie, nextSteps, smoke list) read as they are exported", () => {
    const outputs = out({
      clusters: [
        {
          name: "cluster1",
          context: "kind-cluster1",
          endpoint: "https://127.0.0.1:6444",
          kubeconfigPath: "/k/1",
        },
      ],
      querypie: { webUrl: "http://127.0.0.1:8000", apiBaseUrl: "http://127.0.0.1:8000/api/external/v2" },
      nextSteps: "Open http://127.0.0.1:8000 and log in as qp-admin",
      smoke: [{ cluster: "cluster1", checks: [{ id: "exec", status: "passed", durationMs: 200 }] }],
      smokePassed: true,
    });
    expect(formatSummary("lab", outputs, config)).toEqual([
      'Clusters of stack "lab":',
      "  cluster1 (kind cluster1): https://127.0.0.1:6444, context kind-cluster1",
      "    KUBECONFIG=/k/1 kubectl get nodes",
      "  cluster2 (kind cluster2): https://127.0.0.1:6445, context kind-cluster2",
      "    KUBECONFIG=/p/.lab/lab/cluster2/kubeconfig kubectl get nodes",
      "QueryPie: http://127.0.0.1:8000",
      "Next steps:",
      "  Open http://127.0.0.1:8000 and log in as qp-admin",
      "Smoke suite: PASSED",
      "  check  cluster1",
      "  exec   passed 0.2s",
    ]);
  });

  test("a secret output is never printed, only named", () => {
    const outputs = out({ clusters: [{ kindName: "cluster1", endpoint: "https://leak.example" }] }, [
      "clusters",
    ]);
    const text = formatSummary("lab", outputs, config).join("\n");
    expect(text).not.toContain("leak.example");
    expect(text).toContain("Secret outputs (not shown): clusters;");
  });

  test("values that look like key material are dropped even from plain outputs", () => {
    // Built at run time, so the repository holds no line that looks like a private key.
    const keyHeader = ["BEGIN", "PRIVATE", "KEY"].join(" ");
    const outputs = out({ platform: { webUrl: `-----${keyHeader}-----`, nextSteps: ["ok step"] } });
    const text = formatSummary("lab", outputs, config).join("\n");
    expect(text).not.toContain(keyHeader);
    expect(text).toContain("QueryPie: http://127.0.0.1:8000");
    expect(text).toContain("Next steps:\n  ok step");
  });

  test.each<[string, unknown]>([
    [
      "a SmokeReport",
      {
        smokePassed: false,
        clusters: [
          { cluster: "cluster1", checks: [{ id: "exec", status: "passed", durationMs: 500 }] },
          { cluster: "cluster2", checks: [{ id: "exec", status: "failed", durationMs: 1500 }] },
        ],
      },
    ],
    [
      "a list of cluster results",
      [
        { cluster: "cluster1", checks: [{ id: "exec", status: "passed", durationMs: 500 }] },
        { cluster: "cluster2", checks: [{ id: "exec", status: "failed", durationMs: 1500 }] },
      ],
    ],
    [
      "a map of cluster to check statuses",
      { cluster1: { checks: { exec: "passed" } }, cluster2: { checks: { exec: { status: "failed" } } } },
    ],
  ])("smoke results as %s give one table and the overall verdict", (_shape, smoke) => {
    const table = smokeTable(out({ smoke }));
    expect(table?.passed).toBe(false);
    expect(table?.rows.map((r) => [r.cluster, r.checks[0]?.status])).toEqual([
      ["cluster1", "passed"],
      ["cluster2", "failed"],
    ]);
  });

  test("the smoke table lines", () => {
    const lines = formatSummary(
      "lab",
      out({ smoke: [{ cluster: "cluster1", checks: [{ id: "exec", status: "passed", durationMs: 500 }] }] }),
      config,
    );
    expect(lines.slice(-3)).toEqual(["Smoke suite: PASSED", "  check  cluster1", "  exec   passed 0.5s"]);
  });

  test("with the platform off the summary says so instead of a URL", () => {
    const off = loadLabConfig(
      { ...readStackFile("lab"), platform: { enabled: false } },
      { stack: "lab", projectDir: "/p" },
    );
    expect(formatSummary("lab", {}, off)).toContain("QueryPie: off (platform.enabled=false)");
  });
});

describe("CI failure reports", () => {
  const failure = {
    stack: "ci-1-abc",
    step: "up",
    message: 'pulumi up failed in phase "clusters" <&>',
    details: ["  boom \u001b"],
    elapsedSeconds: 12.5,
  };

  test("JUnit: one failed test case, XML-escaped, no control characters", () => {
    const xml = failureJunit(failure);
    expect(xml).toContain(
      '<testsuite name="ci-1-abc" tests="1" failures="1" errors="0" skipped="0" time="12.500">',
    );
    expect(xml).toContain('<failure message="pulumi up failed in phase &quot;clusters&quot; &lt;&amp;&gt;">');
    expect(xml).not.toContain("\u001b");
  });

  test("Markdown: what failed, where, and that the stack was torn down", () => {
    expect(failureMarkdown(failure)).toBe(
      [
        "## kind-access-lab: FAILED",
        "",
        'Stack `ci-1-abc` failed at **up**: pulumi up failed in phase "clusters" <&>',
        "",
        "```",
        "boom ",
        "```",
        "",
        "The stack was destroyed and removed afterwards (see the job log for the teardown).",
        "",
      ].join("\n"),
    );
  });
});
