/**
 * The seed procedure (seeds 000-004) as if it were run by a script, in the same step model as the
 * program: every step one after another, with the vendor installer's fixed wait. A person typing
 * it would add think and typing time; none is counted, so the baseline is a lower bound and the
 * ratio to it is conservative.
 */
import { SECONDS } from "./step-model";

export interface BaselineStep {
  /** What the seed does, e.g. `kind create cluster --config production-config.yaml`. */
  what: string;
  seconds: number;
  /** Steps that are the same kind of work in our program (for the side-by-side table). */
  kind: "platform" | "kind-create" | "node-ready" | "registration" | "smoke" | "fast";
}

/** Per-cluster and shared step counts, read from the recorded program so both do the same work. */
export interface HandWork {
  /** kubectl applies for the service account QueryPie acts as (namespace, account, role, binding, token). */
  serviceAccountObjects: number;
  /** kubectl applies for seeds 002/003 (namespaces, pod-reader, network policy) per cluster. */
  rbacObjects: number;
  /** Test objects of the smoke suite per cluster (Secret, Deployment, Service). */
  smokeObjects: number;
  /** Roles, policies, links and grants in all, one step each as in the program's model. */
  accessCalls: number;
  /** The smoke checks' own seconds, one after another (smoke-model.ts serialSeconds). */
  smokeSerialSeconds: number;
}

/** The vendor's fixed wait after starting MySQL and Redis (LAB-SPEC §3: `sleep 20`). */
export const VENDOR_FIXED_SLEEP = 20;

export function baselineSteps(clusters: readonly string[], hand: HandWork): BaselineStep[] {
  const steps: BaselineStep[] = [
    { what: "vendor installer: start MySQL and Redis", seconds: SECONDS.fast, kind: "fast" },
    {
      what: `vendor installer: fixed sleep ${VENDOR_FIXED_SLEEP}`,
      seconds: VENDOR_FIXED_SLEEP,
      kind: "platform",
    },
    {
      what: "vendor installer: start tools, wait for /health 3x",
      seconds: SECONDS.fast + SECONDS.toolsHealthy,
      kind: "platform",
    },
    { what: "vendor installer: migrate.sh runall", seconds: SECONDS.migrations, kind: "platform" },
    { what: "vendor installer: migrate.sh runall again", seconds: SECONDS.migrationsAgain, kind: "platform" },
    { what: "vendor installer: stop tools, start app", seconds: 2 * SECONDS.fast, kind: "fast" },
    { what: "vendor installer: readyz (first start)", seconds: SECONDS.appFirstStart, kind: "platform" },
  ];
  for (const c of clusters) {
    steps.push({ what: `kind create cluster (${c})`, seconds: SECONDS.kindCreate, kind: "kind-create" });
    steps.push({
      what: `kubectl get nodes until Ready (${c})`,
      seconds: SECONDS.nodeReady,
      kind: "node-ready",
    });
  }
  for (const c of clusters) {
    steps.push({
      what: `kubectl apply: QueryPie's service account (${c})`,
      seconds: hand.serviceAccountObjects * SECONDS.fast,
      kind: "fast",
    });
    steps.push({
      what: `POST /kac/clusters typed by hand (${c})`,
      seconds: SECONDS.registration,
      kind: "registration",
    });
  }
  steps.push({
    what: "roles, policies, links, grants typed by hand",
    seconds: hand.accessCalls * SECONDS.fast,
    kind: "fast",
  });
  for (const c of clusters) {
    steps.push({
      what: `kubectl apply: seeds 002/003 (${c})`,
      seconds: hand.rbacObjects * SECONDS.fast,
      kind: "fast",
    });
  }
  for (const c of clusters) {
    steps.push({
      what: `kubectl apply: smoke test objects (${c})`,
      seconds: hand.smokeObjects * SECONDS.fast,
      kind: "fast",
    });
    steps.push({
      what: `smoke checks by hand, one by one (${c})`,
      seconds: hand.smokeSerialSeconds,
      kind: "smoke",
    });
  }
  return steps;
}

export const totalSeconds = (steps: readonly BaselineStep[]) => steps.reduce((n, s) => n + s.seconds, 0);

/** Counts the hand work in a recorded program, from the names its components give their children. */
export function handWorkFrom(
  nodes: readonly { name: string; type: string }[],
  cluster: string,
  smokeSerialSeconds: number,
): HandWork {
  const work = (prefix: string) =>
    nodes.filter((n) => n.name.startsWith(prefix) && !n.type.startsWith("lab:index:")).length;
  return {
    serviceAccountObjects: work(`registration-${cluster}-sa-`),
    rbacObjects: work(`rbac-seeds-${cluster}-`),
    smokeObjects: work(`smoke-${cluster}-`) - 1, // all but the run
    accessCalls: work("access-"),
    smokeSerialSeconds,
  };
}
