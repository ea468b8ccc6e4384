/**
 * The benchmark's generated stack config is a config the program accepts at every size, with
 * names, ports and subnets of its own per cluster and access objects to match.
 */
import { describe, expect, test } from "vitest";
import { loadLabConfig } from "../../components/config";
import { QUERYPIE_DEFAULT_PORTS } from "../../components/config/clusters";
import {
  accessObjectCount,
  benchAccess,
  benchClusters,
  benchRawConfig,
  extraLoginIds,
} from "../../bench/stack-config";

describe("bench stack config", () => {
  test.each([1, 2, 8, 32])("%i clusters pass loadLabConfig with distinct names, ports and subnets", (n) => {
    const lab = loadLabConfig(benchRawConfig(n), { stack: "bench", projectDir: "/p" });
    expect(lab.clusters).toHaveLength(n);
    const distinct = (pick: (c: (typeof lab.clusters)[number]) => unknown) =>
      new Set(lab.clusters.map(pick)).size;
    expect(distinct((c) => c.name)).toBe(n);
    expect(distinct((c) => c.registration.name)).toBe(n);
    expect(distinct((c) => c.apiServerPort)).toBe(n);
    expect(distinct((c) => c.podSubnet)).toBe(n);
    expect(distinct((c) => c.serviceSubnet)).toBe(n);
    const querypiePorts = QUERYPIE_DEFAULT_PORTS.map((p) => p.port);
    for (const c of lab.clusters) {
      expect(querypiePorts).not.toContain(c.apiServerPort);
      expect(querypiePorts).not.toContain(c.portMappings[0].hostPort);
    }
    expect(lab.access.roles).toHaveLength(n + 1);
    expect(lab.access.grants).toHaveLength(n + 1);
  });

  test("the pattern of the first three clusters", () => {
    expect(
      benchClusters(3).map((c) => [c.name, c.role, c.apiServerPort, c.podSubnet, c.serviceSubnet]),
    ).toEqual([
      ["cluster1", "production", 6444, "10.100.0.0/16", "10.200.0.0/16"],
      ["cluster2", "develop", 6445, "10.101.0.0/16", "10.201.0.0/16"],
      ["cluster3", "env3", 6446, "10.102.0.0/16", "10.202.0.0/16"],
    ]);
  });

  test.each([0, 33, 2.5])("benchClusters(%s) says which sizes it takes", (n) => {
    expect(() => benchClusters(n)).toThrow(`benchClusters: n must be a whole number from 1 to 32, got ${n}`);
  });

  test("access: admin plus one role, policy, link and grant per cluster; 5n+4 objects", () => {
    const access = benchAccess(benchClusters(2));
    expect(access.roles.map((r) => [r.name, r.policies])).toEqual([
      ["admin-role", ["product-policy"]],
      ["production-viewer", ["production-read"]],
      ["develop-viewer", ["develop-read"]],
    ]);
    expect(access.grants.map((g) => g.loginId)).toEqual(["qp-admin", "production-dev", "develop-dev"]);
    expect(extraLoginIds(access)).toEqual(["production-dev", "develop-dev"]);
    expect(accessObjectCount(2, access)).toBe(14);
    expect(accessObjectCount(32, benchAccess(benchClusters(32)))).toBe(164);
  });

  test("changeOne changes exactly one policy's document and nothing else", () => {
    const clusters = benchClusters(8);
    const before = benchAccess(clusters);
    const after = benchAccess(clusters, { changeOne: true });
    const changed = before.policies.filter((p, i) => JSON.stringify(p) !== JSON.stringify(after.policies[i]));
    expect(changed.map((p) => p.name)).toEqual(["production-read"]);
    expect(after.roles).toEqual(before.roles);
    expect(after.grants).toEqual(before.grants);
    expect(after.policies[1].document.spec.allow.actions[0].verbs).toEqual([
      "get",
      "list",
      "watch",
      "create",
    ]);
  });
});
