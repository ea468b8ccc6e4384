/**
 * QueryPieClient against the QueryPie test server, which checks every request against the vendor
 * OpenAPI file: `afterEach` fails the test on any recorded violation, so every happy path here
 * also proves that what the client sends validates against the vendor file.
 */
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import {
  QUERYPIE_OPERATIONS,
  QueryPieClient,
  type QueryPieClientEvent,
  type QueryPieClientOptions,
} from "../../components/platform/client";
import { isNotFound, QueryPieError } from "../../components/platform/errors";
import { VENDOR_SPEC_PATH } from "../support/openapi-contract";
import { QueryPieTestServer, type QueryPieTestServerOptions } from "../support/querypie-server";

const API = "/api/external/v2";
let server: QueryPieTestServer | undefined;

/** `<METHOD> <template>` of every request answered 2xx in this file (see the last test). */
const answeredRoutes = new Set<string>();

afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  for (const r of s.requests) if (r.status !== undefined && r.status < 300) answeredRoutes.add(r.route);
  await s.close();
  s.expectNoViolations();
});

interface Harness {
  server: QueryPieTestServer;
  client: QueryPieClient;
  sleeps: number[];
  events: QueryPieClientEvent[];
}

/** A server and a client that does not really wait between retries (sleeps are recorded). */
async function harness(
  serverOptions: QueryPieTestServerOptions = {},
  clientOptions: Partial<QueryPieClientOptions> = {},
): Promise<Harness> {
  server = await QueryPieTestServer.start(serverOptions);
  const sleeps: number[] = [];
  const events: QueryPieClientEvent[] = [];
  const client = new QueryPieClient({
    ...server.connection(),
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    onEvent: (e) => void events.push(e),
    ...clientOptions,
  });
  return { server, client, sleeps, events };
}

async function caught(run: () => Promise<unknown>): Promise<QueryPieError> {
  try {
    await run();
  } catch (e) {
    expect(e).toBeInstanceOf(QueryPieError);
    return e as QueryPieError;
  }
  throw new Error("expected a QueryPieError");
}

const CA = Buffer.from("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n").toString("base64");
const POLICY = `apiVersion: kubernetes.rbac.querypie.com/v1
kind: KacPolicy
spec:
  allow:
    resources: ["cluster:*"]
    subjects:
      kubernetesGroups: ["system:masters"]
    actions:
      - apiGroups: ["*"]
        resources: ["*"]
        namespace: "*"
        name: "*"
        verbs: ["*"]
`;

function clusterRequest(name: string) {
  return {
    name,
    apiUrl: `https://${name}-control-plane:6443`,
    serviceAccountToken: "service-account-token",
    certificateAuthority: CA,
    podSessionRecording: false,
    requestAudit: true,
    requestAuditTypes: ["create" as const, "delete" as const],
    tags: [{ key: "environment", value: "production" }],
    version: "1.33.1",
  };
}

describe("happy paths (every request validated against the vendor file)", () => {
  test("clusters: create answers the uuid, get omits token and CA, update keeps them, list, find, delete", async () => {
    const { client, server } = await harness();
    const uuid = await client.createCluster(clusterRequest("cluster1"));
    const got = await client.getCluster(uuid);
    expect(got).toMatchObject({
      uuid,
      name: "cluster1",
      requestAudit: true,
      requestAuditTypes: ["create", "delete"],
    });
    expect(got).not.toHaveProperty("serviceAccountToken");
    expect(got).not.toHaveProperty("certificateAuthority");
    expect(server.store.clusters.get(uuid)?.certificateAuthority).toBe(CA);

    const { name, apiUrl, podSessionRecording, requestAudit, tags } = clusterRequest("cluster1");
    await client.updateCluster(uuid, {
      name,
      apiUrl,
      podSessionRecording,
      requestAudit: !requestAudit,
      tags,
    });
    expect((await client.getCluster(uuid)).requestAudit).toBe(false);
    expect(server.store.clusters.get(uuid)?.serviceAccountToken).toBe("service-account-token");

    await client.createCluster(clusterRequest("cluster2"));
    expect((await client.listClusters()).map((c) => c.name).sort()).toEqual(["cluster1", "cluster2"]);
    expect((await client.findClusterByName("cluster2"))?.name).toBe("cluster2");
    expect(await client.findClusterByName("cluster3")).toBeUndefined();

    await client.deleteCluster(uuid);
    expect(isNotFound(await caught(() => client.getCluster(uuid)))).toBe(true);
  });

  test("roles: create (201), get, update, list, find, policies add/list/remove, delete by body", async () => {
    const { client } = await harness();
    const role = await client.createRole({ name: "admin-role", description: "seed 000" });
    const policy = await client.createPolicy({ name: "product-policy" });
    expect(await client.getRole(role)).toMatchObject({
      uuid: role,
      name: "admin-role",
      description: "seed 000",
      policyCount: 0,
    });
    await client.updateRole(role, { name: "admin-role", description: "changed" });
    expect((await client.getRole(role)).description).toBe("changed");
    expect((await client.listRoles()).map((r) => r.uuid)).toEqual([role]);
    expect((await client.findRoleByName("admin-role"))?.uuid).toBe(role);

    await client.addRolePolicies(role, [policy]);
    expect(await client.listRolePolicies(role)).toMatchObject([
      { policyUuid: policy, policyName: "product-policy" },
    ]);
    expect((await client.getRole(role)).policyCount).toBe(1);
    await client.removeRolePolicies(role, [policy]);
    expect(await client.listRolePolicies(role)).toEqual([]);

    await client.deleteRoles([role]);
    expect(await client.findRoleByName("admin-role")).toBeUndefined();
  });

  test("policies: create, content as new versions, get returns content, update metadata, versions, roles, find, delete", async () => {
    const { client } = await harness();
    const policy = await client.createPolicy({ name: "product-policy", description: "full admin" });
    await client.setPolicyContent(policy, { content: POLICY, justification: "seed 000" });
    const got = await client.getPolicy(policy);
    expect(got).toMatchObject({ uuid: policy, name: "product-policy", content: POLICY, version: "2" });
    await client.setPolicyContent(policy, { content: POLICY.replace('"*"]', '"get"]') });
    const versions = await client.listPolicyVersions(policy);
    expect(versions.map((v) => [v.version, v.isCurrent])).toEqual([
      ["3", true],
      ["2", false],
      ["1", false],
    ]);
    expect(versions[1].justification).toBe("seed 000");

    await client.updatePolicy(policy, { name: "product-policy", description: "renamed" });
    expect((await client.findPolicyByName("product-policy"))?.description).toBe("renamed");
    const role = await client.createRole({ name: "admin-role" });
    await client.addRolePolicies(role, [policy]);
    expect(await client.listPolicyRoles(policy)).toMatchObject([{ roleUuid: role, roleName: "admin-role" }]);
    await client.removeRolePolicies(role, [policy]);
    expect((await client.listPolicies()).length).toBe(1);
    await client.deletePolicies([policy]);
    expect(await client.listPolicies()).toEqual([]);
  });

  test("users: identify qp-admin (FOUND), an unknown login (NOT_FOUND), findUserByLoginId", async () => {
    const { client, server } = await harness();
    expect(await client.identifyUser("qp-admin")).toEqual({ status: "FOUND", users: [server.admin] });
    expect(await client.identifyUser("nobody")).toEqual({ status: "NOT_FOUND", users: [] });
    expect(await client.findUserByLoginId("qp-admin")).toEqual(server.admin);
    expect(await client.findUserByLoginId("nobody")).toBeUndefined();
  });

  test("grants: grant (201 {grantedRoleCount, message}) with expiry, list user roles, accessible clusters, revoke", async () => {
    const { client, server } = await harness();
    const cluster = await client.createCluster(clusterRequest("cluster1"));
    const role = await client.createRole({ name: "admin-role" });
    const policy = await client.createPolicy({ name: "product-policy" });
    await client.setPolicyContent(policy, { content: POLICY });
    await client.addRolePolicies(role, [policy]);
    const user = server.admin.uuid;
    const expiry = new Date(Date.now() + 30 * 24 * 3600 * 1000);

    const result = await client.grantRoles(user, [role], expiry);
    expect(result).toMatchObject({ grantedRoleCount: 1 });
    expect(typeof result.message).toBe("string");
    const roles = await client.listUserRoles(user);
    expect(roles).toMatchObject([
      { roleUuid: role, roleName: "admin-role", expirationDate: expiry.toISOString() },
    ]);
    expect(await client.listAccessibleClusters(user)).toMatchObject([
      { clusterUuid: cluster, clusterName: "cluster1", roleNames: ["admin-role"] },
    ]);

    await client.grantRoles(user, [role]); // without expiry: QueryPie picks one, and answers it
    expect((await client.listUserRoles(user))[0].expirationDate).toMatch(/^\d{4}-/);

    await client.revokeRoles(user, [role]);
    expect(await client.listUserRoles(user)).toEqual([]);
    expect(await client.listAccessibleClusters(user)).toEqual([]);
  });

  test("destroy in the documented order succeeds against a server that refuses deleting objects in use", async () => {
    const { client, server } = await harness({ deleteInUse: "reject" });
    const cluster = await client.createCluster(clusterRequest("cluster1"));
    const role = await client.createRole({ name: "r" });
    const policy = await client.createPolicy({ name: "p" });
    await client.addRolePolicies(role, [policy]);
    await client.grantRoles(server.admin.uuid, [role]);
    await client.revokeRoles(server.admin.uuid, [role]);
    await client.removeRolePolicies(role, [policy]);
    await client.deletePolicies([policy]);
    await client.deleteRoles([role]);
    await client.deleteCluster(cluster);
    expect([server.store.clusters.size, server.store.roles.size, server.store.policies.size]).toEqual([
      0, 0, 0,
    ]);
  });

  test("empty id lists send nothing", async () => {
    const { client, server } = await harness();
    await client.deleteRoles([]);
    await client.deletePolicies([]);
    await client.addRolePolicies("r", []);
    await client.removeRolePolicies("r", []);
    await client.revokeRoles("u", []);
    expect(server.counts().total).toBe(0);
  });

  test("every operation in QUERYPIE_OPERATIONS exists in the vendor file with that method and operationId", async () => {
    const spec = JSON.parse(readFileSync(VENDOR_SPEC_PATH, "utf8")) as {
      paths: Record<string, Record<string, { operationId: string }>>;
    };
    for (const [id, { method, path }] of Object.entries(QUERYPIE_OPERATIONS)) {
      expect(spec.paths[path]?.[method.toLowerCase()]?.operationId, `${method} ${path}`).toBe(id);
    }
  });
});

describe("auth", () => {
  test("a server that takes only the bare token: one 401 with Bearer, then bare, remembered for later calls", async () => {
    const { client, server, events } = await harness({ acceptAuth: "bare" });
    expect(client.authScheme).toBe("bearer");
    await client.listRoles();
    await client.listPolicies();
    expect(server.requests.map((r) => r.auth)).toEqual(["wrong", "bare", "bare"]);
    expect(server.requests.map((r) => r.status)).toEqual([401, 200, 200]);
    expect(client.authScheme).toBe("bare");
    expect(events).toEqual([{ type: "auth-scheme", scheme: "bare" }]);
  });

  test("a server that takes Bearer never sees the bare token", async () => {
    const { client, server } = await harness({ acceptAuth: "bearer" });
    await client.listRoles();
    expect(server.requests.map((r) => r.auth)).toEqual(["bearer"]);
  });

  test("a wrong token: tried both ways, then a 401 error that says how to make a new token, without retries", async () => {
    const { server } = await harness();
    const client = new QueryPieClient({ baseUrl: server.url, token: "not-the-token", sleep: async () => {} });
    const e = await caught(() => client.listRoles());
    expect(e).toMatchObject({
      kind: "http",
      status: 401,
      method: "GET",
      path: `${API}/kac/roles`,
      attempts: 1,
    });
    expect(e.message).toBe(
      `QueryPie GET ${API}/kac/roles failed: HTTP 401 QPS-TEST-401: Invalid or missing API token (sent as "Bearer <token>" and as the bare token). ` +
        "The API token was rejected: create a new API token in QueryPie (Administrator > General > System > API Token) and set it with `pulumi config set --secret querypieApiToken <token>`.",
    );
    expect(server.requests.length).toBe(2);
  });

  test("after the scheme is confirmed, a later 401 is not retried with the other scheme", async () => {
    const { client, server } = await harness();
    await client.listRoles();
    server.inject({ status: 401 });
    const e = await caught(() => client.listRoles());
    expect(e.message).toContain("(sent as the bearer token)");
    expect(server.requests.length).toBe(2);
  });
});

describe("errors and retries", () => {
  test("404 is a QueryPieError with status, path and advice, not retried; missingOk makes deletes idempotent", async () => {
    const { client, server } = await harness();
    const e = await caught(() => client.getRole("no-such-role"));
    expect(e).toMatchObject({
      kind: "http",
      status: 404,
      code: "QPS-TEST-404",
      path: `${API}/kac/roles/no-such-role`,
    });
    expect(e.notFound).toBe(true);
    expect(e.message).toMatch(
      /HTTP 404 QPS-TEST-404: role no-such-role not found\. The object does not exist/,
    );
    expect(server.requests.length).toBe(1);
    await client.deleteCluster("gone", { missingOk: true });
    await client.deleteRoles(["gone"], { missingOk: true });
    await expect(client.deletePolicies(["gone"])).rejects.toMatchObject({ status: 404 });
  });

  test.each([400, 403, 409])("HTTP %i is never retried", async (status) => {
    const { client, server, sleeps } = await harness();
    server.inject({ path: `${API}/kac/roles`, method: "POST", status, times: 5 });
    const e = await caught(() => client.createRole({ name: "r" }));
    expect(e).toMatchObject({ status, attempts: 1 });
    expect(sleeps).toEqual([]);
    expect(server.count("POST", `${API}/kac/roles`)).toBe(1);
  });

  test("a duplicate name answers 400 with QueryPie's message", async () => {
    const { client } = await harness();
    await client.createRole({ name: "admin-role" });
    const e = await caught(() => client.createRole({ name: "admin-role" }));
    expect(e.message).toMatch(
      /HTTP 400 QPS-TEST-400: a role named "admin-role" already exists .*QueryPie rejected the request as invalid/,
    );
  });

  test("5xx twice, then success: three tries with exponential backoff and jitter", async () => {
    const { client, server, sleeps, events } = await harness(
      {},
      { retry: { baseDelayMs: 100, maxDelayMs: 10_000 } },
    );
    server.inject({ status: 503, times: 1 });
    server.inject({ status: 500, times: 1 });
    expect(await client.listRoles()).toEqual([]);
    expect(server.requests.map((r) => r.status)).toEqual([503, 500, 200]);
    // random 0.5: delay = exp/2 + 0.5*exp/2 = 0.75*exp, exp = 100, 200
    expect(sleeps).toEqual([75, 150]);
    expect(events).toEqual([
      { type: "retry", method: "GET", path: `${API}/kac/roles`, attempt: 1, delayMs: 75, reason: "HTTP 503" },
      {
        type: "retry",
        method: "GET",
        path: `${API}/kac/roles`,
        attempt: 2,
        delayMs: 150,
        reason: "HTTP 500",
      },
    ]);
  });

  test("5xx every time: gives up after the configured attempts and says so", async () => {
    const { client, server, sleeps } = await harness({}, { retry: { attempts: 4 } });
    server.inject({ status: 502, times: Infinity });
    const e = await caught(() => client.createPolicy({ name: "p" }));
    expect(e).toMatchObject({ status: 502, attempts: 4 });
    expect(e.message).toMatch(
      /HTTP 502.*QueryPie failed internally after 4 attempts: read the app container's logs/,
    );
    expect(sleeps.length).toBe(3);
    // Before each retry of a create, one lookup (a single try) for an object an earlier try made.
    expect(server.count("POST", `${API}/kac/policies`)).toBe(4);
    expect(server.count("GET", `${API}/kac/policies`)).toBe(3);
  });

  test("the backoff is capped by maxDelayMs and jitter spans half to all of it", async () => {
    const run = async (random: number) => {
      const out: number[] = [];
      const h = await harness(
        {},
        {
          random: () => random,
          sleep: async (ms) => void out.push(ms),
          retry: { attempts: 6, baseDelayMs: 1000, maxDelayMs: 4000 },
        },
      );
      h.server.inject({ status: 500, times: Infinity });
      await caught(() => h.client.listRoles());
      await h.server.close();
      h.server.expectNoViolations();
      server = undefined;
      return out;
    };
    expect(await run(0)).toEqual([500, 1000, 2000, 2000, 2000]);
    expect(await run(0.999999)).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  test("429 is retried and Retry-After (seconds) is honoured up to maxDelayMs", async () => {
    const { client, server, sleeps } = await harness({}, { retry: { baseDelayMs: 10, maxDelayMs: 3000 } });
    server.inject({ status: 429, headers: { "Retry-After": "2" } });
    server.inject({ status: 429, headers: { "Retry-After": "60" } });
    await client.listClusters();
    expect(sleeps).toEqual([2000, 3000]);
  });

  test("a timeout is retried; a slow answer within the timeout is not", async () => {
    const { client, server } = await harness({}, { timeoutMs: 500 });
    server.inject({ delayMs: 1500, times: 1 });
    expect(await client.listRoles()).toEqual([]);
    expect(server.requests.length).toBe(2);
    server.resetCounts();
    server.inject({ delayMs: 50, times: 1 });
    expect(await client.listRoles()).toEqual([]);
    expect(server.requests.length).toBe(1);
  });

  test("timeouts every time: a timeout error after the attempts, saying what to check", async () => {
    const { client, server } = await harness({}, { timeoutMs: 80, retry: { attempts: 2 } });
    server.inject({ delayMs: 300, times: Infinity });
    const e = await caught(() => client.getRole("r"));
    expect(e).toMatchObject({ kind: "timeout", status: undefined, attempts: 2 });
    expect(e.message).toBe(
      `QueryPie GET ${API}/kac/roles/r failed: no answer in time (no answer within 80 ms). ` +
        "QueryPie did not answer in time after 2 attempts: it may still be starting or be overloaded. Check that it answers /readyz, then run again (or raise the client timeout).",
    );
  });

  test("a dropped connection is retried, and reported as a connection failure when it persists", async () => {
    const { client, server } = await harness({}, { retry: { attempts: 3 } });
    server.inject({ drop: true, times: 1 });
    expect(await client.listPolicies()).toEqual([]);
    server.inject({ drop: true, times: Infinity });
    const e = await caught(() => client.listPolicies());
    expect(e).toMatchObject({ kind: "network", attempts: 3 });
    expect(e.message).toMatch(
      /failed: no connection \(.+\)\. QueryPie could not be reached after 3 attempts at http:\/\/127\.0\.0\.1:\d+: check that the app container is running/,
    );
  });

  test.each([
    ["createRole", (c: QueryPieClient) => c.createRole({ name: "r" }), `${API}/kac/roles`],
    ["createPolicy", (c: QueryPieClient) => c.createPolicy({ name: "r" }), `${API}/kac/policies`],
    ["createCluster", (c: QueryPieClient) => c.createCluster(clusterRequest("r")), `${API}/kac/clusters`],
  ])(
    "%s whose answer is lost: the retry finds the object the first try made instead of making it twice",
    async (_name, create, route) => {
      const { client, server, events } = await harness();
      server.inject({ method: "POST", loseAnswer: true });
      const uuid = await create(client);
      const list = [
        ...server.store.roles.values(),
        ...server.store.policies.values(),
        ...server.store.clusters.values(),
      ];
      expect(list.map((x) => x.uuid)).toEqual([uuid]);
      expect(server.count("POST", route)).toBe(1);
      expect(server.count("GET", route)).toBe(1);
      expect(events).toContainEqual({
        type: "recovered",
        method: "POST",
        path: route,
        detail: "an earlier try had already created it",
      });
    },
  );

  test("a create that failed with 5xx before doing anything is sent again after the lookup finds nothing", async () => {
    const { client, server } = await harness();
    server.inject({ method: "POST", status: 503 });
    await client.createRole({ name: "r" });
    expect(server.requests.map((r) => r.route)).toEqual([
      `POST ${API}/kac/roles`,
      `GET ${API}/kac/roles`,
      `POST ${API}/kac/roles`,
    ]);
    expect(server.store.roles.size).toBe(1);
  });

  test("a delete whose answer is lost: the retry's 404 means it is done", async () => {
    const { client, server, events } = await harness();
    const role = await client.createRole({ name: "r" });
    server.inject({ method: "DELETE", loseAnswer: true });
    await client.deleteRoles([role]);
    expect(server.store.roles.size).toBe(0);
    expect(server.requests.slice(-2).map((r) => r.status)).toEqual([204, 404]);
    expect(events.at(-1)).toEqual({
      type: "recovered",
      method: "DELETE",
      path: `${API}/kac/roles`,
      detail: "an earlier try had already deleted it",
    });
  });

  test("a 404 on a first delete is still an error (nothing suggests it was deleted by us)", async () => {
    const { client } = await harness();
    expect((await caught(() => client.deleteCluster("never-was"))).status).toBe(404);
  });

  test("nothing listening: a connection error naming the base URL", async () => {
    const { server: s } = await harness();
    const url = s.url;
    await s.close();
    server = undefined;
    const client = new QueryPieClient({
      baseUrl: url,
      token: "t",
      retry: { attempts: 2 },
      sleep: async () => {},
    });
    const e = await caught(() => client.listRoles());
    expect(e.kind).toBe("network");
    expect(e.message).toContain(`ECONNREFUSED`);
    expect(e.message).toContain(`at ${url}`);
  });

  test("a 2xx answer of the wrong shape is an invalid-response error pointing at the version", async () => {
    const { client, server } = await harness();
    server.inject({ path: `${API}/kac/roles`, status: 200, body: [{ uuid: "x" }] });
    const e = await caught(() => client.listRoles());
    expect(e.kind).toBe("invalid-response");
    expect(e.message).toMatch(
      /unusable answer \(expected a JSON object\)\. The answer does not have the shape the vendor OpenAPI file \(11\.4\.1\) describes/,
    );
    server.inject({ path: `${API}/kac/roles`, method: "POST", status: 201, body: "not json" });
    expect((await caught(() => client.createRole({ name: "r" }))).message).toContain("the body is not JSON");
  });

  test("constructor refuses a missing token or a non-URL base, without echoing the token", () => {
    expect(() => new QueryPieClient({ baseUrl: "127.0.0.1:8000", token: "t" })).toThrow(
      /is not an http\(s\) URL/,
    );
    expect(() => new QueryPieClient({ baseUrl: "http://127.0.0.1:8000", token: "" })).toThrow(
      /API token is empty/,
    );
  });
});

describe("paging and find-by-name", () => {
  test("lists follow totalPages with explicit 0-based pageNumber and pageSize", async () => {
    const { client, server } = await harness({}, { pageSize: 3 });
    for (let i = 0; i < 7; i++) await client.createRole({ name: `role-${i}` });
    server.resetCounts();
    expect((await client.listRoles()).map((r) => r.name)).toEqual(
      [0, 1, 2, 3, 4, 5, 6].map((i) => `role-${i}`),
    );
    expect(server.requests.map((r) => r.query)).toEqual([
      "?pageNumber=0&pageSize=3",
      "?pageNumber=1&pageSize=3",
      "?pageNumber=2&pageSize=3",
    ]);
  });

  test("a server that serves smaller pages than asked is still read to the end", async () => {
    const { client, server } = await harness({ maxPageSize: 2 });
    for (let i = 0; i < 5; i++) await client.createPolicy({ name: `p${i}` });
    server.resetCounts();
    expect((await client.listPolicies()).length).toBe(5);
    expect(server.requests.length).toBe(3);
  });

  test("an empty list is one request (totalPages 0)", async () => {
    const { client, server } = await harness();
    expect(await client.listClusters()).toEqual([]);
    expect(server.requests.length).toBe(1);
  });

  test("paging has a safety stop (maxPages)", async () => {
    const { client, server } = await harness({}, { pageSize: 1, maxPages: 2 });
    for (const n of ["a", "b", "c"]) await client.createRole({ name: n });
    server.resetCounts();
    expect((await caught(() => client.listRoles())).message).toContain(
      "more than 2 pages of 1; raise maxPages",
    );
  });

  test("find-by-name matches exactly and refuses to guess between duplicates", async () => {
    const { client } = await harness({ duplicateNames: "allow" });
    await client.createPolicy({ name: "p" });
    await client.createPolicy({ name: "p" });
    await client.createPolicy({ name: "P" });
    const e = await caught(() => client.findPolicyByName("p"));
    expect(e.kind).toBe("ambiguous");
    expect(e.message).toMatch(
      /more than one match \(2 policies named "p": [0-9a-f-]+, [0-9a-f-]+\)\. The lab finds its objects by name/,
    );
    expect((await client.findPolicyByName("P"))?.name).toBe("P");
    expect(await client.findPolicyByName("p ")).toBeUndefined();
  });

  test("identify: several users sharing a loginId is ambiguous; the exact loginId is required", async () => {
    const { client, server } = await harness();
    server.store.addUser({ loginId: "dev" });
    server.store.addUser({ loginId: "dev", email: "dev2@x" });
    expect((await client.identifyUser("dev")).status).toBe("DUPLICATES_FOUND");
    expect((await caught(() => client.findUserByLoginId("dev"))).kind).toBe("ambiguous");
  });

  test("path parameters are percent-encoded", async () => {
    const { client, server } = await harness();
    await caught(() => client.getRole("a/b c"));
    expect(server.requests[0].path).toBe(`${API}/kac/roles/a%2Fb%20c`);
  });
});

describe("the token never leaks", () => {
  test("no error, in message, stack, properties, util.inspect or JSON, contains the token", async () => {
    const { server } = await harness({ acceptAuth: "bare" });
    const token = server.token;
    const client = new QueryPieClient({
      ...server.connection(),
      timeoutMs: 400,
      retry: { attempts: 2 },
      sleep: async () => {},
    });
    const errors: QueryPieError[] = [];
    errors.push(await caught(() => client.getRole("missing")));
    server.inject({
      status: 500,
      times: 2,
      body: { error: { code: "QPS-1", message: `bad token ${token} here` } },
    });
    errors.push(await caught(() => client.listRoles()));
    server.inject({ status: 401, times: 2, body: `Authorization: Bearer ${token} refused` });
    errors.push(
      await caught(() => new QueryPieClient({ ...server!.connection(), sleep: async () => {} }).listRoles()),
    );
    server.inject({ delayMs: 1200, times: 2 });
    errors.push(await caught(() => client.listRoles()));
    server.inject({ drop: true, times: 2 });
    errors.push(await caught(() => client.listRoles()));
    errors.push(
      await caught(() => new QueryPieClient({ baseUrl: server!.url, token: `wrong-${token}` }).listRoles()),
    );

    expect(errors.map((e) => e.kind)).toEqual(["http", "http", "http", "timeout", "network", "http"]);
    expect(errors[1].message).toContain("bad token <redacted> here");
    expect(errors[2].message).toContain("Authorization: Bearer <redacted> refused");
    for (const e of errors) {
      for (const text of [
        e.message,
        String(e.stack),
        inspect(e, { showHidden: true, depth: Infinity }),
        JSON.stringify(e),
      ]) {
        expect(text).not.toContain(token);
      }
    }
    expect(inspect(client, { showHidden: true, depth: Infinity })).not.toContain(token);
    expect(JSON.stringify(client)).not.toContain(token);
  });
});

test("every operation the client can send was sent above, validated against the vendor file and answered 2xx", () => {
  const missing = Object.values(QUERYPIE_OPERATIONS)
    .map(({ method, path }) => `${method} ${path}`)
    .filter((route) => !answeredRoutes.has(route));
  expect(missing).toEqual([]);
});
