/**
 * The whole program under Pulumi mocks, with an API token: every component is there once per
 * cluster where it should be, wired to its own cluster's provider, in the documented order, and
 * the stack outputs are shaped as the README says, with kubeconfigs secret.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { installMocks, secretOf, settle, valueOf, type Mocks } from "../support/pulumi-mocks";
import { programState } from "./program-fakes";

type Program = typeof import("../../stacks/index");
let mocks: Mocks;
let program: Program;

beforeAll(async () => {
  mocks = await installMocks({
    stack: "lab",
    config: { querypieApiToken: ["fake", "api", "token"].join("-"), rbacSeeds: { enabled: true } },
    secretKeys: ["querypieApiToken"],
    stateFor: programState,
  });
  program = await import("../../stacks/index");
  await valueOf(program.smokePassed);
  await settle();
});

const components = (type: string) => mocks.ofType(`lab:index:${type}`).map((r) => r.name);

describe("the lab program with an API token", () => {
  test("composes one of each per-cluster component per seed cluster, and one platform and access", () => {
    expect(components("KindCluster")).toEqual(["cluster1", "cluster2"]);
    expect(components("AccessPlatform")).toEqual(["querypie"]);
    expect(components("PlatformNetworkAttachment")).toEqual(["querypie-kind-network"]);
    expect(components("ClusterRegistration")).toEqual(["registration-cluster1", "registration-cluster2"]);
    expect(components("AccessControl")).toEqual(["access"]);
    expect(components("RbacSeeds")).toEqual(["rbac-seeds-cluster1", "rbac-seeds-cluster2"]);
    expect(components("SmokeSuite")).toEqual(["smoke-cluster1", "smoke-cluster2"]);
  });

  test("the two clusters and the platform start side by side: none depends on another", () => {
    const depsOf = (prefix: string) =>
      mocks.registered.filter((r) => r.name.startsWith(prefix)).flatMap((r) => r.deps);
    expect(depsOf("cluster1-").filter((d) => d.startsWith("cluster2-"))).toEqual([]);
    expect(depsOf("cluster2-").filter((d) => d.startsWith("cluster1-"))).toEqual([]);
    const platformResources = mocks.registered.filter(
      (r) => r.name.startsWith("querypie-") && !r.name.startsWith("querypie-kind"),
    );
    for (const r of platformResources) expect(r.deps.join(",")).not.toMatch(/cluster\d/);
  });

  test("the network attachment waits for the platform and both clusters", () => {
    const connect = mocks.byName("querypie-kind-network-connect");
    expect(connect.deps).toEqual(expect.arrayContaining(["cluster1-create", "cluster2-create"]));
    expect(connect.deps.some((d) => d.startsWith("querypie-"))).toBe(true);
  });

  test("each cluster's in-cluster objects go through that cluster's own provider", () => {
    for (const cluster of ["cluster1", "cluster2"]) {
      const k8sObjects = mocks.registered.filter(
        (r) =>
          r.type.startsWith("kubernetes:") &&
          r.name.includes(cluster) &&
          r.type !== "pulumi:providers:kubernetes",
      );
      expect(k8sObjects.length).toBeGreaterThan(5);
      for (const r of k8sObjects) expect(r.provider, r.name).toContain(`::${cluster}-provider::`);
    }
  });

  test("registrations wait for the platform to be ready and attached to the kind network", () => {
    const kac = mocks.registered.find((r) => r.name === "registration-cluster1-kac");
    expect(kac?.deps).toEqual(expect.arrayContaining(["querypie-kind-network-connect"]));
  });

  test("stack outputs: clusters without plain kubeconfigs, platform, access, smoke, smokePassed", async () => {
    const clusters = await valueOf(program.clusters[0].name);
    expect(clusters).toBe("cluster1");
    expect(program.clusters[0]).not.toHaveProperty("kubeconfig");
    expect(await secretOf(program.kubeconfigs)).toBe(true);
    expect(Object.keys(await valueOf(program.kubeconfigs))).toEqual(["cluster1", "cluster2"]);
    expect(await valueOf(program.clusters[1].useWith)).toMatch(
      /^export KUBECONFIG=\/.+\/\.lab\/lab\/cluster2\/kubeconfig$/,
    );
    expect(await valueOf(program.querypie!.webUrl)).toBe("http://127.0.0.1:8000");
    expect(await valueOf(program.nextSteps!)).toBeUndefined();
    const access = program.access!;
    expect((await valueOf(access.clusters)).map((c) => c.name)).toEqual([
      "production-cluster",
      "develop-cluster",
    ]);
    expect(Object.keys(await valueOf(access.roles))).toEqual(["admin-role"]);
    const smoke = await valueOf(program.smoke);
    expect(smoke.map((s) => s.cluster)).toEqual(["cluster1", "cluster2"]);
    expect(await valueOf(program.smokePassed)).toBe(true);
  });

  test("the API token stays secret wherever it is an input", async () => {
    const token = ["fake", "api", "token"].join("-");
    for (const r of mocks.registered) {
      const plain = JSON.stringify(r.inputs);
      if (plain.includes(token)) {
        // Mock inputs are plain values; the engine sees secrets as marked. Only dynamic and
        // command resources may hold it, and each of those must declare it secret.
        expect(r.type, r.name).toMatch(/^(pulumi-nodejs:dynamic|command:local:Command)/);
      }
    }
    expect(pulumi.runtime.isDryRun()).toBe(false);
  });
});
