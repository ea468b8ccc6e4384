/**
 * The `clusters` key: kind clusters of the lab. Owner: foundation (issue 2).
 * STUB: shape fixed, validation rules still to be written.
 */
import { Problems } from "./problems";
import type { RawConfig } from "./raw";

export interface PortMapping {
  /** Port inside the control-plane node container. */
  containerPort: number;
  /** Host port, after the stack's port offset. */
  hostPort: number;
  /** Host address the mapping binds. Default `127.0.0.1`. */
  listenAddress: string;
  protocol: "TCP" | "UDP";
}

/** QueryPie registration settings of one cluster (see issue 4). */
export interface ClusterRegistrationConfig {
  /** Name in QueryPie. Default `<role>-cluster` (seed: production-cluster, develop-cluster). */
  name: string;
  /** API URL QueryPie uses; undefined means derived from the network mode. */
  apiUrl?: string;
  requestAudit: boolean;
  podSessionRecording: boolean;
  tags: { key: string; value: string }[];
}

export interface ClusterConfig {
  /** Name as declared in config, e.g. `cluster1`. */
  name: string;
  /** Name given to kind: namePrefix + name. */
  kindName: string;
  /** Environment label, e.g. `production`. */
  role: string;
  /** Host port of the API server, after the port offset. */
  apiServerPort: number;
  podSubnet: string;
  serviceSubnet: string;
  /** Worker nodes beside the one control-plane. */
  workers: number;
  nodeImage: string;
  portMappings: PortMapping[];
  registration: ClusterRegistrationConfig;
}

export interface ClusterContext {
  namePrefix: string;
  portOffset: number;
  /** Host ports other parts of the lab publish, with their owner for messages. */
  reservedHostPorts: { port: number; owner: string }[];
}

export const CLUSTER_KEYS = ["clusters"] as const;

export function validateClusters(raw: RawConfig, ctx: ClusterContext, problems: Problems): ClusterConfig[] {
  void raw;
  void ctx;
  void problems;
  return [];
}
