/**
 * Run by provider-host.test.ts in a child process under ts-node, the loader `pulumi up` uses for a
 * TypeScript program: serialises every QueryPie provider as `pulumi.dynamic.Resource` does and
 * writes each text to `$QP_SERIALIZED_DIR/<kind>.js`, for a plain `node` process to load.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { kacClusterProvider } from "../../components/access/providers/kac-cluster";
import { kacGrantProvider } from "../../components/access/providers/kac-grant";
import { kacPolicyProvider } from "../../components/access/providers/kac-policy";
import { kacRoleProvider } from "../../components/access/providers/kac-role";
import { kacRolePolicyProvider } from "../../components/access/providers/kac-role-policy";

const PROVIDERS: Record<string, object> = {
  cluster: kacClusterProvider,
  role: kacRoleProvider,
  policy: kacPolicyProvider,
  link: kacRolePolicyProvider,
  grant: kacGrantProvider,
};

async function main() {
  const dir = process.env.QP_SERIALIZED_DIR;
  if (!dir) throw new Error("QP_SERIALIZED_DIR is not set");
  for (const [kind, provider] of Object.entries(PROVIDERS)) {
    // The same call as pulumi.dynamic.Resource (dynamic/index.js, serializeFunctionMaybeSecret).
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    fs.writeFileSync(path.join(dir, `${kind}.js`), sf.text);
  }
}

main().catch((e: Error) => {
  console.error(e);
  process.exitCode = 1;
});
