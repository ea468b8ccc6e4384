/** Small helpers the probes share. Side effects only through the context's adapter. */
import type { ExecResult } from "./adapter";
import { firstLine, parseNodes, parsePods, readyPods, type NodeInfo, type PodInfo } from "./k8s-json";
import { TEST_OBJECTS, type ProbeContext } from "./types";

/** kubectl that must succeed; its failure becomes the check's error message. */
export async function kubectlOk(ctx: ProbeContext, args: string[]): Promise<string> {
  const r = await ctx.adapter.kubectl(args, { signal: ctx.signal });
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(" ")} failed (exit ${r.code}): ${firstLine(r.stderr)}`);
  return r.stdout;
}

export function kubectl(ctx: ProbeContext, args: string[]): Promise<ExecResult> {
  return ctx.adapter.kubectl(args, { signal: ctx.signal });
}

/**
 * Re-reads until `done` holds, the soft deadline passes or `maxWaitMs` is used up, and returns
 * the last reading: the verdict then explains what was still missing instead of a bare timeout.
 */
export async function pollUntil<T>(
  ctx: ProbeContext,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  opts: { intervalMs?: number; maxWaitMs?: number } = {},
): Promise<T> {
  const interval = opts.intervalMs ?? 2000;
  const until = Math.min(ctx.deadline, ctx.now() + (opts.maxWaitMs ?? Infinity));
  for (;;) {
    const value = await read();
    if (done(value) || ctx.signal.aborted || ctx.now() + interval >= until) return value;
    await ctx.sleep(interval);
  }
}

export async function nginxPodsJson(ctx: ProbeContext): Promise<string> {
  return kubectlOk(ctx, [
    "get",
    "pods",
    "-n",
    TEST_OBJECTS.namespace,
    "-l",
    TEST_OBJECTS.label,
    "-o",
    "json",
  ]);
}

export async function nodesJson(ctx: ProbeContext): Promise<string> {
  return kubectlOk(ctx, ["get", "nodes", "-o", "json"]);
}

/** The ready nginx pod every probe picks (the first by name), or a clear error. */
export async function pickReadyPod(ctx: ProbeContext): Promise<PodInfo> {
  const pods = parsePods(await nginxPodsJson(ctx));
  const ready = readyPods(pods);
  if (ready.length === 0) {
    throw new Error(
      `no ready nginx pod in namespace ${TEST_OBJECTS.namespace} (${pods.length} pod(s) found); see the deployment check`,
    );
  }
  return ready[0];
}

export async function listNodes(ctx: ProbeContext): Promise<NodeInfo[]> {
  return parseNodes(await nodesJson(ctx));
}

/** `http://<ip>/`, with brackets for IPv6. */
export function httpUrl(ip: string, port?: number): string {
  const host = ip.includes(":") ? `[${ip}]` : ip;
  return `http://${host}${port ? `:${port}` : ""}/`;
}
