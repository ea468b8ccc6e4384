/**
 * Renders one cluster's kind v1alpha4 config: exactly what `kind create cluster --config -`
 * receives. Pure, built as data and serialised with the `yaml` library.
 *
 * Field for field the seed's configs (seed 000), plus, each for a stated reason:
 * - `image` on every node: the node image pinned by digest (the seed used kind's default);
 * - `listenAddress`/`protocol` on port mappings: kind binds 0.0.0.0 unless told otherwise;
 * - `extraMounts` + a ClusterConfiguration patch: encryption at rest (LAB-SPEC §2);
 * - an InitConfiguration patch `nodeRegistration.taints: []`: the control-plane takes pods,
 *   so two nginx replicas can spread over two nodes (smoke check `spread`).
 * Patches carry no `apiVersion`: kind ignores a patch whose apiVersion differs from the
 * kubeadm API it generates (v1beta3 for Kubernetes 1.33), and without one it always matches.
 */
import { stringify } from "yaml";
import type { ClusterConfig } from "../config/clusters";
import { ENCRYPTION_CONFIG_FILE, ENCRYPTION_CONTAINER_DIR } from "./paths";

export interface RenderOptions {
  /** Absolute host directory holding the EncryptionConfiguration (see `kindPaths`). */
  encryptionHostDir: string;
}

/** SANs the seed adds so QueryPie can reach the API server by these names. */
export function apiServerCertSans(kindName: string): string[] {
  return ["host.docker.internal", "localhost", "127.0.0.1", `${kindName}-control-plane`];
}

const ETCD_CERT_SANS = ["host.docker.internal", "localhost", "127.0.0.1"];

const YAML_OPTIONS = { aliasDuplicateObjects: false, lineWidth: 0 } as const;

function patch(doc: Record<string, unknown>): string {
  return stringify(doc, YAML_OPTIONS);
}

/** The seed's patch, unchanged. */
function certSansPatch(kindName: string): string {
  return patch({
    kind: "ClusterConfiguration",
    apiServer: { certSANs: apiServerCertSans(kindName) },
    etcd: { local: { serverCertSANs: ETCD_CERT_SANS, peerCertSANs: ETCD_CERT_SANS } },
  });
}

function encryptionPatch(): string {
  return patch({
    kind: "ClusterConfiguration",
    apiServer: {
      extraArgs: { "encryption-provider-config": `${ENCRYPTION_CONTAINER_DIR}/${ENCRYPTION_CONFIG_FILE}` },
      extraVolumes: [
        {
          name: "encryption-config",
          hostPath: ENCRYPTION_CONTAINER_DIR,
          mountPath: ENCRYPTION_CONTAINER_DIR,
          readOnly: true,
          pathType: "Directory",
        },
      ],
    },
  });
}

function untaintPatch(): string {
  return patch({ kind: "InitConfiguration", nodeRegistration: { taints: [] } });
}

/** The config as data; `renderKindConfig` serialises it. */
export function kindConfigDocument(cluster: ClusterConfig, opts: RenderOptions): Record<string, unknown> {
  if (!opts.encryptionHostDir.startsWith("/")) {
    throw new Error(
      `encryptionHostDir "${opts.encryptionHostDir}" is not absolute; kind would resolve it against its own working directory.`,
    );
  }
  const controlPlane: Record<string, unknown> = {
    role: "control-plane",
    image: cluster.nodeImage,
  };
  if (cluster.portMappings.length > 0) {
    controlPlane.extraPortMappings = cluster.portMappings.map((m) => ({
      containerPort: m.containerPort,
      hostPort: m.hostPort,
      listenAddress: m.listenAddress,
      protocol: m.protocol,
    }));
  }
  controlPlane.extraMounts = [
    { hostPath: opts.encryptionHostDir, containerPath: ENCRYPTION_CONTAINER_DIR, readOnly: true },
  ];
  controlPlane.kubeadmConfigPatches = [certSansPatch(cluster.kindName), encryptionPatch(), untaintPatch()];

  const workers = Array.from({ length: cluster.workers }, () => ({
    role: "worker",
    image: cluster.nodeImage,
  }));
  return {
    kind: "Cluster",
    apiVersion: "kind.x-k8s.io/v1alpha4",
    name: cluster.kindName,
    networking: {
      apiServerPort: cluster.apiServerPort,
      podSubnet: cluster.podSubnet,
      serviceSubnet: cluster.serviceSubnet,
    },
    nodes: [controlPlane, ...workers],
  };
}

/** kind v1alpha4 YAML for one cluster. */
export function renderKindConfig(cluster: ClusterConfig, opts: RenderOptions): string {
  return stringify(kindConfigDocument(cluster, opts), { ...YAML_OPTIONS, blockQuote: "literal" });
}
