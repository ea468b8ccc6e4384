/**
 * Run under ts-node (as `pulumi up` runs the program): serialises a closure that uses the
 * QueryPieClient, exactly as Pulumi does for a dynamic provider, and prints the serialised module.
 * Connection from the environment (QP_URL, QP_TOKEN), never from argv.
 * Used by test/platform/client-serialize.test.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { QueryPieClient } from "../../components/platform/client";
import { isNotFound } from "../../components/platform/errors";

const connection = { baseUrl: process.env.QP_URL ?? "", token: process.env.QP_TOKEN ?? "" };

pulumi.runtime
  .serializeFunction(async () => {
    const client = new QueryPieClient({ ...connection, retry: { attempts: 2, baseDelayMs: 1 } });
    const uuid = await client.createPolicy({ name: "from-ts-node" });
    let missing = false;
    try {
      await client.getPolicy("no-such-policy");
    } catch (e) {
      missing = isNotFound(e);
    }
    return { name: (await client.getPolicy(uuid)).name, missing };
  })
  .then((s) => process.stdout.write(s.text))
  .catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
