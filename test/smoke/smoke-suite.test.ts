/**
 * SmokeSuite under Pulumi mocks: the test objects of each cluster go through that cluster's
 * provider, the run command carries secrets only in its environment, and the outputs have the
 * documented shape. Nothing runs kubectl here: script.test.ts runs the script, a Docker host
 * runs the real thing.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { loadLabConfig, PROJECT_DIR } from "../../components/config";
import type { SmokeReport } from "../../components/smoke/types";
import { installMocks, valueOf as value, type Mocks, type Registered } from "../support/pulumi-mocks";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const KUBECONFIG = ["apiVersion: v1", "kind: Config", "# kubeconfig-with-a-client-key"].join("\n");
const TOKEN = ["fake", "token", "for", "mocks"].join("-");

/** What scripts/smoke.ts --json prints: cluster2's nodeport fails. */
function reportFor(cluster: string): string {
  const failing = cluster === "cluster2";
  const report: SmokeReport = {
    smokePassed: !failing,
    clusters: [
      {
        cluster,
        passed: failing ? 1 : 2,
        failed: failing ? 1 : 0,
        errors: 0,
        skipped: 0,
        durationMs: 4321,
        checks: [
          {
            id: "deployment",
            status: "passed",
            durationMs: 3000,
            message: "deployment nginx is available",
            evidence: { replicas: 2 },
          },
          failing
            ? {
                id: "nodeport",
                status: "failed",
                durationMs: 900,
                message: "NodePort 31846 did not answer 200",
                evidence: {},
                diagnostics: ["pod x"],
              }
            : {
                id: "nodeport",
                status: "passed",
                durationMs: 640,
                message: "NodePort answered",
                evidence: { nodePort: 31846 },
              },
        ],
      },
    ],
  };
  return "progress is on stderr\n" + JSON.stringify(report) + "\n";
}

/** What the suite's resources report after create: object uids, and each cluster's report on stdout. */
function smokeStateFor(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
  if (args.type.startsWith("kubernetes:") && args.type !== "pulumi:providers:kubernetes") {
    return { metadata: { ...args.inputs.metadata, uid: `${args.name}-uid` } };
  }
  if (args.type === "command:local:Command") {
    return { stdout: reportFor(/--cluster (\S+)/.exec(args.inputs.create)?.[1] ?? "?") };
  }
  return undefined;
}

let mocks: Mocks;

/** The Pulumi secret signature as the mock monitor sees serialised inputs. */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const unwrap = (v: Any): { secret: boolean; value: Any } =>
  v && typeof v === "object" && v[SECRET_SIG]
    ? { secret: true, value: v.value }
    : { secret: false, value: v };

const find = (type: string, name: string): Registered & { inputs: Any } => {
  const r = mocks.registered.find((x) => x.type === type && x.name === name);
  if (!r)
    throw new Error(
      `no ${type} named ${name}; registered: ${mocks.registered.map((x) => x.name).join(", ")}`,
    );
  return r;
};

const lab = loadLabConfig(
  {
    // No `clusters` key: the seed's cluster1 (production) and cluster2 (develop).
    smoke: { skip: ["pod-network"] },
  },
  { stack: "lab", projectDir: "/p" },
);

const dependsOnOf = new Map<string, Any>();
const record: pulumi.ResourceTransformation = ({ name, opts }) => {
  dependsOnOf.set(name, opts.dependsOn);
  return undefined;
};

let grants: pulumi.CustomResource;
let suites: Any[];
let outputs: Any;
let disabled: Any;
let onChange: Any;

beforeAll(async () => {
  // Loaded after setMocks, or the resources would wait for an engine forever.
  mocks = await installMocks({ stack: "lab", stateFor: smokeStateFor });
  const k8s = await import("@pulumi/kubernetes");
  const { SmokeSuite, smokeOutputs } = await import("../../components/smoke/smoke-suite");
  class Grants extends pulumi.CustomResource {
    constructor() {
      super("test:index:Grants", "grants", {});
    }
  }
  grants = new Grants();
  suites = lab.clusters.map(
    (c, i) =>
      new SmokeSuite(
        `smoke-${c.name}`,
        {
          cluster: c,
          provider: new k8s.Provider(`provider-${c.name}`, { kubeconfig: "x" }),
          kubeconfig: KUBECONFIG,
          smoke: lab.smoke,
          platformAccess:
            i === 0
              ? {
                  apiBaseUrl: "http://127.0.0.1:8000",
                  token: TOKEN,
                  loginId: "qp-admin",
                  registrationName: c.registration.name,
                }
              : undefined,
          platformSkipReason: i === 0 ? undefined : "no QueryPie API token in this stack",
        },
        { dependsOn: [grants], transformations: [record] },
      ),
  );
  outputs = smokeOutputs(suites);
  disabled = new SmokeSuite("smoke-off", {
    cluster: lab.clusters[0],
    provider: new k8s.Provider("provider-off", { kubeconfig: "x" }),
    kubeconfig: KUBECONFIG,
    smoke: { ...lab.smoke, enabled: false },
  });
  onChange = new SmokeSuite("smoke-onchange", {
    cluster: lab.clusters[0],
    provider: new k8s.Provider("provider-onchange", { kubeconfig: "x" }),
    kubeconfig: KUBECONFIG,
    smoke: { ...lab.smoke, rerun: "onChange" },
  });
  await value(outputs.smoke);
  await value(onChange.result);
});

describe("SmokeSuite test objects", () => {
  test.each(["cluster1", "cluster2"])(
    "%s: Secret, Deployment and Service go through that cluster's own provider",
    (c) => {
      for (const [type, part] of [
        ["kubernetes:core/v1:Secret", "secret"],
        ["kubernetes:apps/v1:Deployment", "nginx"],
        ["kubernetes:core/v1:Service", "service"],
      ]) {
        expect(find(type, `smoke-${c}-${part}`).provider).toMatch(
          new RegExp(`::provider-${c}::provider-${c}-id$`),
        );
      }
    },
  );

  test("the Secret is kubernetes-the-hard-way with mykey=mydata, and its data is a Pulumi secret", async () => {
    const inputs = find("kubernetes:core/v1:Secret", "smoke-cluster1-secret").inputs;
    expect(inputs).toMatchObject({
      metadata: { name: "kubernetes-the-hard-way", namespace: "default" },
      type: "Opaque",
    });
    expect(unwrap(inputs.stringData)).toEqual({ secret: true, value: { mykey: "mydata" } });
    expect(await pulumi.isSecret(suites[0].secret.stringData)).toBe(true);
  });

  test("the Deployment: nginx, 2 replicas of the pinned image, tolerating the control-plane taint, spread by hostname", () => {
    const d = find("kubernetes:apps/v1:Deployment", "smoke-cluster1-nginx").inputs;
    expect(d.metadata).toMatchObject({
      name: "nginx",
      namespace: "default",
      annotations: { "pulumi.com/skipAwait": "true" },
    });
    expect(d.spec.replicas).toBe(2);
    expect(d.spec.selector).toEqual({ matchLabels: { app: "nginx" } });
    const pod = d.spec.template.spec;
    expect(pod.containers[0]).toMatchObject({ name: "nginx", image: "nginx:1.30.4" });
    expect(pod.tolerations).toEqual([
      { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
    ]);
    expect(pod.topologySpreadConstraints).toEqual([
      {
        maxSkew: 1,
        topologyKey: "kubernetes.io/hostname",
        whenUnsatisfiable: "DoNotSchedule",
        labelSelector: { matchLabels: { app: "nginx" } },
      },
    ]);
  });

  test("the Service: nginx of type NodePort on port 80", () => {
    expect(find("kubernetes:core/v1:Service", "smoke-cluster1-service").inputs.spec).toMatchObject({
      type: "NodePort",
      selector: { app: "nginx" },
      ports: [{ port: 80, targetPort: 80 }],
    });
  });
});

describe("SmokeSuite run", () => {
  test("the command line names the cluster and settings; kubeconfig and token are only in the (secret) environment", async () => {
    const run = find("command:local:Command", "smoke-cluster1-run").inputs;
    expect(run.create).toBe(
      "./node_modules/.bin/tsx scripts/smoke.ts --cluster cluster1 --kubeconfig-env LAB_SMOKE_KUBECONFIG --json --no-fail " +
        "--check-timeout 120 --suite-timeout 600 --skip pod-network --login-id qp-admin --platform-cluster production-cluster",
    );
    expect(run.create).not.toContain(TOKEN);
    expect(run.dir).toBe(PROJECT_DIR);
    const env = unwrap(run.environment);
    expect(env.secret).toBe(true);
    expect(Object.keys(env.value).sort()).toEqual([
      "LAB_SMOKE_KUBECONFIG",
      "QUERYPIE_API_TOKEN",
      "QUERYPIE_URL",
    ]);
    expect(env.value).toMatchObject({
      LAB_SMOKE_KUBECONFIG: KUBECONFIG,
      QUERYPIE_URL: "http://127.0.0.1:8000",
    });
    expect(JSON.stringify(run.create) + JSON.stringify(run.triggers)).not.toContain("client-key");
  });

  test("without platform access the check is skipped with the given reason, and no token is passed", () => {
    const run = find("command:local:Command", "smoke-cluster2-run").inputs;
    expect(run.create).toContain("--platform-skip-reason 'no QueryPie API token in this stack'");
    expect(unwrap(run.environment)).toEqual({ secret: true, value: { LAB_SMOKE_KUBECONFIG: KUBECONFIG } });
  });

  test("the run waits for its test objects and for what the suite was told to wait for (e.g. the grants)", () => {
    const suite = suites[0];
    expect(dependsOnOf.get("smoke-cluster1-run")).toEqual([
      suite.secret,
      suite.deployment,
      suite.service,
      grants,
    ]);
    expect(dependsOnOf.get("smoke-cluster1-nginx")).toEqual([grants]);
  });

  test("rerun always adds a per-run trigger; onChange triggers only on inputs and the test objects' uids", () => {
    const always = find("command:local:Command", "smoke-cluster1-run").inputs.triggers;
    const changed = find("command:local:Command", "smoke-onchange-run").inputs.triggers;
    expect(changed).toEqual([
      expect.stringMatching(/^[0-9a-f]{16}$/),
      "smoke-onchange-secret-uid",
      "smoke-onchange-nginx-uid",
      "smoke-onchange-service-uid",
    ]);
    expect(always).toHaveLength(5);
    expect(Date.parse(always[4])).not.toBeNaN();
  });

  test("result and passed per cluster come from the script's JSON; a failed check does not throw", async () => {
    expect(await value(suites[0].result)).toMatchObject({
      cluster: "cluster1",
      passed: 2,
      failed: 0,
      errors: 0,
      skipped: 0,
      durationMs: 4321,
    });
    const r2 = await value(suites[1].result);
    expect(r2.checks[1]).toEqual({
      id: "nodeport",
      status: "failed",
      durationMs: 900,
      message: "NodePort 31846 did not answer 200",
      evidence: {},
      diagnostics: ["pod x"],
    });
    expect(await value(suites[0].passed)).toBe(true);
    expect(await value(suites[1].passed)).toBe(false);
    expect(await pulumi.isSecret(suites[0].result)).toBe(false);
  });

  test("stack outputs: smoke lists every cluster's result, smokePassed is false when one check failed", async () => {
    expect((await value(outputs.smoke)).map((r: Any) => r.cluster)).toEqual(["cluster1", "cluster2"]);
    expect(await value(outputs.smokePassed)).toBe(false);
  });

  test("smoke.enabled false creates nothing and reports every check skipped", async () => {
    expect(mocks.registered.filter((r) => r.name.startsWith("smoke-off-"))).toEqual([]);
    const r = await value(disabled.result);
    expect(r).toMatchObject({ cluster: "cluster1", skipped: 11, passed: 0 });
    expect(r.checks[0].message).toBe("the smoke suite is off (smoke.enabled: false)");
  });
});
