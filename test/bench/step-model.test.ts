/** Which recorded resources are slow steps, and what the model says they take. */
import { describe, expect, test } from "vitest";
import { modelStep, SECONDS } from "../../bench/step-model";

const ctx = { clusters: ["cluster1", "cluster2"], platform: "querypie", smokeRunSeconds: 40 };
const CMD = "command:local:Command";

describe("modelStep", () => {
  test.each([
    ["cluster1-create", CMD, "kind-create", 60],
    ["cluster2-ready", CMD, "node-ready", 20],
    ["cluster1-kubeconfig", CMD, "fast", 1],
    ["cluster1-encryption-config", CMD, "fast", 1],
    ["querypie-mysql", "docker:index/container:Container", "platform", 20],
    ["querypie-redis", "docker:index/container:Container", "platform", 5],
    ["querypie-tools", "docker:index/container:Container", "fast", 1],
    ["querypie-migrate", CMD, "platform", 85],
    ["querypie-app", "docker:index/container:Container", "fast", 1],
    ["querypie-ready", CMD, "platform", 120],
    ["querypie-configure", CMD, "platform", 60],
    ["querypie-app-image", "docker:index/remoteImage:RemoteImage", "instant", 0],
    ["querypie-db-password", "random:index/randomPassword:RandomPassword", "instant", 0],
    ["cluster1-provider", "pulumi:providers:kubernetes", "instant", 0],
    ["cluster1", "lab:index:KindCluster", "instant", 0],
    ["registration-cluster2-kac", "pulumi-nodejs:dynamic:Resource", "registration", 2],
    ["registration-cluster2-sa-token", "kubernetes:core/v1:Secret", "fast", 1],
    ["access-role-admin-role", "pulumi-nodejs:dynamic:Resource", "fast", 1],
    ["smoke-cluster1-run", CMD, "smoke", 40],
    ["smoke-cluster1-nginx", "kubernetes:apps/v1:Deployment", "fast", 1],
    ["querypie-kind-network-connect", CMD, "fast", 1],
  ])("%s (%s) is %s, %i s", (name, type, kind, seconds) => {
    expect(modelStep({ name, type }, ctx)).toEqual({ kind, seconds });
  });

  test("the platform's migrate step is the tools health wait plus both migration runs", () => {
    expect(SECONDS.toolsHealthy + SECONDS.migrations + SECONDS.migrationsAgain).toBe(85);
  });

  test("a cluster named like another cluster's prefix is told apart by the whole name", () => {
    const c = { ...ctx, clusters: ["c1", "c10"] };
    expect(modelStep({ name: "c10-create", type: CMD }, c)).toEqual({ kind: "kind-create", seconds: 60 });
    expect(modelStep({ name: "c1-0-create", type: CMD }, c)).toEqual({ kind: "fast", seconds: 1 });
  });
});
