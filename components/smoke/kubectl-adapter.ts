/**
 * The real ClusterAdapter: kubectl and docker through zx, HTTP through fetch.
 *
 * Why kubectl/docker and not @kubernetes/client-node: the client 1.x is ESM-only and this is
 * a CommonJS project; kubectl already implements exec, logs and port-forward (SPDY /
 * WebSocket streams) exactly as a person runs them by hand in seed 004, and `docker exec`
 * is needed anyway for what the API cannot do (crictl on a node, HTTP from inside the
 * docker network). Every call is one child process that the check's signal kills.
 *
 * The kubeconfig is a file path on the command line, never its content.
 */
import { $ } from "zx";
import type { ClusterAdapter, ExecResult, HttpHead, PortForward, RunOptions } from "./adapter";

export interface KubectlAdapterOptions {
  /** Path of the cluster's kubeconfig file. */
  kubeconfigFile: string;
  /** Default `kubectl`. */
  kubectl?: string;
  /** Default `docker`. */
  docker?: string;
  /** How long kubectl may take to print "Forwarding from". Default 15 s. */
  portForwardReadyMs?: number;
  /** Bound on one HTTP request. Default 10 s. */
  httpTimeoutMs?: number;
}

/** `Forwarding from 127.0.0.1:41873 -> 80` → 41873. */
export function parseForwardingLine(text: string): number | undefined {
  const m = /Forwarding from 127\.0\.0\.1:(\d+) ->/.exec(text);
  return m ? Number(m[1]) : undefined;
}

async function run(cmd: string[], opts?: RunOptions): Promise<ExecResult> {
  const out = await $({ quiet: true, nothrow: true, signal: opts?.signal, input: opts?.stdin })`${cmd}`;
  return { stdout: out.stdout, stderr: out.stderr, code: out.exitCode ?? 1 };
}

export function kubectlAdapter(o: KubectlAdapterOptions): ClusterAdapter {
  const kubectl = [o.kubectl ?? "kubectl", "--kubeconfig", o.kubeconfigFile];
  const docker = o.docker ?? "docker";

  return {
    kubectl: (args, opts) => run([...kubectl, ...args], opts),

    dockerExec: (node, cmd, opts) => run([docker, "exec", node, ...cmd], opts),

    portForward(pod, remotePort, opts): Promise<PortForward> {
      const ns = opts?.namespace ?? "default";
      // `:<port>` lets kubectl pick a free local port: 8080 may be taken on a lab laptop.
      const args = [
        ...kubectl,
        "port-forward",
        "-n",
        ns,
        `pod/${pod}`,
        `:${remotePort}`,
        "--address",
        "127.0.0.1",
      ];
      const proc = $({ quiet: true, nothrow: true, signal: opts?.signal })`${args}`;
      const close = async () => {
        try {
          await proc.kill();
        } catch {
          // already exited
        }
        await proc;
      };
      return new Promise<PortForward>((resolve, reject) => {
        let seen = "";
        const timer = setTimeout(() => {
          void close();
          reject(
            new Error(
              `kubectl port-forward to ${pod} printed no "Forwarding from" within ${(o.portForwardReadyMs ?? 15_000) / 1000} s`,
            ),
          );
        }, o.portForwardReadyMs ?? 15_000);
        proc.stdout.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          const localPort = parseForwardingLine(seen);
          if (localPort !== undefined) {
            clearTimeout(timer);
            resolve({ localPort, close });
          }
        });
        void proc.then((out) => {
          clearTimeout(timer);
          reject(
            new Error(
              `kubectl port-forward to ${pod} exited (${out.exitCode ?? out.signal}): ${out.stderr.trim() || "no output"}`,
            ),
          );
        });
      });
    },

    async httpHead(url, opts): Promise<HttpHead> {
      const timeout = AbortSignal.timeout(o.httpTimeoutMs ?? 10_000);
      const res = await fetch(url, {
        method: "HEAD",
        redirect: "manual",
        headers: opts?.userAgent ? { "user-agent": opts.userAgent } : {},
        signal: opts?.signal ? AbortSignal.any([opts.signal, timeout]) : timeout,
      });
      const headers: Record<string, string> = {};
      res.headers.forEach((value, key) => (headers[key.toLowerCase()] = value));
      return { status: res.status, headers };
    },
  };
}
