/**
 * KindCluster: one kind cluster with encryption at rest, created and deleted by the `kind`
 * CLI through @pulumi/command, with its kubeconfig in a file the stack owns (never
 * ~/.kube/config), a readiness and drift check on every `up`, and a k8s.Provider built from
 * the cluster's own kubeconfig.
 */
import { createHash } from "node:crypto";
import * as command from "@pulumi/command";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { ClusterConfig } from "../config/clusters";
import { renderEncryptionConfig } from "./encryption";
import { caCertificateFromKubeconfig, parseServerVersion } from "./kubeconfig";
import { kindPaths } from "./paths";
import { renderKindConfig } from "./render";
import * as scripts from "./scripts";

export interface KindClusterArgs {
  /** The validated cluster, one entry of `LabConfig.clusters`. Required. */
  cluster: ClusterConfig;
  /**
   * Absolute directory the stack owns (`LabConfig.stateDir`). Required. The cluster's files go
   * to `<stateDir>/<kindName>/`: `kubeconfig` and `encryption/encryption-config.yaml`.
   */
  stateDir: string;
  /** Seconds to wait for every node to be Ready on each `up`. Default 300. */
  readyTimeoutSeconds?: number;
}

export class KindCluster extends pulumi.ComponentResource {
  /** Name kind and Docker know the cluster by: namePrefix + name. */
  readonly kindName: pulumi.Output<string>;
  /** kubectl context name in the kubeconfig file: `kind-<kindName>`. */
  readonly contextName: pulumi.Output<string>;
  /** API server as seen from the host: `https://127.0.0.1:<apiServerPort>`. */
  readonly endpoint: pulumi.Output<string>;
  /** API server as seen from containers on the docker network `kind`: `https://<kindName>-control-plane:6443`. */
  readonly internalEndpoint: pulumi.Output<string>;
  /** Kubeconfig for the host (secret: it holds the admin client key). */
  readonly kubeconfig: pulumi.Output<string>;
  /** Kubeconfig for containers on the `kind` network (secret). */
  readonly internalKubeconfig: pulumi.Output<string>;
  /** Cluster CA certificate, PEM (not secret). */
  readonly clusterCaCertificate: pulumi.Output<string>;
  /** Kubernetes server version, e.g. `v1.33.1`. */
  readonly serverVersion: pulumi.Output<string>;
  /** Kubeconfig file the stack owns: `export KUBECONFIG=<this>` or `kubectl --kubeconfig <this>`. */
  readonly kubeconfigPath: pulumi.Output<string>;
  /** Nodes the cluster has: one control-plane plus the workers. */
  readonly nodeCount: pulumi.Output<number>;
  /** Provider for this cluster alone, built from its kubeconfig content (not a file, not a context). */
  readonly provider: k8s.Provider;
  /**
   * The `kind create` step alone. The next batch of clusters waits for this, not for the whole
   * component: kind's trouble is concurrent creates (issue 1288), not a create beside a readiness wait.
   */
  readonly created: pulumi.Resource;

  constructor(name: string, args: KindClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lab:index:KindCluster", name, {}, opts);
    const { cluster } = args;
    const paths = kindPaths(args.stateDir, cluster.kindName);
    const readyTimeout = args.readyTimeoutSeconds ?? 300;
    const nodeCount = 1 + cluster.workers;
    // Children do not inherit a component's dependsOn: pass the lead's batch chaining on.
    const batchDependsOn = opts?.dependsOn ?? [];

    const key = new random.RandomBytes(
      `${name}-encryption-key`,
      { length: 32 },
      // The SDK already marks base64 and hex as secret outputs.
      { parent: this },
    );

    const encryptionConfig = new command.local.Command(
      `${name}-encryption-config`,
      {
        create: scripts.WRITE_ENCRYPTION_CONFIG,
        update: scripts.WRITE_ENCRYPTION_CONFIG,
        delete: scripts.DELETE_ENCRYPTION_CONFIG,
        stdin: pulumi.secret(key.base64.apply(renderEncryptionConfig)),
        environment: {
          LAB_ENCRYPTION_DIR: paths.encryptionDir,
          LAB_ENCRYPTION_CONFIG: paths.encryptionConfig,
        },
      },
      { parent: this, dependsOn: batchDependsOn },
    );

    const kindConfig = renderKindConfig(cluster, { encryptionHostDir: paths.encryptionDir });
    const create = new command.local.Command(
      `${name}-create`,
      {
        create: scripts.CREATE_CLUSTER,
        update: scripts.UPDATE_CLUSTER,
        delete: scripts.DELETE_CLUSTER,
        stdin: kindConfig,
        environment: {
          LAB_KIND_NAME: cluster.kindName,
          LAB_KUBECONFIG: paths.kubeconfig,
          LAB_ENCRYPTION_CONFIG: paths.encryptionConfig,
          LAB_ENCRYPTION_URN: encryptionConfig.urn,
        },
        // kind cannot change a cluster in place: any change of what it was created from replaces it.
        triggers: [
          createHash("sha256").update(kindConfig).digest("hex"),
          cluster.nodeImage,
          cluster.kindName,
          paths.kubeconfig,
        ],
      },
      {
        parent: this,
        // The file before the cluster (and, through it, the lead's batch dependencies).
        dependsOn: [encryptionConfig],
        deleteBeforeReplace: true,
        replaceOnChanges: ["stdin"],
        customTimeouts: { create: "15m", update: "2m", delete: "5m" },
      },
    );

    this.created = create;

    const ready = new command.local.Command(
      `${name}-ready`,
      {
        create: scripts.CHECK_READY,
        update: scripts.CHECK_READY,
        environment: {
          LAB_KIND_NAME: cluster.kindName,
          LAB_KUBECONFIG: paths.kubeconfig,
          LAB_EXPECTED_NODES: String(nodeCount),
          LAB_READY_TIMEOUT: String(readyTimeout),
          LAB_CREATE_URN: create.urn,
          // Changes on every run, so the check runs on every `up` (drift: see docs/clusters.md).
          LAB_CHECKED_AT: new Date().toISOString(),
        },
        triggers: [create.id],
      },
      {
        parent: this,
        dependsOn: [create],
        customTimeouts: {
          create: `${Math.ceil(readyTimeout / 60) + 3}m`,
          update: `${Math.ceil(readyTimeout / 60) + 3}m`,
        },
      },
    );

    // Read once per cluster: a recreated cluster has new certificates, so a new kubeconfig.
    const readKubeconfig = (part: string, script: string) =>
      new command.local.Command(
        `${name}-${part}`,
        {
          create: script,
          environment: { LAB_KIND_NAME: cluster.kindName },
          triggers: [create.id],
          logging: "stderr",
        },
        { parent: this, dependsOn: [create], additionalSecretOutputs: ["stdout"] },
      );
    const kubeconfigCmd = readKubeconfig("kubeconfig", scripts.GET_KUBECONFIG);
    const internalKubeconfigCmd = readKubeconfig("internal-kubeconfig", scripts.GET_INTERNAL_KUBECONFIG);

    this.kindName = pulumi.output(cluster.kindName);
    this.contextName = pulumi.output(`kind-${cluster.kindName}`);
    this.endpoint = pulumi.output(`https://127.0.0.1:${cluster.apiServerPort}`);
    this.internalEndpoint = pulumi.output(`https://${cluster.kindName}-control-plane:6443`);
    this.kubeconfigPath = pulumi.output(paths.kubeconfig);
    this.nodeCount = pulumi.output(nodeCount);
    this.kubeconfig = pulumi.secret(kubeconfigCmd.stdout);
    this.internalKubeconfig = pulumi.secret(internalKubeconfigCmd.stdout);
    // A CA certificate is public; unsecret it so other components and outputs can show it.
    this.clusterCaCertificate = pulumi.unsecret(kubeconfigCmd.stdout.apply(caCertificateFromKubeconfig));
    this.serverVersion = ready.stdout.apply(parseServerVersion);

    this.provider = new k8s.Provider(
      `${name}-provider`,
      {
        kubeconfig: this.kubeconfig,
        // When the cluster is already gone, `destroy` may drop its objects from the state.
        deleteUnreachable: true,
      },
      {
        parent: this,
        dependsOn: [ready],
        // A recreated cluster is empty: replacing the provider replaces everything created through it.
        replaceOnChanges: ["kubeconfig"],
      },
    );

    this.registerOutputs({
      kindName: this.kindName,
      contextName: this.contextName,
      endpoint: this.endpoint,
      internalEndpoint: this.internalEndpoint,
      kubeconfig: this.kubeconfig,
      internalKubeconfig: this.internalKubeconfig,
      clusterCaCertificate: this.clusterCaCertificate,
      serverVersion: this.serverVersion,
      kubeconfigPath: this.kubeconfigPath,
      nodeCount: this.nodeCount,
    });
  }
}
