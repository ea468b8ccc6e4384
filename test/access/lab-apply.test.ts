/**
 * The default lab's QueryPie objects (2 clusters, 1 role, 1 policy, 1 link, 1 grant) applied the
 * way Pulumi would, against the vendor-checking test server: request counts, zero writes on a
 * no-change re-apply, convergence after a failure in the middle, drift repair and destroy order.
 */
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { validateAccess } from "../../components/config/access";
import { Problems } from "../../components/config/problems";
import type { ClusterConfig } from "../../components/config/clusters";
import type { ClusterCredentials } from "../../components/access/plan";
import type { ApiInputs } from "../../components/access/providers/common";
import { makeKacGrantProvider } from "../../components/access/providers/kac-grant";
import {
  applyLabAccess,
  destroyLabAccess,
  type LabAccessOptions,
  type LabAccessState,
} from "../support/apply-lab-access";
import type { QueryPieTestServer } from "../support/querypie-server";
import { fakeCredentials, startServer } from "./fakes";
import { labClusters } from "./lab-clusters";

let server: QueryPieTestServer;
let api: ApiInputs;
let options: LabAccessOptions;

const NOW = new Date("2026-11-28T15:00:00Z");
const POLICY_CONTENT = "PUT /api/external/v2/kac/policies/{policyUuid}/content";

function defaultLab(clusters: ClusterConfig[]) {
  const problems = new Problems();
  const { access } = validateAccess({}, { clusters, now: NOW }, problems);
  expect(problems.list).toEqual([]);
  return access;
}

beforeEach(async () => {
  ({ server, api } = await startServer());
  const clusters = labClusters();
  const creds = new Map<string, ClusterCredentials>(clusters.map((c) => [c.name, fakeCredentials()]));
  options = {
    api,
    clusters,
    access: defaultLab(clusters),
    networkMode: "linux",
    credentials: (c) => creds.get(c.name)!,
    providers: { grant: makeKacGrantProvider({ now: () => NOW }) as never },
  };
});

afterEach(async () => {
  server.expectNoViolations();
  await server.close();
});

function inventory() {
  const s = server.store;
  return {
    clusters: [...s.clusters.values()].map((c) => c.name).sort(),
    roles: [...s.roles.values()].map((r) => r.name),
    policies: [...s.policies.values()].map((p) => p.name),
    links: [...s.links.values()].reduce((n, l) => n + l.size, 0),
    grants: [...s.grants.values()].reduce((n, g) => n + g.size, 0),
  };
}

const SEEDED = {
  clusters: ["develop-cluster", "production-cluster"],
  roles: ["admin-role"],
  policies: ["product-policy"],
  links: 1,
  grants: 1,
};

describe("the default lab against the test server", () => {
  test("first apply: every object made once, each collection listed once, 13 requests (7 writes)", async () => {
    const state: LabAccessState = new Map();
    const summary = await applyLabAccess(state, options);
    expect(summary.created.sort()).toEqual([
      "cluster-cluster1",
      "cluster-cluster2",
      "grant-qp-admin",
      "link-admin-role-product-policy",
      "policy-product-policy",
      "role-admin-role",
    ]);
    expect(inventory()).toEqual(SEEDED);
    const counts = server.counts();
    expect(counts.byRoute).toEqual({
      "GET /api/external/v2/kac/clusters": 1,
      "POST /api/external/v2/kac/clusters": 2,
      "GET /api/external/v2/kac/roles": 1,
      "POST /api/external/v2/kac/roles": 1,
      "GET /api/external/v2/kac/policies": 1,
      "POST /api/external/v2/kac/policies": 1,
      [POLICY_CONTENT]: 1,
      "GET /api/external/v2/kac/roles/{roleUuid}/policies": 1,
      "POST /api/external/v2/kac/roles/{roleUuid}/policies": 1,
      "GET /api/external/v2/users/identify": 1,
      "GET /api/external/v2/kac/access-controls/users/{userUuid}/roles": 1,
      "POST /api/external/v2/kac/access-controls/users/{userUuid}/roles": 1,
    });
    expect([counts.total, counts.writes]).toEqual([13, 7]);
  });

  test("no-change re-apply with refresh: 5 reads, zero writes, everything unchanged", async () => {
    const state: LabAccessState = new Map();
    await applyLabAccess(state, options);
    server.resetCounts();
    const summary = await applyLabAccess(state, options);
    expect(summary.unchanged).toHaveLength(6);
    expect([...summary.created, ...summary.updated, ...summary.replaced, ...summary.deleted]).toEqual([]);
    const counts = server.counts();
    expect(counts.writes).toBe(0);
    expect(counts.byRoute).toEqual({
      "GET /api/external/v2/kac/clusters": 1,
      "GET /api/external/v2/kac/roles": 1,
      "GET /api/external/v2/kac/policies/{policyUuid}": 1,
      "GET /api/external/v2/kac/roles/{roleUuid}/policies": 1,
      "GET /api/external/v2/kac/access-controls/users/{userUuid}/roles": 1,
    });
  });

  test("no-change re-apply without refresh sends no request at all", async () => {
    const state: LabAccessState = new Map();
    await applyLabAccess(state, options);
    server.resetCounts();
    await applyLabAccess(state, { ...options, refresh: false });
    expect(server.counts().total).toBe(0);
  });

  test.each([
    [
      "one of the two cluster registrations",
      { method: "POST", path: "/api/external/v2/kac/clusters", status: 400 },
    ],
    [
      "the policy content",
      { method: "PUT", path: "/api/external/v2/kac/policies/{policyUuid}/content", status: 400 },
    ],
    [
      "the role-policy link",
      { method: "POST", path: "/api/external/v2/kac/roles/{roleUuid}/policies", status: 503, times: 3 },
    ],
    [
      "the grant",
      { method: "POST", path: "/api/external/v2/kac/access-controls/users/{userUuid}/roles", status: 400 },
    ],
  ])(
    "a failure at %s, then a re-run: converges with no duplicates and no manual cleanup",
    async (_at, rule) => {
      const state: LabAccessState = new Map();
      server.inject(rule);
      await expect(applyLabAccess(state, options)).rejects.toThrow(/QueryPie (POST|PUT)/);
      server.clearInjections();
      const summary = await applyLabAccess(state, options);
      expect(inventory()).toEqual(SEEDED);
      expect(summary.created.length + summary.unchanged.length).toBe(6);
      server.resetCounts();
      await applyLabAccess(state, options);
      expect(server.counts().writes).toBe(0);
    },
  );

  test("a failure after QueryPie made the object but before Pulumi saved it: the re-run adopts it", async () => {
    const state: LabAccessState = new Map();
    await applyLabAccess(state, options);
    // Pulumi lost the record of the role and everything after it (e.g. the process was killed).
    for (const key of [
      "role-admin-role",
      "policy-product-policy",
      "link-admin-role-product-policy",
      "grant-qp-admin",
    ]) {
      state.delete(key);
    }
    server.resetCounts();
    const summary = await applyLabAccess(state, options);
    expect(summary.created).toHaveLength(4);
    expect(inventory()).toEqual(SEEDED);
    expect(state.get("role-admin-role")!.outs.adopted).toBe(true);
    expect(server.counts().writes).toBe(0);
  });

  test("drift: a role deleted in QueryPie is recreated, with its link and grant, on the next apply", async () => {
    const state: LabAccessState = new Map();
    await applyLabAccess(state, options);
    const oldUuid = state.get("role-admin-role")!.id;
    // As the web UI would: the role goes, and with it its links and grants.
    server.store.roles.delete(oldUuid);
    server.store.links.delete(oldUuid);
    for (const g of server.store.grants.values()) g.delete(oldUuid);
    const summary = await applyLabAccess(state, options);
    expect(summary.gone.sort()).toEqual([
      "grant-qp-admin",
      "link-admin-role-product-policy",
      "role-admin-role",
    ]);
    expect(summary.created.sort()).toEqual([
      "grant-qp-admin",
      "link-admin-role-product-policy",
      "role-admin-role",
    ]);
    expect(state.get("role-admin-role")!.id).not.toBe(oldUuid);
    expect(inventory()).toEqual(SEEDED);
  });

  test("drift: policy content changed in QueryPie is restored with one content write", async () => {
    const state: LabAccessState = new Map();
    await applyLabAccess(state, options);
    const policy = server.store.policies.get(state.get("policy-product-policy")!.id)!;
    const declared = policy.versions.at(-1)!.content;
    policy.versions.push({
      ...policy.versions.at(-1)!,
      version: "9",
      content: declared.replace("system:masters", "viewers"),
    });
    server.resetCounts();
    const summary = await applyLabAccess(state, options);
    expect(summary.updated).toEqual(["policy-product-policy"]);
    expect(server.counts().writes).toBe(1);
    expect(server.count("PUT", "/api/external/v2/kac/policies/{policyUuid}/content")).toBe(1);
    expect(policy.versions.at(-1)!.content).toBe(declared);
  });

  test("drift: a cluster deleted in QueryPie is registered again", async () => {
    const state: LabAccessState = new Map();
    await applyLabAccess(state, options);
    server.store.clusters.delete(state.get("cluster-cluster2")!.id);
    const summary = await applyLabAccess(state, options);
    expect(summary.created).toEqual(["cluster-cluster2"]);
    expect(inventory()).toEqual(SEEDED);
  });

  test("destroy runs grants, links, policies, roles, clusters, and QueryPie (refusing in-use deletes) accepts it", async () => {
    const state: LabAccessState = new Map();
    await applyLabAccess(state, options);
    const order = await destroyLabAccess(state, options);
    expect(order.map((k) => k.split("-")[0])).toEqual([
      "grant",
      "link",
      "policy",
      "role",
      "cluster",
      "cluster",
    ]);
    expect(inventory()).toEqual({ clusters: [], roles: [], policies: [], links: 0, grants: 0 });
    expect(state.size).toBe(0);
  });

  test("removing a policy from config unassigns and deletes it, and the role stays", async () => {
    const state: LabAccessState = new Map();
    await applyLabAccess(state, options);
    const access = { ...options.access, roles: [{ ...options.access.roles[0], policies: [] }], policies: [] };
    const summary = await applyLabAccess(state, { ...options, access });
    expect(summary.deleted).toEqual(["link-admin-role-product-policy", "policy-product-policy"]);
    expect(inventory()).toMatchObject({ roles: ["admin-role"], policies: [], links: 0 });
  });
});
