/**
 * The QueryPie test server itself: it must catch requests that depart from the vendor file, answer
 * only what the vendor file allows, and do what tests ask of it (failures, counts, auth modes).
 * Raw fetch here, not the client, so the server is proven on its own.
 */
import { afterEach, beforeAll, describe, expect, test } from "vitest";
import { OpenApiContract } from "./openapi-contract";
import { QueryPieTestServer, type QueryPieTestServerOptions } from "./querypie-server";

const API = "/api/external/v2";
let server: QueryPieTestServer;

async function start(options: QueryPieTestServerOptions = {}) {
  server = await QueryPieTestServer.start(options);
  return server;
}

afterEach(async () => {
  await server?.close();
});

/** A request as QueryPie's docs show it (bare token) unless told otherwise. */
async function call(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${server.token}`,
      ...(body !== undefined ? { "Content-Type": "application/json" } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}

const validCluster = {
  name: "cluster1",
  apiUrl: "https://cluster1-control-plane:6443",
  serviceAccountToken: "sa-token",
  certificateAuthority: "LS0tLS1CRUdJTg==",
  podSessionRecording: false,
  requestAudit: true,
  tags: [],
};

describe("contract checks on requests (each mismatch answers 400 and is recorded)", () => {
  beforeAll(() => {
    // Compile once up front so the first test does not pay for it.
    OpenApiContract.fromVendorFile({ includePath: (p) => p.includes("/kac/roles") });
  });

  test.each([
    [
      "a missing required field",
      "POST",
      `${API}/kac/roles`,
      { description: "no name" },
      /required property 'name'/,
    ],
    ["a field of the wrong type", "POST", `${API}/kac/roles`, { name: 5 }, /\/name must be string/],
    [
      "an unknown field",
      "POST",
      `${API}/kac/roles`,
      { name: "r", color: "red" },
      /additional properties \("color"\)/,
    ],
    [
      "a bad enum value",
      "POST",
      `${API}/kac/clusters`,
      { ...validCluster, requestAuditTypes: ["get", "read"] },
      /requestAuditTypes\/1 must be equal to one of the allowed values/,
    ],
    [
      "a bad date-time",
      "POST",
      `${API}/kac/access-controls/users/u/roles`,
      { roleUuids: ["r"], expirationDate: "2026-12-31" },
      /expirationDate must match format "date-time"/,
    ],
    [
      "a missing required body",
      "DELETE",
      `${API}/kac/roles`,
      undefined,
      /required JSON request body is missing/,
    ],
    ["a body where none is declared", "DELETE", `${API}/kac/clusters/abc`, "{}", /takes no request body/],
    ["invalid JSON", "POST", `${API}/kac/roles`, "{name:", /not valid JSON/],
  ])("%s is caught", async (_what, method, path, body, problem) => {
    await start();
    const res = await call(method, path, body);
    expect(res.status).toBe(400);
    const [v] = server.takeViolations();
    expect(v.kind).toBe("request");
    expect(v.problems.join("\n")).toMatch(problem);
  });

  test.each([
    [
      "an undeclared query parameter",
      `${API}/kac/roles?pageSize=10&name=x`,
      /query parameter "name" is not declared/,
    ],
    [
      "a non-integer pageNumber",
      `${API}/kac/roles?pageNumber=first&pageSize=10`,
      /"pageNumber"="first" is not an integer/,
    ],
    ["an int32 overflow", `${API}/kac/roles?pageNumber=0&pageSize=99999999999`, /out of int32 range/],
    ["a path the vendor file lacks", `${API}/kac/rolez`, /no such path in the vendor file/],
  ])("%s is caught", async (_what, path, problem) => {
    await start();
    const res = await call("GET", path);
    expect(res.status).toBe(400);
    expect(server.takeViolations()[0].problems.join("\n")).toMatch(problem);
  });

  test("a method the path does not declare is caught, naming the declared ones", async () => {
    await start();
    expect((await call("PATCH", `${API}/kac/roles`, { name: "r" })).status).toBe(400);
    expect(server.takeViolations()[0].problems).toEqual([
      "method not declared for this path (declared: GET, POST, DELETE)",
    ]);
  });

  test("a JSON body sent as text/plain is caught", async () => {
    await start();
    await call("POST", `${API}/kac/roles`, JSON.stringify({ name: "r" }), { "Content-Type": "text/plain" });
    expect(server.takeViolations()[0].problems).toEqual([
      'Content-Type is "text/plain", expected application/json',
    ]);
  });

  test("a missing Authorization header answers 401 and is recorded", async () => {
    await start();
    const res = await fetch(`${server.url}${API}/kac/roles?pageNumber=0&pageSize=10`);
    expect(res.status).toBe(401);
    expect(server.takeViolations()[0].problems).toEqual(["the Authorization header is missing"]);
  });

  test("a list request without pageSize is recorded as a lab-rule violation (QueryPie declares no default)", async () => {
    await start();
    expect((await call("GET", `${API}/kac/roles`)).status).toBe(200);
    expect(server.takeViolations()).toMatchObject([{ kind: "lab-rule", operationId: "list-kac-roles" }]);
  });

  test("a well-formed request records nothing", async () => {
    await start();
    expect((await call("POST", `${API}/kac/roles`, { name: "admin-role", description: "d" })).status).toBe(
      201,
    );
    server.expectNoViolations();
  });

  test("expectNoViolations fails with every violation listed", async () => {
    await start();
    await call("POST", `${API}/kac/roles`, {});
    expect(() => server.expectNoViolations()).toThrow(
      /recorded 1 violation\(s\)[\s\S]*\[request\] POST \/api\/external\/v2\/kac\/roles \(create-kac-role\): request body \/ must have required property 'name'/,
    );
    server.takeViolations();
  });

  test("strictRequestFields: false accepts unknown fields, as the vendor file alone would", async () => {
    await start({ strictRequestFields: false });
    expect((await call("POST", `${API}/kac/roles`, { name: "r", color: "red" })).status).toBe(201);
    server.expectNoViolations();
  });
});

describe("contract checks on answers (the fake stays honest)", () => {
  const contract = OpenApiContract.fromVendorFile({ includePath: (p) => p.includes("/kac/") });
  const op = (method: string, path: string) => {
    const l = contract.lookup(method, path);
    if (!l.ok) throw new Error("no route");
    return l.match.operation;
  };

  test.each([
    [
      "an undeclared status",
      "POST",
      `${API}/kac/clusters`,
      201,
      '{"uuid":"u"}',
      /status 201 is not declared/,
    ],
    ["a body where none is declared", "PUT", `${API}/kac/clusters/x`, 200, '{"ok":true}', /declares no body/],
    [
      "a missing required field",
      "GET",
      `${API}/kac/roles/x/policies`,
      200,
      '[{"policyUuid":"p"}]',
      /required property 'policyName'/,
    ],
    [
      "paged where a bare array is declared",
      "GET",
      `${API}/kac/policies/x/versions`,
      200,
      '{"items":[],"paging":{}}',
      /must be array/,
    ],
  ])("%s is a violation", (_what, method, path, status, body, problem) => {
    expect(contract.checkResponse(op(method, path), status, body).join("\n")).toMatch(problem);
  });

  test("every KAC and identify operation of the vendor file has a handler, so no call meets a 'not implemented'", async () => {
    await start();
    const handlers = server.store.handlers();
    const ops = OpenApiContract.fromVendorFile({
      includePath: (p) => p.startsWith(`${API}/kac/`) || p === `${API}/users/identify`,
    }).operations.map((o) => o.operationId);
    expect(ops.length).toBe(32);
    expect(ops.filter((id) => !handlers[id])).toEqual([]);
  });
});

describe("behaviour", () => {
  test("readiness, version, tools health and the spec answer without auth", async () => {
    await start({ version: "11.4.1" });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    server.ready = false;
    expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
    expect(await (await fetch(`${server.url}/version`)).json()).toEqual({ version: "11.4.1" });
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
    const spec = (await (await fetch(`${server.url}/api/docs/specification/external-v2`)).json()) as {
      paths: object;
    };
    expect(Object.keys(spec.paths)).toContain(`${API}/kac/clusters`);
  });

  test.each([
    ["any", "Bearer", 200],
    ["any", "bare", 200],
    ["bare", "Bearer", 401],
    ["bare", "bare", 200],
    ["bearer", "bare", 401],
  ] as const)("acceptAuth %s with the %s token answers %i", async (mode, form, status) => {
    await start({ acceptAuth: mode });
    const auth = form === "Bearer" ? `Bearer ${server.token}` : server.token;
    const res = await call("GET", `${API}/kac/roles?pageNumber=0&pageSize=5`, undefined, {
      Authorization: auth,
    });
    expect(res.status).toBe(status);
    server.expectNoViolations();
  });

  test("a wrong token answers 401 with QueryPie's error shape and is no contract violation", async () => {
    await start();
    const res = await call("GET", `${API}/kac/roles?pageNumber=0&pageSize=5`, undefined, {
      Authorization: "Bearer nope",
    });
    expect(res).toMatchObject({
      status: 401,
      body: { error: { status: 401, path: `GET ${API}/kac/roles` } },
    });
    server.expectNoViolations();
  });

  test("duplicate names answer 400 by default and are accepted with duplicateNames: allow", async () => {
    await start();
    await call("POST", `${API}/kac/roles`, { name: "r" });
    const dup = await call("POST", `${API}/kac/roles`, { name: "r" });
    expect(dup.status).toBe(400);
    expect(JSON.stringify(dup.body)).toMatch(/a role named \\"r\\" already exists/);
    await server.close();
    await start({ duplicateNames: "allow" });
    await call("POST", `${API}/kac/roles`, { name: "r" });
    expect((await call("POST", `${API}/kac/roles`, { name: "r" })).status).toBe(201);
    server.expectNoViolations();
  });

  test("deleting a policy still assigned to a role answers 400 by default, and cascades with deleteInUse: cascade", async () => {
    for (const mode of ["reject", "cascade"] as const) {
      await start({ deleteInUse: mode });
      const role = (await call("POST", `${API}/kac/roles`, { name: "r" })).body as { uuid: string };
      const policy = (await call("POST", `${API}/kac/policies`, { name: "p" })).body as { uuid: string };
      await call("POST", `${API}/kac/roles/${role.uuid}/policies`, { policyUuids: [policy.uuid] });
      const res = await call("DELETE", `${API}/kac/policies`, { policyUuids: [policy.uuid] });
      expect(res.status).toBe(mode === "reject" ? 400 : 204);
      expect(server.store.links.get(role.uuid)?.size).toBe(mode === "reject" ? 1 : 0);
      server.expectNoViolations();
      await server.close();
    }
  });

  test("pages are 0-based and capped at maxPageSize, with totalPages to follow", async () => {
    await start({ maxPageSize: 2 });
    for (const n of ["a", "b", "c", "d", "e"]) await call("POST", `${API}/kac/roles`, { name: n });
    const res = await call("GET", `${API}/kac/roles?pageNumber=2&pageSize=100`);
    expect(res.body).toMatchObject({
      items: [{ name: "e" }],
      paging: { currentPage: 2, pageSize: 2, totalElements: 5, totalPages: 3 },
    });
    server.expectNoViolations();
  });

  test("accessible clusters follow live grants -> roles -> policies -> `cluster:<glob>` resources", async () => {
    await start();
    for (const name of ["cluster1", "cluster2", "other"])
      await call("POST", `${API}/kac/clusters`, { ...validCluster, name });
    const role = (await call("POST", `${API}/kac/roles`, { name: "admin-role" })).body as { uuid: string };
    const policy = (await call("POST", `${API}/kac/policies`, { name: "p" })).body as { uuid: string };
    const content =
      "apiVersion: kubernetes.rbac.querypie.com/v1\nkind: KacPolicy\nspec:\n  allow:\n    resources: ['cluster:cluster*']\n";
    expect((await call("PUT", `${API}/kac/policies/${policy.uuid}/content`, { content })).status).toBe(204);
    await call("POST", `${API}/kac/roles/${role.uuid}/policies`, { policyUuids: [policy.uuid] });
    const grant = await call("POST", `${API}/kac/access-controls/users/${server.admin.uuid}/roles`, {
      roleUuids: [role.uuid],
    });
    expect(grant).toMatchObject({ status: 201, body: { grantedRoleCount: 1 } });
    const res = await call(
      "GET",
      `${API}/kac/access-controls/users/${server.admin.uuid}/accessible-clusters?pageNumber=0&pageSize=10`,
    );
    const items = (res.body as { items: { clusterName: string; roleNames: string[] }[] }).items;
    expect(items.map((i) => i.clusterName)).toEqual(["cluster1", "cluster2"]);
    expect(items[0].roleNames).toEqual(["admin-role"]);
    server.expectNoViolations();
  });

  test("a grant more than one year ahead answers 400", async () => {
    await start({ now: () => new Date("2026-01-01T00:00:00Z") });
    const role = (await call("POST", `${API}/kac/roles`, { name: "r" })).body as { uuid: string };
    const res = await call("POST", `${API}/kac/access-controls/users/${server.admin.uuid}/roles`, {
      roleUuids: [role.uuid],
      expirationDate: "2027-01-02T00:00:00Z",
    });
    expect(res.status).toBe(400);
    server.expectNoViolations();
  });
});

describe("failure injection and counts", () => {
  test("an injected status applies `times` times to matching requests, by vendor template", async () => {
    await start();
    server.inject({ method: "GET", path: `${API}/kac/roles/{roleUuid}`, status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("GET", `${API}/kac/roles/missing`)).status);
    expect(statuses).toEqual([503, 503, 404]);
    expect(server.requests.map((r) => r.injected)).toEqual([true, true, false]);
  });

  test("an injected body and headers are sent as given", async () => {
    await start();
    server.inject({
      path: /\/kac\/roles$/,
      status: 429,
      headers: { "Retry-After": "7" },
      body: { error: { code: "QPS-X" } },
    });
    const res = await fetch(`${server.url}${API}/kac/roles?pageNumber=0&pageSize=1`, {
      headers: { Authorization: server.token },
    });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toEqual({ error: { code: "QPS-X" } });
  });

  test("a delay without a status still serves the request, late", async () => {
    await start();
    server.inject({ path: "/readyz", delayMs: 120 });
    const t0 = Date.now();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
  });

  test("a dropped connection gives the client no answer at all", async () => {
    await start();
    server.inject({ path: "/version", drop: true });
    await expect(fetch(`${server.url}/version`)).rejects.toThrow(/fetch failed/);
    expect((await fetch(`${server.url}/version`)).status).toBe(200);
  });

  test("loseAnswer serves the request, then cuts the connection instead of answering", async () => {
    await start();
    server.inject({ method: "POST", loseAnswer: true });
    await expect(call("POST", `${API}/kac/roles`, { name: "r" })).rejects.toThrow(/fetch failed/);
    expect([...server.store.roles.values()].map((r) => r.name)).toEqual(["r"]);
    server.expectNoViolations();
  });

  test("counts split reads and writes and key routes by vendor template", async () => {
    await start();
    const role = (await call("POST", `${API}/kac/roles`, { name: "r" })).body as { uuid: string };
    await call("GET", `${API}/kac/roles/${role.uuid}`);
    await call("GET", `${API}/kac/roles/${role.uuid}`);
    await call("DELETE", `${API}/kac/roles`, { roleUuids: [role.uuid] });
    expect(server.counts()).toEqual({
      total: 4,
      reads: 2,
      writes: 2,
      byMethod: { POST: 1, GET: 2, DELETE: 1 },
      byRoute: {
        [`POST ${API}/kac/roles`]: 1,
        [`GET ${API}/kac/roles/{roleUuid}`]: 2,
        [`DELETE ${API}/kac/roles`]: 1,
      },
    });
    expect(server.count("GET", `${API}/kac/roles/{roleUuid}`)).toBe(2);
    server.resetCounts();
    expect(server.counts().total).toBe(0);
    server.expectNoViolations();
  });
});
