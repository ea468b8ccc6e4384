import { describe, expect, test } from "vitest";
import { loadLabConfig } from "../../components/config";
import { SMOKE_DEFAULTS } from "../../components/config/smoke";
import { exitCodeFor, parseCli, planSingle, planStack, UsageError } from "../../components/smoke/cli";
import { parseForwardingLine } from "../../components/smoke/kubectl-adapter";
import { accessProbeFromClient } from "../../components/smoke/platform-probe";

const TOKEN = ["tok", "en-for-tests"].join(""); // built at run time: no token-shaped literal in the tree

describe("parseCli", () => {
  test("a stack run with reports", () => {
    expect(
      parseCli(["--stack", "lab", "--junit", "j.xml", "--markdown", "s.md", "--skip", "nodeport, exec"]),
    ).toMatchObject({
      stack: "lab",
      junit: "j.xml",
      markdown: "s.md",
      skip: ["nodeport", "exec"],
      json: false,
      noFail: false,
    });
  });

  test("the component's single-cluster form", () => {
    expect(
      parseCli([
        "--cluster",
        "cluster1",
        "--kubeconfig-env",
        "LAB_SMOKE_KUBECONFIG",
        "--json",
        "--no-fail",
        "--check-timeout",
        "60",
        "--suite-timeout",
        "300",
        "--platform-cluster",
        "production-cluster",
      ]),
    ).toMatchObject({
      cluster: "cluster1",
      kubeconfigEnv: "LAB_SMOKE_KUBECONFIG",
      json: true,
      noFail: true,
      checkTimeoutSeconds: 60,
      suiteTimeoutSeconds: 300,
      platformCluster: "production-cluster",
    });
  });

  test.each([
    [[], "say what to check: --stack <stack>, or --cluster <kind name> with --kubeconfig <file>"],
    [
      ["--stack", "a", "--cluster", "b"],
      "--stack and --cluster exclude each other: check a whole stack, or one cluster",
    ],
    [["--cluster", "c"], "--cluster needs exactly one of --kubeconfig <file> or --kubeconfig-env <VAR>"],
    [
      ["--cluster", "c", "--kubeconfig", "f", "--kubeconfig-env", "V"],
      "--cluster needs exactly one of --kubeconfig <file> or --kubeconfig-env <VAR>",
    ],
    [
      ["--stack", "a", "--kubeconfig", "f"],
      "--kubeconfig, --kubeconfig-env and --platform-cluster belong to --cluster; a stack brings its own",
    ],
    [
      ["--stack", "a", "--skip", "nodeport,node-port"],
      "--skip node-port: not a check id; use one of encryption-at-rest, deployment, scale, spread, pod-network, port-forward, logs, exec, nodeport, runtime, platform-access",
    ],
    [
      ["--stack", "a", "--check-timeout", "5"],
      '--check-timeout "5": must be a whole number of seconds from 10 to 1800',
    ],
    [
      ["--stack", "a", "--suite-timeout", "ten"],
      '--suite-timeout "ten": must be a whole number of seconds from 30 to 7200',
    ],
  ])("%j is a usage error: %s", (argv, message) => {
    expect(() => parseCli(argv)).toThrow(new UsageError(message));
  });

  test("an unknown flag is a usage error", () => {
    expect(() => parseCli(["--stack", "a", "--jnuit", "x"])).toThrow(UsageError);
  });
});

describe("planStack", () => {
  const lab = (extra: Record<string, unknown> = {}) =>
    loadLabConfig(
      {
        // No `clusters` key: the seed's cluster1 (production) and cluster2 (develop).
        ...extra,
      },
      { stack: "lab", projectDir: "/p" },
    );
  const opts = parseCli(["--stack", "lab"]);
  const all = () => true;

  test("kubeconfigs come from <stateDir>/<kind name>/kubeconfig, timeouts and skips from the stack's smoke config", () => {
    const plan = planStack(opts, lab({ smoke: { skip: ["nodeport"], checkTimeoutSeconds: 60 } }), {}, all);
    expect(plan).toMatchObject({
      problems: [],
      checkTimeoutMs: 60_000,
      suiteTimeoutMs: 600_000,
      skip: ["nodeport"],
    });
    expect(plan.targets.map((t) => [t.cluster, t.kubeconfig])).toEqual([
      ["cluster1", { file: "/p/.lab/lab/cluster1/kubeconfig" }],
      ["cluster2", { file: "/p/.lab/lab/cluster2/kubeconfig" }],
    ]);
  });

  test("command-line flags override the stack's smoke config", () => {
    const plan = planStack(
      parseCli(["--stack", "lab", "--check-timeout", "30", "--skip", "exec"]),
      lab(),
      {},
      all,
    );
    expect(plan).toMatchObject({ checkTimeoutMs: 30_000, skip: ["exec"] });
  });

  test("a missing kubeconfig is a problem that says the cluster is not up and what to run", () => {
    const plan = planStack(opts, lab(), {}, (f) => !f.includes("cluster2"));
    expect(plan.problems).toEqual([
      "no kubeconfig for cluster cluster2 at /p/.lab/lab/cluster2/kubeconfig: the cluster is not up. " +
        "Run `pulumi up -s lab` first (or set stateDir in the stack file if the state lives elsewhere)",
    ]);
  });

  test("platform-access: skipped without a token, with the platform off; planned with the token", () => {
    expect(planStack(opts, lab(), {}, all).targets[0].platform).toEqual({
      skipReason:
        "no QueryPie API token: set QUERYPIE_API_TOKEN (and QUERYPIE_URL, default http://127.0.0.1:8000) to run it outside pulumi up",
    });
    expect(
      planStack(opts, lab({ platform: { enabled: false } }), { QUERYPIE_API_TOKEN: TOKEN }, all).targets[0]
        .platform,
    ).toEqual({
      skipReason: "the access platform is off (platform.enabled: false)",
    });
    expect(planStack(opts, lab(), { QUERYPIE_API_TOKEN: TOKEN }, all).targets[1].platform).toEqual({
      baseUrl: "http://127.0.0.1:8000",
      token: TOKEN,
      loginId: "qp-admin",
      clusterName: "develop-cluster",
    });
  });
});

describe("planSingle", () => {
  test("an empty kubeconfig variable is a problem", () => {
    const plan = planSingle(
      parseCli(["--cluster", "c1", "--kubeconfig-env", "KC"]),
      SMOKE_DEFAULTS,
      {},
      () => true,
    );
    expect(plan.problems).toEqual(["the environment variable KC holds no kubeconfig"]);
  });

  test("the platform runs only with token, URL and registration name; otherwise the given reason", () => {
    const withAll = planSingle(
      parseCli([
        "--cluster",
        "c1",
        "--kubeconfig",
        "f",
        "--platform-cluster",
        "production-cluster",
        "--login-id",
        "alice",
      ]),
      SMOKE_DEFAULTS,
      { QUERYPIE_API_TOKEN: TOKEN, QUERYPIE_URL: "http://127.0.0.1:8000" },
      () => true,
    );
    expect(withAll.targets[0].platform).toEqual({
      baseUrl: "http://127.0.0.1:8000",
      token: TOKEN,
      loginId: "alice",
      clusterName: "production-cluster",
    });
    const off = planSingle(
      parseCli([
        "--cluster",
        "c1",
        "--kubeconfig",
        "f",
        "--platform-skip-reason",
        "the access platform is off",
      ]),
      SMOKE_DEFAULTS,
      {},
      () => true,
    );
    expect(off.targets[0].platform).toEqual({ skipReason: "the access platform is off" });
  });
});

describe("small pieces of the real adapter and the platform probe", () => {
  test.each([
    ["Forwarding from 127.0.0.1:41873 -> 80\nForwarding from [::1]:41873 -> 80\n", 41873],
    ["Forwarding from [::1]:41873 -> 80\n", undefined],
    ["", undefined],
  ])("kubectl port-forward output %j gives port %s", (text, port) => {
    expect(parseForwardingLine(text)).toBe(port);
  });

  test("the access probe looks the user up, then lists the clusters its roles reach", async () => {
    const asked: string[] = [];
    const probe = accessProbeFromClient({
      findUserByLoginId: async (id) => (
        asked.push(`user ${id}`),
        id === "qp-admin" ? { uuid: "u-1" } : undefined
      ),
      listAccessibleClusters: async (uuid) => (
        asked.push(`clusters ${uuid}`),
        [{ clusterName: "production-cluster", roleNames: ["admin-role"] }, { clusterName: "x" }]
      ),
    });
    expect(await probe.accessibleClusters("qp-admin")).toEqual({
      userFound: true,
      clusters: [
        { clusterName: "production-cluster", roleNames: ["admin-role"] },
        { clusterName: "x", roleNames: [] },
      ],
    });
    expect(await probe.accessibleClusters("nobody")).toEqual({ userFound: false, clusters: [] });
    expect(asked).toEqual(["user qp-admin", "clusters u-1", "user nobody"]);
  });

  test("exit codes: 0 passed, 1 failed, 0 failed with --no-fail", () => {
    expect(exitCodeFor({ smokePassed: true, clusters: [] }, false)).toBe(0);
    expect(exitCodeFor({ smokePassed: false, clusters: [] }, false)).toBe(1);
    expect(exitCodeFor({ smokePassed: false, clusters: [] }, true)).toBe(0);
  });
});
