/**
 * port-forward: the API server tunnels to pods. kubectl picks an ephemeral local port
 * (8080 may be taken), then `HEAD /` must answer 200 with `Server: nginx`. The request
 * carries a unique User-Agent so the logs check can find this exact request.
 */
import type { HttpHead } from "../adapter";
import { describeHead } from "../http";
import { pickReadyPod } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type ProbeContext, type Verdict } from "../types";

export interface PortForwardEvidence {
  pod: string;
  localPort: number;
  /** User-Agent of the request, e.g. `kind-access-lab-smoke/<runId>`. */
  marker: string;
  head: HttpHead;
}

export const markerFor = (ctx: Pick<ProbeContext, "runId">) => `kind-access-lab-smoke/${ctx.runId}`;

export function verdict(e: PortForwardEvidence): Verdict {
  const server = e.head.headers.server ?? null;
  const evidence = { pod: e.pod, localPort: e.localPort, status: e.head.status, server };
  if (e.head.status === 200 && server !== null && /^nginx\b/.test(server)) {
    return {
      status: "passed",
      message: `HEAD / through 127.0.0.1:${e.localPort} -> ${e.pod}:80 answered ${describeHead(e.head)}`,
      evidence,
    };
  }
  return {
    status: "failed",
    message: `HEAD / through 127.0.0.1:${e.localPort} -> ${e.pod}:80 answered ${describeHead(e.head)}, expected 200 with Server: nginx`,
    evidence,
  };
}

export const portForward = defineCheck<PortForwardEvidence>({
  id: "port-forward",
  proves: "the API server tunnels to pods",
  needs: ["deployment"],
  diagnose: true,
  async probe(ctx) {
    const pod = await pickReadyPod(ctx);
    const marker = markerFor(ctx);
    const fwd = await ctx.adapter.portForward(pod.name, 80, {
      namespace: TEST_OBJECTS.namespace,
      signal: ctx.signal,
    });
    try {
      const head = await ctx.adapter.httpHead(`http://127.0.0.1:${fwd.localPort}/`, {
        userAgent: marker,
        signal: ctx.signal,
      });
      return { pod: pod.name, localPort: fwd.localPort, marker, head };
    } finally {
      await fwd.close();
    }
  },
  verdict,
});
