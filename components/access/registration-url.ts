/**
 * Where QueryPie reaches a cluster's API server, and the Kubernetes version it records.
 * Pure: the network mode is decided by the caller (`resolveNetworkMode`).
 */
import type { ClusterConfig } from "../config/clusters";

export type ConcreteNetworkMode = "linux" | "docker-desktop";

/**
 * The API URL registered in QueryPie for a cluster:
 * - `cluster.registration.apiUrl` when set (the user knows better);
 * - Linux: `https://<kindName>-control-plane:6443`, the node's name on the docker network
 *   `kind`, to which the QueryPie app container is attached (kind publishes the API server on
 *   127.0.0.1 only, so host.docker.internal does not reach it there);
 * - Docker Desktop: `https://host.docker.internal:<apiServerPort>` (seed 000), which Docker
 *   Desktop forwards to the host's 127.0.0.1.
 * Both host names are in the API server certificate's SANs (kind config, issue 2).
 */
export function registrationApiUrl(
  cluster: Pick<ClusterConfig, "kindName" | "apiServerPort" | "registration">,
  mode: ConcreteNetworkMode,
): string {
  if (cluster.registration.apiUrl) return cluster.registration.apiUrl;
  return mode === "linux"
    ? `https://${cluster.kindName}-control-plane:6443`
    : `https://host.docker.internal:${cluster.apiServerPort}`;
}

/** `kindest/node:v1.33.1@sha256:...` -> `1.33.1`; undefined when the tag is not a version. */
export function kubernetesVersionFromImage(nodeImage: string): string | undefined {
  const m = /:v(\d+\.\d+\.\d+)(?:@|$)/.exec(nodeImage);
  return m?.[1];
}
