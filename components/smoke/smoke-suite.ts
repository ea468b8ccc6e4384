/**
 * SmokeSuite: the Kubernetes the Hard Way smoke suite (seed 004, LAB-SPEC §4) on one cluster.
 *
 * Declares the test objects through the cluster's own provider (Secret
 * `kubernetes-the-hard-way`, Deployment `nginx` with 2 spread replicas, Service `nginx` of
 * type NodePort), then runs the checks with a `command.local.Command` that calls
 * `scripts/smoke.ts` for this one cluster. Why a command and not a dynamic provider: the
 * checks spawn kubectl/docker through zx, which must not be captured in a serialised provider
 * closure, and the command keeps the secrets in `environment` (never argv) and the progress in
 * the `pulumi up` log. A failing check does not fail `up` (the script runs with --no-fail
 * and the failure is in `result`); a runner that cannot run at all (no kubectl, bad
 * kubeconfig, crash) exits 2 and fails `up`.
 */
import { createHash } from "node:crypto";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT_DIR } from "../config";
import type { ClusterConfig } from "../config/clusters";
import { SMOKE_CHECK_IDS, type SmokeConfig } from "../config/smoke";
import { ENV } from "./cli";
import { parseClusterResult } from "./result-schema";
import { smokePassedOf } from "./runner";
import { TEST_OBJECTS, type ClusterSmokeResult } from "./types";

/** QueryPie settings `platform-access` needs. */
export interface SmokePlatformAccess {
  /**
   * QueryPie as seen from this host: `AccessPlatform.webUrl` (`http://127.0.0.1:8000`) or
   * `AccessPlatform.apiBaseUrl` (the same plus `/api/external/v2`, which is removed).
   */
  apiBaseUrl: pulumi.Input<string>;
  /** API token (secret). */
  token: pulumi.Input<string>;
  /** QueryPie user whose accessible clusters are read, e.g. `qp-admin` (LabConfig.smoke.loginId). */
  loginId: string;
  /** The cluster's name in QueryPie (ClusterConfig.registration.name). */
  registrationName: string;
}

export interface SmokeSuiteArgs {
  /** The validated cluster, one entry of `LabConfig.clusters`. Required. */
  cluster: ClusterConfig;
  /** The cluster's own provider (`KindCluster.provider`); every test object goes through it. Required. */
  provider: k8s.Provider;
  /** Host kubeconfig content (`KindCluster.kubeconfig`); always handled as a secret. Required. */
  kubeconfig: pulumi.Input<string>;
  /** `LabConfig.smoke`. Required. */
  smoke: SmokeConfig;
  /** Where platform-access looks. Default: absent, and platform-access is skipped with `platformSkipReason`. */
  platformAccess?: SmokePlatformAccess;
  /** Why platform-access is skipped when `platformAccess` is absent. Default "the access platform is off or has no API token". */
  platformSkipReason?: string;
}

const LABELS = {
  app: "nginx",
  "app.kubernetes.io/part-of": "kind-access-lab",
  "app.kubernetes.io/component": "smoke-test",
};
// The smoke checks judge readiness themselves, with timeouts and diagnostics: Pulumi's own
// await would fail `up` on a slow image pull instead of reporting it.
const SKIP_AWAIT = { "pulumi.com/skipAwait": "true" };

/** Single-quotes a word for /bin/sh. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command line of one cluster's run; secrets travel in the environment, never here. */
export function smokeCommandLine(args: {
  kindName: string;
  smoke: SmokeConfig;
  platform?: { loginId: string; registrationName: string };
  platformSkipReason: string;
}): string {
  const words = [
    "./node_modules/.bin/tsx",
    "scripts/smoke.ts",
    "--cluster",
    args.kindName,
    "--kubeconfig-env",
    ENV.kubeconfig,
    "--json",
    "--no-fail",
    "--check-timeout",
    String(args.smoke.checkTimeoutSeconds),
    "--suite-timeout",
    String(args.smoke.suiteTimeoutSeconds),
  ];
  if (args.smoke.skip.length) words.push("--skip", args.smoke.skip.join(","));
  if (args.platform) {
    words.push("--login-id", args.platform.loginId, "--platform-cluster", args.platform.registrationName);
  } else {
    words.push("--platform-skip-reason", args.platformSkipReason);
  }
  return words.map(shellQuote).join(" ");
}

/** Changes whenever what the suite would check changes (onChange re-runs on it). */
export function smokeInputsHash(
  cluster: ClusterConfig,
  smoke: SmokeConfig,
  platform?: { loginId: string; registrationName: string },
): string {
  return createHash("sha256")
    .update(JSON.stringify({ cluster, smoke, platform: platform ?? null }))
    .digest("hex")
    .slice(0, 16);
}

/** The result when the suite is off: every check skipped, nothing created. */
export function disabledResult(kindName: string): ClusterSmokeResult {
  return {
    cluster: kindName,
    passed: 0,
    failed: 0,
    errors: 0,
    skipped: SMOKE_CHECK_IDS.length,
    durationMs: 0,
    checks: SMOKE_CHECK_IDS.map((id) => ({
      id,
      status: "skipped" as const,
      durationMs: 0,
      message: "the smoke suite is off (smoke.enabled: false)",
      evidence: {},
    })),
  };
}

export class SmokeSuite extends pulumi.ComponentResource {
  /** `{ cluster, passed, failed, errors, skipped, durationMs, checks: [{ id, status, durationMs, message, evidence, diagnostics? }] }` of the last run. */
  readonly result: pulumi.Output<ClusterSmokeResult>;
  /** True when no check failed or errored. */
  readonly passed: pulumi.Output<boolean>;
  /** The test objects and the run; undefined when `smoke.enabled` is false. */
  readonly secret?: k8s.core.v1.Secret;
  readonly deployment?: k8s.apps.v1.Deployment;
  readonly service?: k8s.core.v1.Service;
  readonly run?: command.local.Command;

  constructor(name: string, args: SmokeSuiteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lab:index:SmokeSuite", name, {}, opts);
    const { cluster, smoke } = args;

    if (!smoke.enabled) {
      this.result = pulumi.output(disabledResult(cluster.kindName));
      this.passed = pulumi.output(true);
      this.registerOutputs({ result: this.result, passed: this.passed });
      return;
    }

    // Children do not inherit a component's dependsOn (e.g. on the access grants): pass it on.
    const dependsOn = opts?.dependsOn ?? [];
    const onCluster = { parent: this, provider: args.provider, dependsOn };
    const ns = TEST_OBJECTS.namespace;

    this.secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      {
        metadata: { name: TEST_OBJECTS.secret, namespace: ns, labels: LABELS },
        type: "Opaque",
        stringData: { mykey: pulumi.secret("mydata") },
      },
      { ...onCluster, additionalSecretOutputs: ["data", "stringData"] },
    );

    const podLabels = { app: LABELS.app };
    this.deployment = new k8s.apps.v1.Deployment(
      `${name}-nginx`,
      {
        metadata: { name: TEST_OBJECTS.deployment, namespace: ns, labels: LABELS, annotations: SKIP_AWAIT },
        spec: {
          replicas: TEST_OBJECTS.replicas,
          selector: { matchLabels: podLabels },
          template: {
            metadata: { labels: podLabels },
            spec: {
              // kind keeps the control-plane's NoSchedule taint when there are workers (it lifts it
              // only on a one-node cluster); this lab's kind config drops it (`taints: []`). Tolerate
              // it anyway and spread by hostname: 2 replicas on 2 nodes whether the taint is there or not.
              tolerations: [
                { key: "node-role.kubernetes.io/control-plane", operator: "Exists", effect: "NoSchedule" },
              ],
              topologySpreadConstraints: [
                {
                  maxSkew: 1,
                  topologyKey: "kubernetes.io/hostname",
                  whenUnsatisfiable: "DoNotSchedule",
                  labelSelector: { matchLabels: podLabels },
                },
              ],
              containers: [
                {
                  name: TEST_OBJECTS.container,
                  image: smoke.nginxImage,
                  ports: [{ name: "http", containerPort: 80 }],
                  readinessProbe: { httpGet: { path: "/", port: 80 }, periodSeconds: 2 },
                },
              ],
            },
          },
        },
      },
      onCluster,
    );

    this.service = new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: { name: TEST_OBJECTS.service, namespace: ns, labels: LABELS, annotations: SKIP_AWAIT },
        spec: {
          type: "NodePort",
          selector: podLabels,
          ports: [{ name: "http", port: 80, targetPort: 80, protocol: "TCP" }],
        },
      },
      onCluster,
    );

    const pa = args.platformAccess;
    const platform = pa ? { loginId: pa.loginId, registrationName: pa.registrationName } : undefined;
    const environment: Record<string, pulumi.Input<string>> = {
      [ENV.kubeconfig]: pulumi.secret(args.kubeconfig),
    };
    if (pa) {
      environment[ENV.url] = pa.apiBaseUrl;
      environment[ENV.token] = pulumi.secret(pa.token);
    }
    const triggers: pulumi.Input<string>[] = [
      smokeInputsHash(cluster, smoke, platform),
      // New objects (e.g. the cluster was re-created) mean a new run.
      this.secret.metadata.uid,
      this.deployment.metadata.uid,
      this.service.metadata.uid,
    ];
    // `always`: a value that differs on every `pulumi up`, so the command is replaced and re-runs.
    if (smoke.rerun === "always") triggers.push(new Date().toISOString());

    this.run = new command.local.Command(
      `${name}-run`,
      {
        create: smokeCommandLine({
          kindName: cluster.kindName,
          smoke,
          platform,
          platformSkipReason: args.platformSkipReason ?? "the access platform is off or has no API token",
        }),
        dir: PROJECT_DIR,
        environment,
        triggers,
        // The table and progress (stderr) show in the `up` log; stdout is the JSON report.
        logging: "stderr",
        addPreviousOutputInEnv: false,
      },
      {
        parent: this,
        dependsOn: withDependencies([this.secret, this.deployment, this.service], opts?.dependsOn),
        customTimeouts: { create: `${Math.ceil(smoke.suiteTimeoutSeconds / 60) + 2}m` },
      },
    );

    // The report holds no secret (the script never prints one); stdout may still come back
    // marked secret because the command's environment is, which would hide it in outputs.
    this.result = pulumi.unsecret(this.run.stdout.apply((out) => parseClusterResult(out, cluster.kindName)));
    this.passed = this.result.apply((r) => smokePassedOf([r]));
    this.registerOutputs({ result: this.result, passed: this.passed });
  }
}

type DependsOn = pulumi.ResourceOptions["dependsOn"];

/** The run waits for its own objects and for whatever the suite as a whole was told to wait for. */
function withDependencies(own: pulumi.Resource[], extra: DependsOn): DependsOn {
  if (extra === undefined) return own;
  if (Array.isArray(extra)) return [...own, ...extra];
  return pulumi
    .output(extra as pulumi.Input<pulumi.Resource | pulumi.Resource[]>)
    .apply((x) => [...own, ...(Array.isArray(x) ? x : [x])]);
}

/** Stack outputs for all suites: `smoke` (one result per cluster) and `smokePassed`. */
export function smokeOutputs(suites: SmokeSuite[]): {
  smoke: pulumi.Output<ClusterSmokeResult[]>;
  smokePassed: pulumi.Output<boolean>;
} {
  const smoke = pulumi.all(suites.map((s) => s.result));
  return { smoke, smokePassed: smoke.apply((rs) => smokePassedOf(rs)) };
}
