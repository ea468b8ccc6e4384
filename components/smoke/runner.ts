/**
 * Runs one cluster's checks as a small DAG: every check starts as soon as the checks it
 * needs have passed, so independent checks run in parallel. Each check has its own bounded
 * time; a failing, crashing or hanging check only ever changes its own result (dependents
 * become `skipped` with the reason). `runSuites` runs clusters in parallel.
 */
import { randomUUID } from "node:crypto";
import type { ClusterAdapter } from "./adapter";
import { ALL_CHECKS } from "./checks";
import { gatherDiagnostics as realDiagnostics } from "./diagnostics";
import {
  TEST_OBJECTS,
  type AnySmokeCheck,
  type CheckResult,
  type ClusterSmokeResult,
  type PlatformTarget,
  type ProbeContext,
  type SmokeCheckId,
  type SmokeReport,
  type Verdict,
} from "./types";

/** Time, injectable for tests. `sleep` resolves early when its signal aborts. */
export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      }
      signal?.addEventListener("abort", done, { once: true });
    }),
};

export interface SuiteOptions {
  /** kind cluster name. */
  cluster: string;
  adapter: ClusterAdapter;
  checkTimeoutMs: number;
  suiteTimeoutMs: number;
  /** Default: all checks of LAB-SPEC §4. */
  checks?: readonly AnySmokeCheck[];
  /** Ids reported as skipped without running. */
  skip?: readonly SmokeCheckId[];
  /** Default: platform-access skipped, "no access platform configured". */
  platform?: PlatformTarget;
  runId?: string;
  clock?: Clock;
  diagnosticsTimeoutMs?: number;
  diagnostics?: (adapter: ClusterAdapter, signal: AbortSignal) => Promise<string[]>;
  /** Called as each check finishes (progress output). */
  onResult?: (cluster: string, result: CheckResult) => void;
}

/** Throws on a dependency cycle: a programming error, not a cluster problem. */
export function assertAcyclic(checks: readonly AnySmokeCheck[]): void {
  const byId = new Map(checks.map((c) => [c.id, c]));
  const state = new Map<SmokeCheckId, "visiting" | "done">();
  const visit = (id: SmokeCheckId, path: SmokeCheckId[]) => {
    if (state.get(id) === "done") return;
    if (state.get(id) === "visiting")
      throw new Error(`smoke checks depend on each other in a cycle: ${[...path, id].join(" -> ")}`);
    state.set(id, "visiting");
    for (const need of byId.get(id)?.needs ?? []) if (byId.has(need)) visit(need, [...path, id]);
    state.set(id, "done");
  };
  for (const c of checks) visit(c.id, []);
}

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;

type Settled<T> = { done: true; value: T } | { done: false };

async function within<T>(work: Promise<T>, ms: number, clock: Clock): Promise<Settled<T>> {
  const timer = new AbortController();
  try {
    return await Promise.race([
      work.then((value) => ({ done: true as const, value })),
      clock.sleep(Math.max(0, ms), timer.signal).then(() => ({ done: false as const })),
    ]);
  } finally {
    timer.abort();
  }
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

interface Outcome {
  result: CheckResult;
  evidence: unknown;
}

export async function runSuite(opts: SuiteOptions): Promise<ClusterSmokeResult> {
  const clock = opts.clock ?? realClock;
  const checks = opts.checks ?? ALL_CHECKS;
  assertAcyclic(checks);
  const byId = new Map(checks.map((c) => [c.id, c]));
  const platform = opts.platform ?? { skipReason: "no access platform configured" };
  const runId = opts.runId ?? randomUUID();
  const start = clock.now();
  const suiteDeadline = start + opts.suiteTimeoutMs;
  const outcomes = new Map<SmokeCheckId, Promise<Outcome>>();
  /** Evidence of passed checks, for the checks that need them (logs reads port-forward's). */
  const evidenceOf = new Map<SmokeCheckId, unknown>();
  let diagnostics: Promise<string[]> | undefined;

  const diagnose = (): Promise<string[]> => {
    diagnostics ??= (async () => {
      const ac = new AbortController();
      const gather = (opts.diagnostics ?? realDiagnostics)(opts.adapter, ac.signal).catch((e) => [
        `diagnostics unavailable: ${errorText(e)}`,
      ]);
      const got = await within(gather, opts.diagnosticsTimeoutMs ?? 15_000, clock);
      ac.abort();
      return got.done ? got.value : ["diagnostics unavailable: kubectl did not answer in time"];
    })();
    return diagnostics;
  };

  const finish = (check: AnySmokeCheck, t0: number, v: Verdict, evidence?: unknown): Outcome => {
    const result: CheckResult = {
      id: check.id,
      status: v.status,
      durationMs: Math.round(clock.now() - t0),
      message: v.message,
      evidence: v.evidence,
    };
    return { result, evidence };
  };

  const runOne = async (check: AnySmokeCheck): Promise<Outcome> => {
    // Wait for what this check needs; any of them not passing makes this one skipped.
    for (const need of check.needs) {
      const dep = outcome(need);
      if (!dep) {
        return finish(check, clock.now(), {
          status: "skipped",
          message: `needs ${need}, which is not part of this run`,
          evidence: {},
        });
      }
      const got = (await dep).result.status;
      if (got !== "passed") {
        const what = got === "error" ? "could not be checked" : got === "failed" ? "failed" : "was skipped";
        return finish(check, clock.now(), {
          status: "skipped",
          message: `needs ${need}, which ${what}`,
          evidence: {},
        });
      }
    }
    const t0 = clock.now();
    if (opts.skip?.includes(check.id)) {
      return finish(check, t0, {
        status: "skipped",
        message: "skipped by config (smoke.skip)",
        evidence: {},
      });
    }
    const left = suiteDeadline - t0;
    if (left <= 0) {
      return finish(check, t0, {
        status: "skipped",
        message: `the suite's time budget (${seconds(opts.suiteTimeoutMs)}) ran out before this check could start`,
        evidence: {},
      });
    }
    const timeoutMs = Math.min(opts.checkTimeoutMs, left);
    const ac = new AbortController();
    const ctx: ProbeContext = {
      adapter: opts.adapter,
      cluster: opts.cluster,
      namespace: TEST_OBJECTS.namespace,
      runId,
      signal: ac.signal,
      deadline: t0 + Math.max(timeoutMs - 5000, timeoutMs * 0.8),
      now: () => clock.now(),
      sleep: (ms) => clock.sleep(ms, ac.signal),
      upstream: <T>(id: SmokeCheckId) => evidenceOf.get(id) as T | undefined,
      platform,
    };
    let out: Outcome;
    try {
      const got = await within(check.probe(ctx), timeoutMs, clock);
      if (!got.done) {
        ac.abort();
        const cut = timeoutMs < opts.checkTimeoutMs ? " (what was left of the suite's time budget)" : "";
        out = finish(check, t0, {
          status: "error",
          message: `did not finish within ${seconds(timeoutMs)}${cut}`,
          evidence: { timeoutMs },
        });
      } else {
        let v: Verdict;
        try {
          v = check.verdict(got.value);
        } catch (e) {
          v = { status: "error", message: `could not judge the evidence: ${errorText(e)}`, evidence: {} };
        }
        out = finish(check, t0, v, got.value);
      }
    } catch (e) {
      ac.abort();
      out = finish(check, t0, { status: "error", message: errorText(e), evidence: {} });
    }
    if (out.result.status === "passed") evidenceOf.set(check.id, out.evidence);
    if ((out.result.status === "failed" || out.result.status === "error") && check.diagnose) {
      out.result.diagnostics = await diagnose();
    }
    return out;
  };

  function outcome(id: SmokeCheckId): Promise<Outcome> | undefined {
    const check = byId.get(id);
    if (!check) return undefined;
    let p = outcomes.get(id);
    if (!p) {
      p = runOne(check).then((o) => {
        opts.onResult?.(opts.cluster, o.result);
        return o;
      });
      outcomes.set(id, p);
    }
    return p;
  }

  const results = await Promise.all(
    checks.map((c) => (outcome(c.id) as Promise<Outcome>).then((o) => o.result)),
  );
  const count = (s: CheckResult["status"]) => results.filter((r) => r.status === s).length;
  return {
    cluster: opts.cluster,
    passed: count("passed"),
    failed: count("failed"),
    errors: count("error"),
    skipped: count("skipped"),
    durationMs: Math.round(clock.now() - start),
    checks: results,
  };
}

/** True when at least one cluster ran and none has a failed or errored check. */
export function smokePassedOf(clusters: readonly ClusterSmokeResult[]): boolean {
  return clusters.length > 0 && clusters.every((c) => c.failed === 0 && c.errors === 0);
}

/** Runs every cluster's suite in parallel; one cluster's trouble never hides another's results. */
export async function runSuites(suites: readonly SuiteOptions[]): Promise<SmokeReport> {
  const clusters = await Promise.all(suites.map(runSuite));
  return { smokePassed: smokePassedOf(clusters), clusters };
}
