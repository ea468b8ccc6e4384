/**
 * How long each step of `pulumi up` takes, modelled. Only a few steps are slow (they wait on
 * kind, MySQL, QueryPie or a test run); every other step is a fast local or API operation. The
 * figures are assumptions (documented in docs/performance.md) shared by our program and the
 * seed-procedure baseline, so the comparison depends on the ORDER of the steps, not on the figures.
 */
import type { RecordedNode } from "./program-scale";

export type StepKind =
  "kind-create" | "node-ready" | "platform" | "registration" | "smoke" | "fast" | "instant";

/** The slow kinds: what the critical path is made of. */
export const SLOW_KINDS: readonly StepKind[] = [
  "kind-create",
  "node-ready",
  "platform",
  "registration",
  "smoke",
];

/** Modelled seconds. */
export const SECONDS = {
  /** `kind create cluster` of a control-plane and one worker (node image present). */
  kindCreate: 60,
  /** Until every node is Ready (CNI up) after kind returns. */
  nodeReady: 20,
  /** MySQL's first start with the init SQL, until its healthcheck passes. */
  mysqlReady: 20,
  /** Redis until its healthcheck passes. */
  redisReady: 5,
  /** The tools API answering /health three times in a row. */
  toolsHealthy: 15,
  /** `migrate.sh runall` on an empty database. */
  migrations: 60,
  /** `migrate.sh runall` a second time, as the vendor does (nothing left to do). */
  migrationsAgain: 10,
  /** QueryPie app from container start to /readyz 200 (LAB-SPEC: about two minutes). */
  appFirstStart: 120,
  /** License upload and/or KAC proxy host, then an app restart (only when configured). */
  configure: 60,
  /** One cluster registration call (POST /kac/clusters). */
  registration: 2,
  /** Any other step: a docker create, a kubectl-like object, a QueryPie call, a local command. */
  fast: 1,
} as const;

export interface StepModel {
  kind: StepKind;
  seconds: number;
}

export interface ModelContext {
  /** Config names of the clusters, e.g. `cluster1`. */
  clusters: readonly string[];
  /** Name of the AccessPlatform component, `querypie` in the program. */
  platform: string;
  /** Seconds of one `smoke-<c>-run` (smoke-model.ts). */
  smokeRunSeconds: number;
}

/** The model of one recorded resource, by its type and the name the components give it. */
export function modelStep(node: Pick<RecordedNode, "name" | "type">, ctx: ModelContext): StepModel {
  const { name, type } = node;
  // Components, providers and random values do no work the engine waits on; images are pulled already.
  if (type.startsWith("lab:index:") || type.startsWith("pulumi:providers:") || type.startsWith("random:")) {
    return { kind: "instant", seconds: 0 };
  }
  if (type === "docker:index/remoteImage:RemoteImage") return { kind: "instant", seconds: 0 };
  for (const c of ctx.clusters) {
    if (name === `${c}-create`) return { kind: "kind-create", seconds: SECONDS.kindCreate };
    if (name === `${c}-ready`) return { kind: "node-ready", seconds: SECONDS.nodeReady };
    if (name === `registration-${c}-kac`) return { kind: "registration", seconds: SECONDS.registration };
    if (name === `smoke-${c}-run`) return { kind: "smoke", seconds: ctx.smokeRunSeconds };
  }
  const p = ctx.platform;
  const platformSteps: Record<string, number> = {
    [`${p}-mysql`]: SECONDS.mysqlReady,
    [`${p}-redis`]: SECONDS.redisReady,
    [`${p}-migrate`]: SECONDS.toolsHealthy + SECONDS.migrations + SECONDS.migrationsAgain,
    [`${p}-ready`]: SECONDS.appFirstStart,
    [`${p}-configure`]: SECONDS.configure,
  };
  if (name in platformSteps) return { kind: "platform", seconds: platformSteps[name] };
  return { kind: "fast", seconds: SECONDS.fast };
}
