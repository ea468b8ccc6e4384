/**
 * Run by serialize.test.ts in a child process under ts-node, the loader `pulumi up` uses for a
 * TypeScript program: serialises every provider as `pulumi.dynamic.Resource` does, loads each copy
 * as the provider host does, and drives the copies against the test server. Prints one JSON line.
 */
import * as pulumi from "@pulumi/pulumi";
import { fullAdminPolicy, renderPolicyContent } from "../../components/access/policy";
import { kacClusterProvider } from "../../components/access/providers/kac-cluster";
import { kacGrantProvider } from "../../components/access/providers/kac-grant";
import { kacPolicyProvider } from "../../components/access/providers/kac-policy";
import { kacRoleProvider } from "../../components/access/providers/kac-role";
import { kacRolePolicyProvider } from "../../components/access/providers/kac-role-policy";
import { seedClusterRequest, startServer } from "./fakes";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const requireFromString = require("require-from-string") as (code: string) => { handler: () => unknown };
type Provider = pulumi.dynamic.ResourceProvider;

async function load(provider: object): Promise<Provider> {
  const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
  return requireFromString(sf.text).handler() as Provider;
}

async function main() {
  const { server, api } = await startServer();
  try {
    const [cluster, role, policy, link, grant] = await Promise.all(
      [kacClusterProvider, kacRoleProvider, kacPolicyProvider, kacRolePolicyProvider, kacGrantProvider].map(
        load,
      ),
    );
    const c = await cluster.create({ ...api, ...seedClusterRequest() });
    const r = await role.create({ ...api, name: "admin-role", description: "" });
    const content = renderPolicyContent(fullAdminPolicy());
    const p = await policy.create({ ...api, name: "product-policy", description: "", content });
    const l = await link.create({ ...api, roleUuid: r.id, policyUuid: p.id });
    const g = await grant.create({ ...api, loginId: "qp-admin", roleUuids: [r.id] });
    const diff = await policy.diff!(p.id, p.outs, {
      ...api,
      name: "product-policy",
      description: "",
      content,
    });
    for (const [prov, res] of [
      [grant, g],
      [link, l],
      [policy, p],
      [role, r],
      [cluster, c],
    ] as const) {
      await prov.delete!(res.id, res.outs);
    }
    server.expectNoViolations();
    const left = server.store.clusters.size + server.store.roles.size + server.store.policies.size;
    console.log(JSON.stringify({ ok: true, policyChanges: diff.changes, left }));
  } finally {
    await server.close();
  }
}

main().catch((e: Error) => {
  console.log(JSON.stringify({ ok: false, error: e.message }));
  process.exitCode = 1;
});
