import { describe, expect, test } from "vitest";
import type { ClusterAdapter } from "../../components/smoke/adapter";
import { ALL_CHECKS } from "../../components/smoke/checks";
import { assertAcyclic, realClock, runSuite, runSuites, type Clock } from "../../components/smoke/runner";
import {
  defineCheck,
  type AnySmokeCheck,
  type SmokeCheckId,
  type Verdict,
} from "../../components/smoke/types";
import { FakeCluster, grantedProbe, healthyRules, RUN_ID, type Rule } from "./fake-adapter";
import { fail, fx } from "./fixtures";

const noAdapter = {} as ClusterAdapter;
const passed: Verdict = { status: "passed", message: "ok", evidence: {} };

/** A synthetic check that waits `ms` on the suite's clock, then returns `v`. */
function timed(
  id: SmokeCheckId,
  ms: number,
  needs: SmokeCheckId[] = [],
  v: Verdict = passed,
  diagnose = false,
): AnySmokeCheck {
  return defineCheck<Verdict>({
    id,
    proves: id,
    needs,
    diagnose,
    probe: async (ctx) => {
      await ctx.sleep(ms);
      return v;
    },
    verdict: (e) => e,
  });
}

const base = { cluster: "cluster1", adapter: noAdapter, checkTimeoutMs: 5000, suiteTimeoutMs: 30_000 };

describe("runner: parallelism", () => {
  test("independent checks run in parallel: wall time is near the slowest, well under the sum", async () => {
    const delays = [120, 160, 200, 240];
    const ids: SmokeCheckId[] = ["encryption-at-rest", "deployment", "platform-access", "exec"];
    const started = performance.now();
    const r = await runSuite({ ...base, checks: ids.map((id, i) => timed(id, delays[i])) });
    const wall = performance.now() - started;
    const sum = delays.reduce((a, b) => a + b, 0);
    expect(r.passed).toBe(4);
    expect(wall).toBeGreaterThanOrEqual(235);
    expect(wall).toBeLessThan(0.6 * sum);
  });

  test("the real checks against a fake cluster with 40 ms per call: wall time under 0.6 x the sum of check durations", async () => {
    const cluster = new FakeCluster(healthyRules(40), { delayMs: 40 });
    const started = performance.now();
    const r = await runSuite({
      ...base,
      adapter: cluster,
      runId: RUN_ID,
      platform: { probe: grantedProbe, loginId: "qp-admin", clusterName: "production-cluster" },
    });
    const wall = performance.now() - started;
    expect(r.checks.map((c) => [c.id, c.status])).toEqual(ALL_CHECKS.map((c) => [c.id, "passed"]));
    const sum = r.checks.reduce((n, c) => n + c.durationMs, 0);
    expect(wall).toBeLessThan(0.6 * sum);
  });

  test("dependencies are respected: a check starts only after what it needs has passed", async () => {
    const order: string[] = [];
    const rec = (id: SmokeCheckId, needs: SmokeCheckId[], ms: number) =>
      defineCheck<Verdict>({
        id,
        proves: id,
        needs,
        diagnose: false,
        probe: async (ctx) => {
          order.push(`start ${id}`);
          await ctx.sleep(ms);
          order.push(`end ${id}`);
          return passed;
        },
        verdict: (e) => e,
      });
    await runSuite({
      ...base,
      checks: [rec("deployment", [], 30), rec("scale", ["deployment"], 10), rec("spread", ["scale"], 10)],
    });
    expect(order).toEqual([
      "start deployment",
      "end deployment",
      "start scale",
      "end scale",
      "start spread",
      "end spread",
    ]);
  });

  test("clusters run in parallel and each keeps its own results", async () => {
    const started = performance.now();
    const report = await runSuites([
      { ...base, cluster: "cluster1", checks: [timed("deployment", 200)] },
      {
        ...base,
        cluster: "cluster2",
        checks: [timed("deployment", 200, [], { status: "failed", message: "no", evidence: {} })],
      },
    ]);
    expect(performance.now() - started).toBeLessThan(350);
    expect(report.smokePassed).toBe(false);
    expect(report.clusters.map((c) => [c.cluster, c.passed, c.failed])).toEqual([
      ["cluster1", 1, 0],
      ["cluster2", 0, 1],
    ]);
  });
});

describe("runner: isolation", () => {
  test("a hanging check times out on its own; the others pass and its dependents are skipped with the reason", async () => {
    let signal: AbortSignal | undefined;
    const hanging = defineCheck<Verdict>({
      id: "port-forward",
      proves: "",
      needs: [],
      diagnose: false,
      probe: (ctx) => {
        signal = ctx.signal;
        return new Promise(() => {});
      },
      verdict: (e) => e,
    });
    const started = performance.now();
    const r = await runSuite({
      ...base,
      checkTimeoutMs: 150,
      checks: [hanging, timed("logs", 10, ["port-forward"]), timed("exec", 50), timed("deployment", 80)],
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(r.checks.map((c) => [c.id, c.status, c.message])).toEqual([
      ["port-forward", "error", "did not finish within 0.2 s"],
      ["logs", "skipped", "needs port-forward, which could not be checked"],
      ["exec", "passed", "ok"],
      ["deployment", "passed", "ok"],
    ]);
    expect(r.checks[0].durationMs).toBeGreaterThanOrEqual(140);
    expect(signal?.aborted).toBe(true);
    expect(r).toMatchObject({ passed: 2, failed: 0, errors: 1, skipped: 1 });
  });

  test("a crashing probe and a crashing verdict are errors of that check only", async () => {
    const crash = (id: SmokeCheckId, where: "probe" | "verdict") =>
      defineCheck<Verdict>({
        id,
        proves: "",
        needs: [],
        diagnose: false,
        probe: async () => {
          if (where === "probe") throw new Error("kubectl: not found");
          return passed;
        },
        verdict: () => {
          throw new Error("unexpected JSON");
        },
      });
    const r = await runSuite({
      ...base,
      checks: [crash("exec", "probe"), crash("runtime", "verdict"), timed("deployment", 1)],
    });
    expect(r.checks.map((c) => [c.id, c.status, c.message])).toEqual([
      ["exec", "error", "kubectl: not found"],
      ["runtime", "error", "could not judge the evidence: unexpected JSON"],
      ["deployment", "passed", "ok"],
    ]);
  });

  test("a real probe stuck in docker exec is killed at its timeout; every other real check still passes", async () => {
    const rules: Rule[] = [{ match: /crictl ps/, answer: "hang" }, ...healthyRules()];
    const cluster = new FakeCluster(rules);
    const r = await runSuite({ ...base, adapter: cluster, runId: RUN_ID, checkTimeoutMs: 200 });
    const runtime = r.checks.find((c) => c.id === "runtime");
    expect(runtime).toMatchObject({ status: "error", message: "did not finish within 0.2 s" });
    expect(cluster.aborted).toBeGreaterThan(0);
    expect(r).toMatchObject({ passed: 9, errors: 1, skipped: 1, failed: 0 });
    expect(r.checks.find((c) => c.id === "platform-access")).toMatchObject({
      status: "skipped",
      message: "no access platform configured",
    });
  });

  test("a missing deployment is reported at once, not after polling for the whole bound", async () => {
    const missing: Rule = {
      match: /^kubectl get deployment nginx/,
      answer: fail(1, fx("deployment-notfound.stderr.txt")),
    };
    const started = performance.now();
    const r = await runSuite({
      ...base,
      adapter: new FakeCluster([missing, ...healthyRules()]),
      checkTimeoutMs: 60_000,
      runId: RUN_ID,
    });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(r.checks.find((c) => c.id === "deployment")).toMatchObject({
      status: "failed",
      message: "deployment nginx does not exist in namespace default (pulumi up declares it)",
    });
    expect(r.checks.find((c) => c.id === "exec")?.message).toBe("needs deployment, which failed");
  });

  test("config skips are reported as skipped, and what needs them too", async () => {
    const r = await runSuite({
      ...base,
      checks: [timed("port-forward", 1), timed("logs", 1, ["port-forward"])],
      skip: ["port-forward"],
    });
    expect(r.checks.map((c) => c.message)).toEqual([
      "skipped by config (smoke.skip)",
      "needs port-forward, which was skipped",
    ]);
  });

  test("the suite budget cuts a check short and skips what could not start", async () => {
    let now = 0;
    const manual: Clock = { now: () => now, sleep: realClock.sleep };
    const jump = defineCheck<Verdict>({
      id: "deployment",
      proves: "",
      needs: [],
      diagnose: false,
      probe: async () => {
        now += 700; // the check used 700 ms of a 500 ms budget
        return passed;
      },
      verdict: (e) => e,
    });
    const r = await runSuite({
      ...base,
      clock: manual,
      suiteTimeoutMs: 500,
      checks: [jump, timed("scale", 1, ["deployment"])],
    });
    expect(r.checks[1]).toMatchObject({
      status: "skipped",
      message: "the suite's time budget (0.5 s) ran out before this check could start",
    });

    const short = await runSuite({
      ...base,
      checkTimeoutMs: 5000,
      suiteTimeoutMs: 100,
      checks: [timed("deployment", 1000)],
    });
    expect(short.checks[0].message).toBe(
      "did not finish within 0.1 s (what was left of the suite's time budget)",
    );
  });

  test("a dependency cycle is refused before anything runs", () => {
    expect(() => assertAcyclic([timed("scale", 1, ["spread"]), timed("spread", 1, ["scale"])])).toThrow(
      "smoke checks depend on each other in a cycle: scale -> spread -> scale",
    );
    expect(() => assertAcyclic(ALL_CHECKS)).not.toThrow();
  });
});

describe("runner: diagnostics", () => {
  test("a failed or errored check carries diagnostics, gathered once; a passed one does not", async () => {
    let gathered = 0;
    const r = await runSuite({
      ...base,
      diagnostics: async () => {
        gathered++;
        return ["pod nginx-1 (not scheduled): Pending, ready 0/1"];
      },
      checks: [
        timed("deployment", 1, [], { status: "failed", message: "not available", evidence: {} }, true),
        timed("exec", 1, [], { status: "error", message: "boom", evidence: {} }, true),
        timed("nodeport", 1, [], passed, true),
      ],
    });
    expect(r.checks.map((c) => c.diagnostics)).toEqual([
      ["pod nginx-1 (not scheduled): Pending, ready 0/1"],
      ["pod nginx-1 (not scheduled): Pending, ready 0/1"],
      undefined,
    ]);
    expect(gathered).toBe(1);
  });

  test("a real failure (NodePort refused on one node) carries pod status and recent events from the cluster", async () => {
    const refused: Rule = {
      match: /^docker exec \S+ curl -sS -I --max-time 10 http:\/\/172\.18\.0\.2:31846\/$/,
      answer: fail(7, fx("curl-refused.stderr.txt")),
    };
    const r = await runSuite({
      ...base,
      adapter: new FakeCluster([refused, ...healthyRules()]),
      runId: RUN_ID,
    });
    const nodeport = r.checks.find((c) => c.id === "nodeport");
    expect(nodeport?.status).toBe("failed");
    expect(nodeport?.diagnostics).toEqual([
      "pod nginx-7d9c5b6f8d-4lq2m on cluster1-control-plane: Running, ready 1/1",
      "pod nginx-7d9c5b6f8d-x8wzp on cluster1-worker: Running, ready 1/1",
      expect.stringMatching(
        /^event Warning FailedScheduling pod\/nginx-7d9c5b6f8d-4lq2m \(x4\) at 2026-11-28T14:37:46Z: 0\/2 nodes are available/,
      ),
      expect.stringMatching(/^event Normal Pulled pod\/nginx-7d9c5b6f8d-x8wzp/),
      "event Normal ScalingReplicaSet deployment/nginx at 2026-11-28T14:36:16Z: Scaled up replica set nginx-7d9c5b6f8d from 0 to 2",
    ]);
    expect(r.checks.filter((c) => c.id !== "nodeport" && c.diagnostics)).toEqual([]);
  });

  test("the port-forward is closed even when the HEAD request fails", async () => {
    const cluster = new FakeCluster(healthyRules());
    cluster.httpHead = async () => {
      throw new Error("fetch failed: ECONNRESET");
    };
    const r = await runSuite({ ...base, adapter: cluster, runId: RUN_ID });
    expect(r.checks.find((c) => c.id === "port-forward")).toMatchObject({
      status: "error",
      message: "fetch failed: ECONNRESET",
    });
    expect(cluster.closedForwards).toBe(cluster.portForwards);
  });

  test("logs reads the pod and user agent the port-forward used", async () => {
    const cluster = new FakeCluster(healthyRules());
    await runSuite({ ...base, adapter: cluster, runId: RUN_ID });
    expect(cluster.calls).toContain(`HEAD http://127.0.0.1:41873/ kind-access-lab-smoke/${RUN_ID}`);
    expect(cluster.calls).toContain("kubectl logs nginx-7d9c5b6f8d-4lq2m -n default -c nginx --tail=500");
  });
});
