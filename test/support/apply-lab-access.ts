/**
 * Plays Pulumi's part for the lab's QueryPie objects, without the Pulumi engine: drives the real
 * dynamic providers the way `pulumi up --refresh` does (read every recorded object, then create,
 * diff + update or replace, delete what is no longer declared), phase by phase in dependency order
 * (clusters, roles, policies, links, grants), each phase in parallel as Pulumi would. `destroy`
 * deletes in the reverse order. State survives between calls, and a failure keeps what succeeded,
 * so "fail in the middle, run again" can be tested.
 *
 * Reused by the benchmark (request counts of a first apply and a no-change re-apply).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { AccessConfig } from "../../components/config/access";
import type { ClusterConfig } from "../../components/config/clusters";
import {
  clusterInputs,
  grantInputs,
  linkInputs,
  planAccess,
  planKeys,
  policyInputs,
  roleInputs,
  type ClusterCredentials,
} from "../../components/access/plan";
import type { ConcreteNetworkMode } from "../../components/access/registration-url";
import { resetRunCache, type ApiInputs } from "../../components/access/providers/common";
import { kacClusterProvider } from "../../components/access/providers/kac-cluster";
import { kacGrantProvider } from "../../components/access/providers/kac-grant";
import { kacPolicyProvider } from "../../components/access/providers/kac-policy";
import { kacRoleProvider } from "../../components/access/providers/kac-role";
import { kacRolePolicyProvider } from "../../components/access/providers/kac-role-policy";

type Kind = "cluster" | "role" | "policy" | "link" | "grant";
type AnyProvider = pulumi.dynamic.ResourceProvider;

export interface RecordedObject {
  kind: Kind;
  id: string;
  outs: Record<string, unknown>;
}

/** What Pulumi would keep in the stack state, by resource key (e.g. `role-admin-role`). */
export type LabAccessState = Map<string, RecordedObject>;

export interface LabAccessOptions {
  api: ApiInputs;
  clusters: ClusterConfig[];
  access: AccessConfig;
  networkMode: ConcreteNetworkMode;
  /** Token and CA per cluster, as the in-cluster service account would give them. */
  credentials: (cluster: ClusterConfig) => ClusterCredentials;
  /** Read every recorded object first (`--refresh`). Default true. */
  refresh?: boolean;
  /** Keep the list cache of an earlier call (same provider process). Default false: each run is a new process. */
  keepCache?: boolean;
  /** Provider overrides, e.g. a grant provider with an injected clock. */
  providers?: Partial<Record<Kind, AnyProvider>>;
}

export interface ApplySummary {
  read: string[];
  gone: string[];
  created: string[];
  updated: string[];
  replaced: string[];
  deleted: string[];
  unchanged: string[];
}

const PHASES: Kind[] = ["cluster", "role", "policy", "link", "grant"];

function providersOf(o: LabAccessOptions): Record<Kind, AnyProvider> {
  return {
    cluster: kacClusterProvider as AnyProvider,
    role: kacRoleProvider as AnyProvider,
    policy: kacPolicyProvider as AnyProvider,
    link: kacRolePolicyProvider as AnyProvider,
    grant: kacGrantProvider as AnyProvider,
    ...o.providers,
  };
}

interface Desired {
  key: string;
  kind: Kind;
  inputs: () => Record<string, unknown>;
}

/** The declared objects with their inputs; uuids of dependencies come from the state at call time. */
function desired(o: LabAccessOptions, state: LabAccessState): Desired[] {
  const plan = planAccess(o.access);
  const uuid = (key: string) => {
    const rec = state.get(key);
    if (!rec) throw new Error(`apply-lab-access: ${key} is needed but was not created`);
    return rec.id;
  };
  const out: Desired[] = [];
  for (const c of o.clusters) {
    out.push({
      key: `cluster-${c.name}`,
      kind: "cluster",
      inputs: () => ({
        ...clusterInputs(o.api, c, o.networkMode, o.access.certificateAuthorityEncoding, o.credentials(c)),
      }),
    });
  }
  for (const r of plan.roles)
    out.push({ key: planKeys.role(r.name), kind: "role", inputs: () => ({ ...roleInputs(o.api, r) }) });
  for (const p of plan.policies) {
    out.push({ key: planKeys.policy(p.name), kind: "policy", inputs: () => ({ ...policyInputs(o.api, p) }) });
  }
  for (const l of plan.links) {
    out.push({
      key: planKeys.link(l),
      kind: "link",
      inputs: () => ({
        ...linkInputs(o.api, l, uuid(planKeys.role(l.role)), uuid(planKeys.policy(l.policy))),
      }),
    });
  }
  for (const g of plan.grants) {
    out.push({
      key: planKeys.grant(g.loginId),
      kind: "grant",
      inputs: () => ({
        ...grantInputs(
          o.api,
          g,
          g.roles.map((r) => uuid(planKeys.role(r))),
        ),
      }),
    });
  }
  return out;
}

async function settle(tasks: (() => Promise<void>)[]): Promise<void> {
  const results = await Promise.allSettled(tasks.map((t) => t()));
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failures.length > 0) {
    const err = new Error(failures.map((f) => (f.reason as Error).message).join("\n"));
    (err as Error & { failures: unknown[] }).failures = failures.map((f) => f.reason);
    throw err;
  }
}

/** One `pulumi up` (with refresh by default). Throws after the failing phase; the state keeps what succeeded. */
export async function applyLabAccess(state: LabAccessState, o: LabAccessOptions): Promise<ApplySummary> {
  const providers = providersOf(o);
  if (!o.keepCache) resetRunCache();
  const summary: ApplySummary = {
    read: [],
    gone: [],
    created: [],
    updated: [],
    replaced: [],
    deleted: [],
    unchanged: [],
  };

  if (o.refresh ?? true) {
    await settle(
      [...state].map(([key, rec]) => async () => {
        const p = providers[rec.kind];
        const r = await p.read!(rec.id, rec.outs);
        summary.read.push(key);
        if (!r.id) {
          state.delete(key);
          summary.gone.push(key);
        } else {
          state.set(key, { ...rec, id: r.id, outs: r.props as Record<string, unknown> });
        }
      }),
    );
  }

  const wanted = desired(o, state);
  for (const phase of PHASES) {
    await settle(
      wanted
        .filter((d) => d.kind === phase)
        .map((d) => async () => {
          const p = providers[d.kind];
          const inputs = d.inputs();
          const rec = state.get(d.key);
          if (!rec) {
            const c = await p.create(inputs);
            state.set(d.key, { kind: d.kind, id: c.id, outs: c.outs });
            summary.created.push(d.key);
            return;
          }
          const diff = await p.diff!(rec.id, rec.outs, inputs);
          if (!diff.changes) {
            summary.unchanged.push(d.key);
          } else if (diff.replaces && diff.replaces.length > 0) {
            const c = await p.create(inputs);
            state.set(d.key, { kind: d.kind, id: c.id, outs: c.outs });
            await p.delete!(rec.id, rec.outs);
            summary.replaced.push(d.key);
          } else {
            const u = await p.update!(rec.id, rec.outs, inputs);
            state.set(d.key, { ...rec, outs: u.outs });
            summary.updated.push(d.key);
          }
        }),
    );
  }

  const keep = new Set(wanted.map((d) => d.key));
  for (const phase of [...PHASES].reverse()) {
    await settle(
      [...state]
        .filter(([key, rec]) => rec.kind === phase && !keep.has(key))
        .map(([key, rec]) => async () => {
          await providers[rec.kind].delete!(rec.id, rec.outs);
          state.delete(key);
          summary.deleted.push(key);
        }),
    );
  }
  return summary;
}

/** `pulumi destroy`: grants, links, policies, roles, clusters. */
export async function destroyLabAccess(
  state: LabAccessState,
  o: Pick<LabAccessOptions, "providers" | "keepCache">,
): Promise<string[]> {
  const providers = providersOf(o as LabAccessOptions);
  if (!o.keepCache) resetRunCache();
  const order: string[] = [];
  for (const phase of [...PHASES].reverse()) {
    await settle(
      [...state]
        .filter(([, rec]) => rec.kind === phase)
        .map(([key, rec]) => async () => {
          await providers[rec.kind].delete!(rec.id, rec.outs);
          state.delete(key);
          order.push(key);
        }),
    );
  }
  return order;
}
