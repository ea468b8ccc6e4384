/**
 * Pulumi runs dynamic providers from their serialised closure in a separate provider process.
 * These tests serialise each provider exactly as `pulumi.dynamic.Resource` does, load the text the
 * way the provider host does (require-from-string), and drive the loaded copy against the test
 * server: proof that nothing unserialisable (zx `$`, proxies, module state) is captured.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { resetRunCache, type ApiInputs } from "../../components/access/providers/common";
import { kacClusterProvider } from "../../components/access/providers/kac-cluster";
import { kacGrantProvider } from "../../components/access/providers/kac-grant";
import { kacPolicyProvider } from "../../components/access/providers/kac-policy";
import { kacRoleProvider } from "../../components/access/providers/kac-role";
import { kacRolePolicyProvider } from "../../components/access/providers/kac-role-policy";
import { fullAdminPolicy, renderPolicyContent } from "../../components/access/policy";
import type { QueryPieTestServer } from "../support/querypie-server";
import { seedClusterRequest, startServer } from "./fakes";

// The provider host's loader (a dependency of @pulumi/pulumi).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => { handler: () => unknown };

type Provider = pulumi.dynamic.ResourceProvider;

async function roundTrip(provider: object): Promise<{ text: string; loaded: Provider }> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return { text: sf.text, loaded: requireFromString(sf.text).handler() as Provider };
}

let server: QueryPieTestServer;
let api: ApiInputs;

beforeAll(async () => {
  ({ server, api } = await startServer());
});
afterAll(async () => {
  server.expectNoViolations();
  await server.close();
});

describe("each provider serialises, loads and works from its serialised copy", () => {
  test.each([
    ["cluster", kacClusterProvider],
    ["role", kacRoleProvider],
    ["policy", kacPolicyProvider],
    ["role-policy link", kacRolePolicyProvider],
    ["grant", kacGrantProvider],
  ])("the %s provider captures no zx, proxy or secret", async (_name, provider) => {
    const { text, loaded } = await roundTrip(provider);
    expect(text).not.toMatch(/require\("zx"\)|new Proxy/);
    expect(text).not.toContain(api.apiToken);
    expect(typeof loaded.create).toBe("function");
  });

  test("loaded copies create, read and delete the default lab's objects against the server", async () => {
    resetRunCache();
    const role = (await roundTrip(kacRoleProvider)).loaded;
    const policy = (await roundTrip(kacPolicyProvider)).loaded;
    const link = (await roundTrip(kacRolePolicyProvider)).loaded;
    const grant = (await roundTrip(kacGrantProvider)).loaded;
    const cluster = (await roundTrip(kacClusterProvider)).loaded;
    const c = await cluster.create({ ...api, ...seedClusterRequest() });
    const r = await role.create({ ...api, name: "admin-role", description: "" });
    const p = await policy.create({
      ...api,
      name: "product-policy",
      description: "",
      content: renderPolicyContent(fullAdminPolicy()),
    });
    const l = await link.create({ ...api, roleUuid: r.id, policyUuid: p.id });
    const g = await grant.create({ ...api, loginId: "qp-admin", roleUuids: [r.id] });
    resetRunCache();
    expect((await policy.read!(p.id, p.outs)).id).toBe(p.id);
    expect((await grant.read!(g.id, g.outs)).id).toBe(g.id);
    await grant.delete!(g.id, g.outs);
    await link.delete!(l.id, l.outs);
    await policy.delete!(p.id, p.outs);
    await role.delete!(r.id, r.outs);
    await cluster.delete!(c.id, c.outs);
    expect(server.store.clusters.size + server.store.roles.size + server.store.policies.size).toBe(0);
  });
});

describe("under ts-node, the loader `pulumi up` uses for a TypeScript program", () => {
  test("every provider serialises there too, and its loaded copy works against the server", async () => {
    const script = path.join(__dirname, "serialize-under-ts-node.ts");
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", script],
      {
        cwd: path.resolve(__dirname, "..", ".."),
        timeout: 60_000,
      },
    );
    expect(JSON.parse(stdout.trim().split("\n").at(-1)!)).toEqual({
      ok: true,
      policyChanges: false,
      left: 0,
    });
  }, 60_000);
});
