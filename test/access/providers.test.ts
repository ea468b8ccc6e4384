/**
 * Each QueryPie dynamic provider against the test server, which checks every request against the
 * vendor OpenAPI file: create, read, diff, update, delete, adoption of same-named objects, and
 * the failure paths (401, 5xx, timeout) with no secret in any output or error.
 */
import type * as pulumi from "@pulumi/pulumi";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { resetRunCache, type ApiInputs } from "../../components/access/providers/common";
import {
  credentialsDigest,
  kacClusterProvider,
  type KacClusterInputs,
  type KacClusterOutputs,
} from "../../components/access/providers/kac-cluster";
import { makeKacGrantProvider, type KacGrantOutputs } from "../../components/access/providers/kac-grant";
import { kacPolicyProvider, type KacPolicyOutputs } from "../../components/access/providers/kac-policy";
import { kacRoleProvider, type KacRoleOutputs } from "../../components/access/providers/kac-role";
import { kacRolePolicyProvider } from "../../components/access/providers/kac-role-policy";
import { fullAdminPolicy, renderPolicyContent } from "../../components/access/policy";
import type { QueryPieTestServer } from "../support/querypie-server";
import { seedClusterRequest, startServer } from "./fakes";

let server: QueryPieTestServer;
let api: ApiInputs;

beforeEach(async () => {
  ({ server, api } = await startServer());
  resetRunCache();
});

afterEach(async () => {
  server.expectNoViolations();
  await server.close();
});

const ROLES = "/api/external/v2/kac/roles";
const POLICIES = "/api/external/v2/kac/policies";
const CLUSTERS = "/api/external/v2/kac/clusters";

function clusterInputs(over: Partial<KacClusterInputs> = {}): KacClusterInputs {
  return {
    ...api,
    ...seedClusterRequest(),
    version: "1.33.1",
    ...over,
  };
}

describe("KAC cluster provider", () => {
  test("create registers the cluster with token and CA, and its outputs hold neither", async () => {
    const news = clusterInputs();
    const { id, outs } = await kacClusterProvider.create(news);
    const stored = server.store.clusters.get(id)!;
    expect(stored).toMatchObject({ name: "production-cluster", apiUrl: news.apiUrl, version: "1.33.1" });
    expect(stored.serviceAccountToken).toBe(news.serviceAccountToken);
    expect(stored.certificateAuthority).toBe(news.certificateAuthority);
    const text = JSON.stringify(outs);
    expect(text).not.toContain(news.serviceAccountToken);
    expect(text).not.toContain(news.certificateAuthority);
    expect(outs!.credentialsDigest).toBe(
      credentialsDigest(news.serviceAccountToken, news.certificateAuthority),
    );
    expect(outs!.adopted).toBe(false);
  });

  test("read finds the cluster by uuid; a cluster deleted in QueryPie reads as gone", async () => {
    const { id, outs } = await kacClusterProvider.create(clusterInputs());
    resetRunCache();
    expect((await kacClusterProvider.read!(id, outs)).id).toBe(id);
    server.store.clusters.delete(id);
    resetRunCache();
    expect(await kacClusterProvider.read!(id, outs)).toEqual({ id: "", props: undefined });
  });

  test("diff: nothing changed is no change; a changed URL or rotated SA token is an in-place update", async () => {
    const news = clusterInputs();
    const { id, outs } = await kacClusterProvider.create(news);
    expect(await kacClusterProvider.diff!(id, outs!, news)).toEqual({ changes: false, replaces: [] });
    expect(
      await kacClusterProvider.diff!(id, outs!, { ...news, apiUrl: "https://host.docker.internal:6444" }),
    ).toEqual({
      changes: true,
      replaces: [],
    });
    expect(await kacClusterProvider.diff!(id, outs!, { ...news, serviceAccountToken: "eyJrotated" })).toEqual(
      {
        changes: true,
        replaces: [],
      },
    );
    expect(await kacClusterProvider.diff!(id, outs!, { ...news, apiBaseUrl: "http://127.0.0.1:1" })).toEqual({
      changes: true,
      replaces: [],
    });
  });

  test("update sends the credentials only when they changed", async () => {
    const news = clusterInputs();
    const { id, outs } = await kacClusterProvider.create(news);
    server.resetCounts();
    await kacClusterProvider.update!(id, outs!, { ...news, requestAudit: true });
    const put1 = server.requests.find((r) => r.method === "PUT")!.body as Record<string, unknown>;
    expect(put1.requestAudit).toBe(true);
    expect(put1).not.toHaveProperty("serviceAccountToken");
    expect(put1).not.toHaveProperty("certificateAuthority");

    server.resetCounts();
    const rotated = { ...news, requestAudit: true, serviceAccountToken: "eyJrotated.token.value" };
    const { outs: after } = await kacClusterProvider.update!(id, { ...outs!, requestAudit: true }, rotated);
    const put2 = server.requests.find((r) => r.method === "PUT")!.body as Record<string, unknown>;
    expect(put2.serviceAccountToken).toBe("eyJrotated.token.value");
    expect(server.store.clusters.get(id)!.serviceAccountToken).toBe("eyJrotated.token.value");
    expect((after as KacClusterOutputs).credentialsDigest).toBe(
      credentialsDigest(rotated.serviceAccountToken, rotated.certificateAuthority),
    );
  });

  test("a rotated API token alone is recorded without any request", async () => {
    const news = clusterInputs();
    const { id, outs } = await kacClusterProvider.create(news);
    server.resetCounts();
    const { outs: after } = await kacClusterProvider.update!(id, outs!, { ...news });
    expect(server.counts().total).toBe(0);
    expect(after!.apiToken).toBe(news.apiToken);
  });

  test("create adopts a same-named cluster (left by a failed run) instead of making a duplicate", async () => {
    const first = await kacClusterProvider.create(clusterInputs());
    resetRunCache();
    const again = await kacClusterProvider.create(
      clusterInputs({ apiUrl: "https://host.docker.internal:6444" }),
    );
    expect(again.id).toBe(first.id);
    expect(again.outs!.adopted).toBe(true);
    expect(server.store.clusters.size).toBe(1);
    expect(server.store.clusters.get(first.id)!.apiUrl).toBe("https://host.docker.internal:6444");
  });

  test("delete removes it; deleting again (404) is success", async () => {
    const { id, outs } = await kacClusterProvider.create(clusterInputs());
    await kacClusterProvider.delete!(id, outs!);
    expect(server.store.clusters.size).toBe(0);
    await expect(kacClusterProvider.delete!(id, outs!)).resolves.toBeUndefined();
  });
});

describe("KAC role provider", () => {
  test("create, read, update the description, delete", async () => {
    const news = { ...api, name: "admin-role", description: "full admin" };
    const { id, outs } = await kacRoleProvider.create(news);
    expect(server.store.roles.get(id)).toMatchObject({ name: "admin-role", description: "full admin" });
    resetRunCache();
    const read = await kacRoleProvider.read!(id, outs);
    expect(read.props).toMatchObject({ name: "admin-role", description: "full admin" });
    expect(await kacRoleProvider.diff!(id, read.props as KacRoleOutputs, news)).toEqual({
      changes: false,
      replaces: [],
    });
    const changed = { ...news, description: "changed" };
    expect((await kacRoleProvider.diff!(id, outs!, changed)).changes).toBe(true);
    await kacRoleProvider.update!(id, outs!, changed);
    expect(server.store.roles.get(id)!.description).toBe("changed");
    await kacRoleProvider.delete!(id, outs!);
    expect(server.store.roles.size).toBe(0);
    await expect(kacRoleProvider.delete!(id, outs!)).resolves.toBeUndefined();
  });

  test("create adopts a same-named role and corrects its description, with one PUT and no POST", async () => {
    const made = await kacRoleProvider.create({ ...api, name: "admin-role", description: "by hand" });
    resetRunCache();
    server.resetCounts();
    const adopted = await kacRoleProvider.create({ ...api, name: "admin-role", description: "declared" });
    expect(adopted.id).toBe(made.id);
    expect(server.count("POST", ROLES)).toBe(0);
    expect(server.count("PUT", `${ROLES}/{roleUuid}`)).toBe(1);
    expect(server.store.roles.get(made.id)!.description).toBe("declared");
  });

  test("two roles of one name in QueryPie stop the run with a clear error, not a guess", async () => {
    const made = await kacRoleProvider.create({ ...api, name: "admin-role", description: "" });
    // Made by hand beside ours (QueryPie's rule on duplicate names is unverified).
    server.store.roles.set("dup", { ...server.store.roles.get(made.id)!, uuid: "dup" });
    resetRunCache();
    await expect(kacRoleProvider.create({ ...api, name: "admin-role", description: "" })).rejects.toThrow(
      /^Creating QueryPie role "admin-role": QueryPie GET \/api\/external\/v2\/kac\/roles failed: more than one match \(2 roles named "admin-role": .*\)\. The lab finds its objects by name, so names must be unique/,
    );
  });
});

describe("KAC policy provider", () => {
  const content = renderPolicyContent(fullAdminPolicy());

  test("create makes the policy and sets its content (one new version)", async () => {
    const { id, outs } = await kacPolicyProvider.create({
      ...api,
      name: "product-policy",
      description: "d",
      content,
    });
    const stored = server.store.policies.get(id)!;
    expect(stored.versions.at(-1)!.content).toBe(content);
    expect(stored.versions.at(-1)!.justification).toBe("Managed by Pulumi (kind-access-lab)");
    expect(outs!.content).toBe(content);
  });

  test("content changed in QueryPie is seen by read and restored by update", async () => {
    const news = { ...api, name: "product-policy", description: "", content };
    const { id, outs } = await kacPolicyProvider.create(news);
    const stored = server.store.policies.get(id)!;
    stored.versions.push({
      ...stored.versions.at(-1)!,
      version: "3",
      content: content.replace('- "*"\n    resources', "- get\n    resources"),
    });
    const read = await kacPolicyProvider.read!(id, outs);
    const diff = await kacPolicyProvider.diff!(id, read.props as KacPolicyOutputs, news);
    expect(diff).toEqual({ changes: true, replaces: [] });
    server.resetCounts();
    await kacPolicyProvider.update!(id, read.props as KacPolicyOutputs, news);
    expect(server.counts().writes).toBe(1);
    expect(server.store.policies.get(id)!.versions.at(-1)!.content).toBe(content);
  });

  test("content that QueryPie reformats is not a change (compared by meaning)", async () => {
    const news = { ...api, name: "product-policy", description: "", content };
    const { id, outs } = await kacPolicyProvider.create(news);
    const reformatted = JSON.stringify(fullAdminPolicy()); // JSON is YAML too
    expect(await kacPolicyProvider.diff!(id, { ...outs!, content: reformatted }, news)).toEqual({
      changes: false,
      replaces: [],
    });
  });

  test("a failure between create and set-content, then a re-run: the empty policy is adopted, no duplicate", async () => {
    server.inject({ method: "PUT", path: `${POLICIES}/{policyUuid}/content`, status: 400 });
    const news = { ...api, name: "product-policy", description: "", content };
    await expect(kacPolicyProvider.create(news)).rejects.toThrow(
      /Creating QueryPie policy "product-policy": QueryPie PUT/,
    );
    expect(server.store.policies.size).toBe(1);
    resetRunCache();
    const again = await kacPolicyProvider.create(news);
    expect(again.outs!.adopted).toBe(true);
    expect(server.store.policies.size).toBe(1);
    expect(server.store.policies.get(again.id)!.versions.at(-1)!.content).toBe(content);
  });

  test("read of a deleted policy is gone; delete of a missing one is success", async () => {
    const { id, outs } = await kacPolicyProvider.create({ ...api, name: "p", description: "", content });
    server.store.policies.delete(id);
    expect(await kacPolicyProvider.read!(id, outs)).toEqual({ id: "", props: undefined });
    await expect(kacPolicyProvider.delete!(id, outs!)).resolves.toBeUndefined();
  });
});

describe("KAC role-policy link provider", () => {
  async function roleAndPolicy() {
    const role = await kacRoleProvider.create({ ...api, name: "admin-role", description: "" });
    const policy = await kacPolicyProvider.create({
      ...api,
      name: "product-policy",
      description: "",
      content: renderPolicyContent(fullAdminPolicy()),
    });
    return { roleUuid: role.id, policyUuid: policy.id };
  }

  test("create assigns, read sees it, another policy is a replace, delete unassigns", async () => {
    const ids = await roleAndPolicy();
    const news = { ...api, ...ids, roleName: "admin-role", policyName: "product-policy" };
    const { id, outs } = await kacRolePolicyProvider.create(news);
    expect(id).toBe(`${ids.roleUuid}/${ids.policyUuid}`);
    expect(server.store.links.get(ids.roleUuid)!.has(ids.policyUuid)).toBe(true);
    resetRunCache();
    expect((await kacRolePolicyProvider.read!(id, outs)).id).toBe(id);
    expect(await kacRolePolicyProvider.diff!(id, outs!, news)).toEqual({ changes: false, replaces: [] });
    expect((await kacRolePolicyProvider.diff!(id, outs!, { ...news, policyUuid: "other" })).replaces).toEqual(
      ["policyUuid"],
    );
    await kacRolePolicyProvider.delete!(id, outs!);
    expect(server.store.links.get(ids.roleUuid)!.size).toBe(0);
    resetRunCache();
    expect((await kacRolePolicyProvider.read!(id, outs)).id).toBe("");
  });

  test("an existing link is adopted without a write; a link of a deleted role reads as gone", async () => {
    const ids = await roleAndPolicy();
    server.store.links.set(ids.roleUuid, new Map([[ids.policyUuid, new Date().toISOString()]]));
    resetRunCache();
    server.resetCounts();
    const { id, outs } = await kacRolePolicyProvider.create({ ...api, ...ids });
    expect(server.counts().writes).toBe(0);
    expect(outs!.adopted).toBe(true);
    server.store.links.delete(ids.roleUuid);
    server.store.roles.delete(ids.roleUuid);
    resetRunCache();
    expect((await kacRolePolicyProvider.read!(id, outs)).id).toBe("");
    await expect(kacRolePolicyProvider.delete!(id, outs!)).resolves.toBeUndefined();
  });
});

describe("KAC grant provider", () => {
  const NOW = new Date("2026-11-28T15:00:00Z");
  const later = (days: number) => () => new Date(NOW.getTime() + days * 86_400_000);

  async function role(name = "admin-role") {
    return (await kacRoleProvider.create({ ...api, name, description: "" })).id;
  }

  test("create grants with the default expiry (now + 364 days, end of day UTC) and keeps it in state", async () => {
    const grants = makeKacGrantProvider({ now: () => NOW });
    const roleUuid = await role();
    const { id, outs } = await grants.create({ ...api, loginId: "qp-admin", roleUuids: [roleUuid] });
    expect(id).toBe(server.admin.uuid);
    expect(outs!.expirationDate).toBe("2027-11-27T23:59:59Z");
    expect(server.store.grants.get(id)!.get(roleUuid)!.expirationDate).toBe("2027-11-27T23:59:59.000Z");
    expect(
      server.requests.find((r) => r.method === "POST" && r.route.includes("access-controls"))!.body,
    ).toEqual({
      roleUuids: [roleUuid],
      expirationDate: "2027-11-27T23:59:59Z",
    });
  });

  test("a day later the kept expiry does not churn: read + diff say no change", async () => {
    const roleUuid = await role();
    const { id, outs } = await makeKacGrantProvider({ now: () => NOW }).create({
      ...api,
      loginId: "qp-admin",
      roleUuids: [roleUuid],
    });
    const tomorrow = makeKacGrantProvider({ now: later(1) });
    resetRunCache();
    const read = await tomorrow.read!(id, outs);
    expect(
      await tomorrow.diff!(id, read.props as KacGrantOutputs, {
        ...api,
        loginId: "qp-admin",
        roleUuids: [roleUuid],
      }),
    ).toEqual({
      changes: false,
      replaces: [],
    });
  });

  test("once the kept expiry has passed, the next apply renews it with a fresh default", async () => {
    let serverNow = NOW;
    const s2 = await startServer({ now: () => serverNow });
    try {
      const roleUuid = (await kacRoleProvider.create({ ...s2.api, name: "admin-role", description: "" })).id;
      const news = { ...s2.api, loginId: "qp-admin", roleUuids: [roleUuid] };
      const { id, outs } = await makeKacGrantProvider({ now: () => NOW }).create(news);
      serverNow = later(365)();
      const nextYear = makeKacGrantProvider({ now: later(365) });
      resetRunCache();
      const read = await nextYear.read!(id, outs);
      expect((await nextYear.diff!(id, read.props as KacGrantOutputs, news)).changes).toBe(true);
      const { outs: renewed } = await nextYear.update!(id, read.props as KacGrantOutputs, news);
      expect(renewed!.expirationDate).toBe("2028-11-26T23:59:59Z");
      expect(s2.server.store.grants.get(id)!.get(roleUuid)!.expirationDate).toBe("2028-11-26T23:59:59.000Z");
      s2.server.expectNoViolations();
    } finally {
      await s2.server.close();
    }
  });

  test("a configured expiry that changes re-grants the role (revoke, then grant)", async () => {
    const grants = makeKacGrantProvider({ now: () => NOW });
    const roleUuid = await role();
    const news = { ...api, loginId: "qp-admin", roleUuids: [roleUuid], expiresAt: "2027-06-30T23:59:59Z" };
    const { id, outs } = await grants.create(news);
    const changed = { ...news, expiresAt: "2027-07-31T23:59:59Z" };
    expect((await grants.diff!(id, outs!, changed)).changes).toBe(true);
    resetRunCache();
    server.resetCounts();
    const { outs: after } = await grants.update!(id, outs!, changed);
    expect(Object.keys(server.counts().byRoute).sort()).toEqual([
      "DELETE /api/external/v2/kac/access-controls/users/{userUuid}/roles",
      "GET /api/external/v2/kac/access-controls/users/{userUuid}/roles",
      "POST /api/external/v2/kac/access-controls/users/{userUuid}/roles",
    ]);
    expect(after!.expirationDate).toBe("2027-07-31T23:59:59Z");
    expect(server.store.grants.get(id)!.get(roleUuid)!.expirationDate).toBe("2027-07-31T23:59:59.000Z");
  });

  test("roles added and removed: only the difference is granted and revoked", async () => {
    const grants = makeKacGrantProvider({ now: () => NOW });
    const [a, b] = [await role("a"), await role("b")];
    const { id, outs } = await grants.create({ ...api, loginId: "qp-admin", roleUuids: [a] });
    resetRunCache();
    server.resetCounts();
    await grants.update!(id, outs!, { ...api, loginId: "qp-admin", roleUuids: [b] });
    const sent = server.requests.filter((r) => r.method !== "GET").map((r) => [r.method, r.body]);
    expect(sent).toEqual([
      ["DELETE", { roleUuids: [a] }],
      ["POST", { roleUuids: [b], expirationDate: "2027-11-27T23:59:59Z" }],
    ]);
  });

  test("a grant revoked in QueryPie reads as gone", async () => {
    const grants = makeKacGrantProvider({ now: () => NOW });
    const roleUuid = await role();
    const { id, outs } = await grants.create({ ...api, loginId: "qp-admin", roleUuids: [roleUuid] });
    server.store.grants.get(id)!.clear();
    resetRunCache();
    expect(await grants.read!(id, outs)).toEqual({ id: "", props: undefined });
  });

  test("an unknown login id fails with what to do", async () => {
    const roleUuid = await role();
    await expect(
      makeKacGrantProvider({ now: () => NOW }).create({ ...api, loginId: "nobody", roleUuids: [roleUuid] }),
    ).rejects.toThrow(
      'Granting the roles of QueryPie user "nobody": QueryPie has no user with login id "nobody". Create the user in QueryPie (Administrator > Users), or fix the loginId under access.grants, then run again',
    );
  });

  test("delete revokes; revoking again is success", async () => {
    const grants = makeKacGrantProvider({ now: () => NOW });
    const roleUuid = await role();
    const { id, outs } = await grants.create({ ...api, loginId: "qp-admin", roleUuids: [roleUuid] });
    await grants.delete!(id, outs!);
    expect(server.store.grants.get(id)!.size).toBe(0);
    await expect(grants.delete!(id, outs!)).resolves.toBeUndefined();
  });
});

// Changing platform ports, portOffset or bindAddress moves the same QueryPie. A replace would
// adopt each object at the new address, then delete it through the old one, which is gone.
describe("a moved QueryPie (new web port): every object is updated in place, with no request", () => {
  test("cluster, role, policy, link and grant: diff is an update without replace, update sends nothing, delete uses the new address", async () => {
    const content = renderPolicyContent(fullAdminPolicy());
    const grants = makeKacGrantProvider();
    const cluster = clusterInputs();
    const c = await kacClusterProvider.create(cluster);
    const roleIn = { ...api, name: "admin-role", description: "" };
    const r = await kacRoleProvider.create(roleIn);
    const policyIn = { ...api, name: "product-policy", description: "", content };
    const p = await kacPolicyProvider.create(policyIn);
    const linkIn = { ...api, roleUuid: r.id, policyUuid: p.id };
    const l = await kacRolePolicyProvider.create(linkIn);
    const grantIn = { ...api, loginId: "qp-admin", roleUuids: [r.id] };
    const g = await grants.create(grantIn);

    // The same server under another name: what a new port looks like to the providers.
    const moved = { apiBaseUrl: api.apiBaseUrl.replace("127.0.0.1", "localhost") };
    expect(moved.apiBaseUrl).not.toBe(api.apiBaseUrl);
    const cases = [
      [kacClusterProvider, c, { ...cluster, ...moved }],
      [kacRoleProvider, r, { ...roleIn, ...moved }],
      [kacPolicyProvider, p, { ...policyIn, ...moved }],
      [kacRolePolicyProvider, l, { ...linkIn, ...moved }],
      [grants, g, { ...grantIn, ...moved }],
    ] as const;
    resetRunCache();
    server.resetCounts();
    const updated: { id: string; outs: Record<string, unknown> }[] = [];
    for (const [provider, res, news] of cases) {
      const prov = provider as unknown as Required<pulumi.dynamic.ResourceProvider>;
      expect(await prov.diff(res.id, res.outs, news)).toEqual({ changes: true, replaces: [] });
      const { outs } = await prov.update(res.id, res.outs, news);
      expect(outs.apiBaseUrl).toBe(moved.apiBaseUrl);
      updated.push({ id: res.id, outs });
    }
    expect(server.counts().writes).toBe(0);
    for (const i of [4, 3, 2, 1, 0]) {
      const prov = cases[i][0] as unknown as Required<pulumi.dynamic.ResourceProvider>;
      await prov.delete(updated[i].id, updated[i].outs);
    }
    expect(server.store.clusters.size + server.store.roles.size + server.store.policies.size).toBe(0);
    expect(server.store.links.get(r.id)?.size ?? 0).toBe(0);
    expect(server.requests.filter((q) => q.method === "DELETE").length).toBeGreaterThanOrEqual(5);
  });
});

describe("failure paths: the error says what happened and never holds a secret", () => {
  test("401: the token was rejected, told plainly, token absent", async () => {
    const bad = { ...api, apiToken: `ap-wrong-${Date.now()}` };
    const err = await kacRoleProvider.create({ ...bad, name: "r", description: "" }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /^Creating QueryPie role "r": QueryPie GET \/api\/external\/v2\/kac\/roles failed: HTTP 401.*The API token was rejected: create a new API token/,
    );
    expect((err as Error).message).not.toContain(bad.apiToken);
    expect((err as Error).message).not.toContain(api.apiToken);
    expect((err as Error & { status: number }).status).toBe(401);
  });

  test("5xx twice then success: retried, one role made", async () => {
    server.inject({ method: "POST", path: ROLES, status: 503, times: 2 });
    const { id } = await kacRoleProvider.create({ ...api, name: "r", description: "" });
    expect(server.store.roles.has(id)).toBe(true);
    expect(server.count("POST", ROLES)).toBe(3);
  });

  test("5xx on every try: fails after the bounded retries, pointing at the logs", async () => {
    server.inject({ method: "GET", path: CLUSTERS, status: 500, times: Infinity });
    const inputs = clusterInputs();
    const err = (await kacClusterProvider.create(inputs).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      /^Registering cluster "production-cluster" in QueryPie: QueryPie GET \/api\/external\/v2\/kac\/clusters failed: HTTP 500.*after 3 attempts: read the app container's logs/,
    );
    for (const secret of [inputs.serviceAccountToken, inputs.certificateAuthority, inputs.apiToken]) {
      expect(err.message).not.toContain(secret);
    }
  });

  test("no answer in time: a timeout error that says what to check", async () => {
    server.inject({ method: "GET", path: ROLES, delayMs: 1500, times: Infinity });
    const err = (await kacRoleProvider
      .create({ ...api, http: { timeoutMs: 100, attempts: 2, baseDelayMs: 1 }, name: "r", description: "" })
      .catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(
      /failed: no answer in time \(no answer within 100 ms\)\. QueryPie did not answer in time after 2 attempts/,
    );
  });

  test("a server message that echoes the token is redacted", async () => {
    server.inject({
      method: "POST",
      path: ROLES,
      status: 400,
      body: { error: { code: "QPS-1", message: `bad ${api.apiToken}`, status: 400 } },
    });
    const err = (await kacRoleProvider
      .create({ ...api, name: "r", description: "" })
      .catch((e: Error) => e)) as Error;
    expect(err.message).toContain("bad <redacted>");
    expect(err.message).not.toContain(api.apiToken);
  });
});
