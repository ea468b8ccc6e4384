/**
 * Shapes shared by checks, runner, reports and the SmokeSuite component.
 * A check = a pure verdict (evidence in, status and message out) + a thin probe that
 * gathers the evidence through the adapter.
 */
import type { SmokeCheckId } from "../config/smoke";
import type { ClusterAdapter, PlatformAccessProbe } from "./adapter";

export type { SmokeCheckId } from "../config/smoke";

/**
 * passed: the property holds. failed: the cluster does not have it. error: the evidence
 * could not be gathered (probe crashed or timed out). skipped: not run, with the reason.
 */
export type CheckStatus = "passed" | "failed" | "skipped" | "error";

/** Small, plain facts a verdict asserted: safe for stack outputs and reports. */
export type EvidenceSummary = Record<string, string | number | boolean | string[] | null>;

export interface Verdict {
  status: CheckStatus;
  message: string;
  evidence: EvidenceSummary;
}

export interface CheckResult {
  id: SmokeCheckId;
  status: CheckStatus;
  durationMs: number;
  message: string;
  evidence: EvidenceSummary;
  /** Pod status and recent events, only when the check failed or errored. */
  diagnostics?: string[];
}

export interface ClusterSmokeResult {
  /** kind cluster name. */
  cluster: string;
  passed: number;
  failed: number;
  /** Checks whose evidence could not be gathered (crash, timeout). */
  errors: number;
  skipped: number;
  durationMs: number;
  checks: CheckResult[];
}

export interface SmokeReport {
  /** True when no check failed or errored on any cluster (skipped checks do not count against it). */
  smokePassed: boolean;
  clusters: ClusterSmokeResult[];
}

/** Where `platform-access` looks, or why it cannot. */
export type PlatformTarget =
  { probe: PlatformAccessProbe; loginId: string; clusterName: string } | { skipReason: string };

export interface ProbeContext {
  adapter: ClusterAdapter;
  /** kind cluster name, for messages. */
  cluster: string;
  /** Namespace of the test objects. */
  namespace: string;
  /** Unique per run; tags the port-forward request so the logs check finds exactly it. */
  runId: string;
  /** Aborted when the check's time is up. */
  signal: AbortSignal;
  /** Soft deadline (clock ms): a polling probe returns its last evidence by then, so the verdict can say why. */
  deadline: number;
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Evidence of a dependency that passed. */
  upstream<T>(id: SmokeCheckId): T | undefined;
  platform: PlatformTarget;
}

export interface SmokeCheck<E> {
  id: SmokeCheckId;
  /** What a pass proves (LAB-SPEC §4). */
  proves: string;
  /** Checks that must pass first; otherwise this one is skipped with the reason. */
  needs: readonly SmokeCheckId[];
  /** Attach pod status and recent events when this check fails. */
  diagnose: boolean;
  probe(ctx: ProbeContext): Promise<E>;
  verdict(evidence: E): Verdict;
}

/** A check with its evidence type erased, for lists. */
export type AnySmokeCheck = SmokeCheck<unknown>;

export function defineCheck<E>(check: SmokeCheck<E>): AnySmokeCheck {
  return check as unknown as AnySmokeCheck;
}

/** The namespace and names the SmokeSuite component declares. */
export const TEST_OBJECTS = {
  namespace: "default",
  secret: "kubernetes-the-hard-way",
  deployment: "nginx",
  service: "nginx",
  label: "app=nginx",
  container: "nginx",
  replicas: 2,
} as const;
