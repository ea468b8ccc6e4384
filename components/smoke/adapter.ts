/**
 * The seams between the smoke checks and the world. Probes only talk to a cluster through
 * `ClusterAdapter` and to QueryPie through `PlatformAccessProbe`, so every check runs
 * against a fake in tests and against kubectl/docker (see kubectl-adapter.ts) for real.
 */

/** What a finished command printed and how it ended. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code; non-zero when the command failed. */
  code: number;
}

export interface RunOptions {
  /** Written to the command's standard input. */
  stdin?: string;
  /** Aborted when the check times out: the command is killed. */
  signal?: AbortSignal;
}

/** Status line and headers of an HTTP response; header names are lower case. */
export interface HttpHead {
  status: number;
  headers: Record<string, string>;
}

export interface HttpOptions {
  /** Sent as User-Agent, so the request can be found again in the access log. */
  userAgent?: string;
  signal?: AbortSignal;
}

/** A running `kubectl port-forward`. */
export interface PortForward {
  /** The local port kubectl picked (never a fixed one such as 8080). */
  localPort: number;
  close(): Promise<void>;
}

export interface ClusterAdapter {
  /** Runs `kubectl --kubeconfig <the cluster's file> <args>`. */
  kubectl(args: string[], opts?: RunOptions): Promise<ExecResult>;
  /** Runs `docker exec <node> <cmd>`; kind node container names equal Kubernetes node names. */
  dockerExec(node: string, cmd: string[], opts?: RunOptions): Promise<ExecResult>;
  /** Forwards an ephemeral 127.0.0.1 port to `remotePort` of a pod. */
  portForward(
    pod: string,
    remotePort: number,
    opts?: { namespace?: string; signal?: AbortSignal },
  ): Promise<PortForward>;
  /** HEAD request from this host. */
  httpHead(url: string, opts?: HttpOptions): Promise<HttpHead>;
}

/** A cluster a QueryPie user can reach, and the roles that grant it. */
export interface AccessibleCluster {
  clusterName: string;
  roleNames: string[];
}

/**
 * The one question `platform-access` asks QueryPie. The platform client (components/platform)
 * can implement it; `platform-probe.ts` holds a small HTTP implementation.
 */
export interface PlatformAccessProbe {
  accessibleClusters(
    loginId: string,
    opts?: { signal?: AbortSignal },
  ): Promise<{ userFound: boolean; clusters: AccessibleCluster[] }>;
}
