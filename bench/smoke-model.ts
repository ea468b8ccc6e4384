/**
 * The smoke suite's time, modelled per check. The latencies are plausible figures for a kind
 * cluster on a laptop with the nginx image already pulled (not measured here: there is no Docker
 * engine on the machine the bench runs on); what the bench measures is how the runner combines
 * them: in parallel along the checks' dependencies, against one after another.
 */
import type { SmokeCheckId } from "../components/config/smoke";
import type { AnySmokeCheck } from "../components/smoke/types";

/** Seconds each check takes on a healthy cluster, with why. */
export const SMOKE_CHECK_SECONDS: Record<SmokeCheckId, { seconds: number; why: string }> = {
  "encryption-at-rest": { seconds: 4, why: "kubectl get pods + kubectl exec etcdctl" },
  deployment: { seconds: 30, why: "rollout of nginx: schedule, start, readiness probe" },
  scale: { seconds: 5, why: "both replicas Ready" },
  spread: { seconds: 1, why: "two kubectl gets" },
  "pod-network": { seconds: 3, why: "docker exec <node> curl <pod IP>" },
  "port-forward": { seconds: 4, why: "kubectl port-forward + HEAD /" },
  logs: { seconds: 1, why: "kubectl logs --tail" },
  exec: { seconds: 2, why: "kubectl exec nginx -v" },
  nodeport: { seconds: 3, why: "docker exec curl -I on every node" },
  runtime: { seconds: 2, why: "docker exec crictl ps" },
  "platform-access": { seconds: 1, why: "one QueryPie API call" },
};

/** Starting `tsx scripts/smoke.ts` and loading kubeconfig, before the first check. */
export const SMOKE_PROCESS_START_SECONDS = 2;

export const secondsOf = (id: SmokeCheckId) => SMOKE_CHECK_SECONDS[id].seconds;

/** Finish time of the last check when each starts as soon as what it needs has finished. */
export function parallelSeconds(
  checks: readonly Pick<AnySmokeCheck, "id" | "needs">[],
  seconds = secondsOf,
): number {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const finish = new Map<SmokeCheckId, number>();
  const visit = (id: SmokeCheckId, path: SmokeCheckId[]): number => {
    const known = finish.get(id);
    if (known !== undefined) return known;
    if (path.includes(id)) throw new Error(`smoke checks form a cycle: ${[...path, id].join(" -> ")}`);
    const check = byId.get(id);
    if (!check) return 0;
    const start = Math.max(0, ...check.needs.map((n) => visit(n, [...path, id])));
    const done = start + seconds(id);
    finish.set(id, done);
    return done;
  };
  return Math.max(0, ...checks.map((c) => visit(c.id, [])));
}

/** One check after another. */
export function serialSeconds(checks: readonly Pick<AnySmokeCheck, "id">[], seconds = secondsOf): number {
  return checks.reduce((sum, c) => sum + seconds(c.id), 0);
}

/** Modelled time of one cluster's `smoke-<c>-run` step: process start plus the parallel checks. */
export function smokeRunSeconds(checks: readonly Pick<AnySmokeCheck, "id" | "needs">[]): number {
  return SMOKE_PROCESS_START_SECONDS + parallelSeconds(checks);
}

/** The same check, first waiting `ms` on the suite's clock (the recorded latency), then probing. */
export function withLatency(check: AnySmokeCheck, ms: number): AnySmokeCheck {
  return {
    ...check,
    probe: async (ctx) => {
      await ctx.sleep(ms);
      return check.probe(ctx);
    },
  } as AnySmokeCheck;
}

/**
 * The checks run one after another: each also needs the one before it. The order given must
 * already respect the checks' own needs (the report order does).
 */
export function serialized(checks: readonly AnySmokeCheck[]): AnySmokeCheck[] {
  const seen = new Set<SmokeCheckId>();
  return checks.map((c, i) => {
    for (const need of c.needs) {
      if (!seen.has(need))
        throw new Error(`serialized: ${c.id} needs ${need}, which comes later or not at all`);
    }
    seen.add(c.id);
    const prev = checks[i - 1];
    return prev && !c.needs.includes(prev.id) ? ({ ...c, needs: [...c.needs, prev.id] } as AnySmokeCheck) : c;
  });
}
