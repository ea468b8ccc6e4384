/**
 * The real dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) is a plain `node` process
 * started in the project directory: it does not register ts-node, loads a provider with
 * `requireFromString(props.__provider).handler()`, passes the props with `__provider` in them, and
 * sends every result through protobuf `Struct.fromJavaScript`, which throws "Unexpected struct
 * type." on an `undefined` value. These tests do exactly that: the providers are serialised under
 * ts-node (as `pulumi up` runs the program), then loaded and driven by plain `node` children
 * against the test server, in two processes as two `pulumi up` runs would be.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, test } from "vitest";
import { fullAdminPolicy, renderPolicyContent } from "../../components/access/policy";
import type { ApiInputs } from "../../components/access/providers/common";
import type { QueryPieTestServer } from "../support/querypie-server";
import { seedClusterRequest, startServer } from "./fakes";

const ROOT = path.resolve(__dirname, "..", "..");
const run = promisify(execFile);

// What cmd/dynamic-provider/index.js does with a provider and its results, in plain JS.
const HOST_DRIVER = String.raw`
const fs = require("fs");
const path = require("path");
const requireFromString = require("require-from-string");
const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const failures = [];
const loaded = {};
function provider(kind) {
  if (!loaded[kind]) {
    const text = fs.readFileSync(path.join(process.env.QP_SERIALIZED_DIR, kind + ".js"), "utf8");
    loaded[kind] = { text, p: requireFromString(text).handler() };
  }
  return loaded[kind];
}
// resultIncludingProvider + Struct.fromJavaScript, as the host answers the engine.
function answer(step, kind, result) {
  try {
    Struct.fromJavaScript(Object.assign(result || {}, { __provider: provider(kind).text }));
  } catch (e) {
    failures.push(step + ": " + e.message);
  }
}
(async () => {
  const api = JSON.parse(process.env.QP_API);
  const inputs = JSON.parse(process.env.QP_INPUTS);
  const stateFile = process.env.QP_STATE_FILE;
  const withProvider = (kind, props) => Object.assign({}, props, { __provider: provider(kind).text });
  if (process.env.QP_PHASE === "create") {
    const state = {};
    const create = async (kind, news) => {
      const props = withProvider(kind, Object.assign({}, api, news));
      const r = await provider(kind).p.create(props);
      answer(kind + ".create", kind, Object.assign({}, r.outs));
      state[kind] = { id: r.id, outs: r.outs };
      return r;
    };
    await create("cluster", inputs.cluster);
    const role = await create("role", inputs.role);
    const policy = await create("policy", inputs.policy);
    await create("link", { roleUuid: role.id, policyUuid: policy.id });
    await create("grant", { loginId: "qp-admin", roleUuids: [role.id] });
    fs.writeFileSync(stateFile, JSON.stringify(state));
  } else {
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8"));
    for (const kind of ["cluster", "role", "policy", "link", "grant"]) {
      const r = await provider(kind).p.read(state[kind].id, withProvider(kind, state[kind].outs));
      answer(kind + ".read", kind, r.props);
    }
    for (const kind of ["grant", "link", "policy", "role", "cluster"]) {
      await provider(kind).p.delete(state[kind].id, withProvider(kind, state[kind].outs));
    }
  }
  process.stdout.write(JSON.stringify({ ok: true, tsNode: ".ts" in require.extensions, failures }));
})().catch((e) => {
  process.stdout.write(JSON.stringify({ ok: false, error: String((e && e.message) || e), failures }));
  process.exitCode = 1;
});
`;

let server: QueryPieTestServer;
let api: ApiInputs;
const dir = mkdtempSync(path.join(tmpdir(), "qp-provider-host-"));

beforeAll(async () => {
  ({ server, api } = await startServer());
  // Serialised under ts-node, as `pulumi up` loads a TypeScript program.
  await run(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", "test/access/serialize-providers.ts"],
    {
      cwd: ROOT,
      env: { ...process.env, QP_SERIALIZED_DIR: dir },
      timeout: 60_000,
    },
  );
}, 90_000);

afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One provider-host process: plain node, no loader, cwd the project root (where Pulumi starts plugins). */
async function hostRun(phase: "create" | "refresh-and-delete", inputs: unknown) {
  // Async on purpose: the test server lives in this process and must keep answering.
  const { stdout } = await run(process.execPath, ["-e", HOST_DRIVER], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      QP_SERIALIZED_DIR: dir,
      QP_STATE_FILE: path.join(dir, "state.json"),
      QP_PHASE: phase,
      QP_API: JSON.stringify(api),
      QP_INPUTS: JSON.stringify(inputs),
    },
    timeout: 30_000,
  }).catch((e: { stdout?: string; message: string }) => ({
    stdout: e.stdout || JSON.stringify({ error: e.message }),
  }));
  return JSON.parse(stdout) as { ok: boolean; tsNode: boolean; failures: string[]; error?: string };
}

test("in plain node, every provider creates, refreshes and deletes, and every answer converts to a protobuf Struct, even when QueryPie leaves out optional-looking fields", async () => {
  const content = renderPolicyContent(fullAdminPolicy());
  const inputs = {
    cluster: seedClusterRequest(),
    role: { name: "admin-role", description: "" },
    policy: { name: "product-policy", description: "", content },
  };
  const created = await hostRun("create", inputs);
  expect(created).toEqual({ ok: true, tsNode: false, failures: [] });

  // A later `pulumi up` refreshes in a new host process. QueryPie answers a policy without its
  // `version` and a grant without `expirationDate` (the vendor file: "if set").
  const state = JSON.parse(readFileSync(path.join(dir, "state.json"), "utf8")) as Record<
    string,
    { id: string }
  >;
  const at = new Date().toISOString();
  server.inject({
    method: "GET",
    path: `/api/external/v2/kac/policies/${state.policy.id}`,
    status: 200,
    body: { uuid: state.policy.id, name: "product-policy", content, createdAt: at, updatedAt: at },
  });
  server.inject({
    method: "GET",
    path: `/api/external/v2/kac/access-controls/users/${state.grant.id}/roles`,
    status: 200,
    body: [{ roleUuid: state.role.id, roleName: "admin-role", grantedAt: at, grantedBy: "qp-admin" }],
  });
  const refreshed = await hostRun("refresh-and-delete", inputs);
  expect(refreshed).toEqual({ ok: true, tsNode: false, failures: [] });
  expect(server.requests.filter((r) => r.injected).map((r) => r.route)).toEqual([
    "GET /api/external/v2/kac/policies/{policyUuid}",
    "GET /api/external/v2/kac/access-controls/users/{userUuid}/roles",
  ]);
  expect(server.store.clusters.size + server.store.roles.size + server.store.policies.size).toBe(0);
  server.expectNoViolations();
}, 60_000);
