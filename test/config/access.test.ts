import { describe, expect, test } from "vitest";
import { validateAccess } from "../../components/config/access";
import { formatProblem, Problems } from "../../components/config/problems";
import { fullAdminPolicy } from "../../components/access/policy";
import { labClusters } from "../access/lab-clusters";

const NOW = new Date("2025-11-28T15:00:00Z");

function run(raw: Record<string, unknown>, now: Date = NOW) {
  const problems = new Problems();
  const result = validateAccess(raw, { clusters: labClusters(), now }, problems);
  return { ...result, messages: problems.list.map(formatProblem) };
}

const seedPolicy = { name: "product-policy", document: fullAdminPolicy() };
const seedRole = { name: "admin-role", policies: ["product-policy"] };

describe("access: defaults", () => {
  test("without an access key the seed's role, policy and grant are declared", () => {
    const { access, messages } = run({});
    expect(messages).toEqual([]);
    expect(access.roles).toEqual([
      {
        name: "admin-role",
        description: "Full admin on every lab cluster (seed 000)",
        policies: ["product-policy"],
      },
    ]);
    expect(access.policies.map((p) => [p.name, p.document])).toEqual([["product-policy", fullAdminPolicy()]]);
    expect(access.grants).toEqual([{ loginId: "qp-admin", roles: ["admin-role"] }]);
    expect(access.certificateAuthorityEncoding).toBe("base64");
  });

  test("a grant without expiresAt stays without one: the provider fixes it when the grant is first made", () => {
    const { access } = run({
      access: {
        policies: [seedPolicy],
        roles: [seedRole],
        grants: [{ loginId: "qp-admin", roles: ["admin-role"] }],
      },
    });
    expect(access.grants[0].expiresAt).toBeUndefined();
  });

  test("a policy document given as a YAML string is parsed and checked like a map", () => {
    const yaml =
      'apiVersion: kubernetes.rbac.querypie.com/v1\nkind: KacPolicy\nspec:\n  allow:\n    resources: ["cluster:develop-*"]\n' +
      '    subjects: {kubernetesGroups: [developers]}\n    actions: [{apiGroups: [""], resources: [pods], namespace: "*", name: "*", verbs: [get]}]\n';
    const { access, messages } = run({
      access: { policies: [{ name: "dev", document: yaml }], roles: [], grants: [] },
    });
    expect(messages).toEqual([]);
    expect(access.policies[0].document.spec.allow.resources).toEqual(["cluster:develop-*"]);
  });

  test("an explicit date is the end of that day UTC", () => {
    const { access, messages } = run({
      access: {
        policies: [seedPolicy],
        roles: [seedRole],
        grants: [{ loginId: "qp-admin", roles: ["admin-role"], expiresAt: "2026-06-30" }],
      },
    });
    expect(messages).toEqual([]);
    expect(access.grants[0].expiresAt).toBe("2026-06-30T23:59:59Z");
  });

  test("an unquoted YAML date (read as a Date) is accepted as that day", () => {
    const { access } = run({
      access: {
        policies: [seedPolicy],
        roles: [seedRole],
        grants: [{ loginId: "qp-admin", roles: ["admin-role"], expiresAt: new Date("2026-06-30T00:00:00Z") }],
      },
    });
    expect(access.grants[0].expiresAt).toBe("2026-06-30T23:59:59Z");
  });

  test("pem is accepted as the CA encoding", () => {
    expect(run({ access: { certificateAuthorityEncoding: "pem" } }).access.certificateAuthorityEncoding).toBe(
      "pem",
    );
  });
});

describe("access: problems, with exact messages", () => {
  const grant = (extra: Record<string, unknown>) => ({
    access: {
      policies: [seedPolicy],
      roles: [seedRole],
      grants: [{ loginId: "qp-admin", roles: ["admin-role"], ...extra }],
    },
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "access is a list",
      { access: [] },
      [
        "kind-access-lab:access = []: must be a map with roles, policies and grants. Fix: see docs/access.md.",
      ],
    ],
    [
      "an unknown key under access",
      { access: { role: [] } },
      [
        "kind-access-lab:access.role = []: is not a key here. Fix: use one of roles, policies, grants, certificateAuthorityEncoding.",
      ],
    ],
    [
      "a CA encoding that does not exist",
      { access: { certificateAuthorityEncoding: "der" } },
      [
        'kind-access-lab:access.certificateAuthorityEncoding = "der": is not a CA encoding. Fix: use "base64" (the vendor API file) or "pem" (what the web form takes).',
      ],
    ],
    [
      "a role naming an undeclared policy",
      { access: { policies: [seedPolicy], roles: [{ name: "admin-role", policies: ["prod-policy"] }] } },
      [
        'kind-access-lab:access.roles[0].policies[0] = "prod-policy": is not a declared policy (declared: product-policy). Fix: declare it under access.policies, or fix the name.',
      ],
    ],
    [
      "a grant naming an undeclared role",
      {
        access: {
          policies: [seedPolicy],
          roles: [seedRole],
          grants: [{ loginId: "qp-admin", roles: ["admin"] }],
        },
      },
      [
        'kind-access-lab:access.grants[0].roles[0] = "admin": is not a declared role (declared: admin-role). Fix: declare it under access.roles, or fix the name.',
      ],
    ],
    [
      "a grant without roles",
      { access: { policies: [seedPolicy], roles: [seedRole], grants: [{ loginId: "qp-admin", roles: [] }] } },
      [
        'kind-access-lab:access.grants[0].roles = []: must be a non-empty list of role names. Fix: use e.g. ["admin-role"].',
      ],
    ],
    [
      "two policies with one name",
      { access: { policies: [seedPolicy, seedPolicy], roles: [], grants: [] } },
      [
        'kind-access-lab:access.policies[1].name = "product-policy": repeats the policy at access.policies[0].name. Fix: give each policy a unique name, or merge the two.',
      ],
    ],
    [
      "two roles with one name",
      { access: { policies: [seedPolicy], roles: [seedRole, seedRole], grants: [] } },
      [
        'kind-access-lab:access.roles[1].name = "admin-role": repeats the role at access.roles[0].name. Fix: give each role a unique name, or merge the two.',
      ],
    ],
    [
      "two grants for one login id",
      {
        access: {
          policies: [seedPolicy],
          roles: [seedRole],
          grants: [
            { loginId: "qp-admin", roles: ["admin-role"] },
            { loginId: "qp-admin", roles: ["admin-role"] },
          ],
        },
      },
      [
        'kind-access-lab:access.grants[1].loginId = "qp-admin": repeats the grant for this login id at access.grants[0].loginId. Fix: give each grant for this login id a unique name, or merge the two.',
      ],
    ],
    [
      "a policy listed twice in a role",
      {
        access: {
          policies: [seedPolicy],
          roles: [{ name: "admin-role", policies: ["product-policy", "product-policy"] }],
        },
      },
      ['kind-access-lab:access.roles[0].policies[1] = "product-policy": is listed twice. Fix: list it once.'],
    ],
    [
      "a role name with surrounding spaces",
      { access: { roles: [{ name: " admin-role" }] } },
      [
        'kind-access-lab:access.roles[0].name = " admin-role": must be a role name of 1 to 100 characters without surrounding spaces. Fix: use e.g. "admin-role".',
      ],
    ],
    [
      "an empty login id",
      {
        access: {
          policies: [seedPolicy],
          roles: [seedRole],
          grants: [{ loginId: "", roles: ["admin-role"] }],
        },
      },
      [
        'kind-access-lab:access.grants[0].loginId = "": must be a QueryPie login id. Fix: use e.g. "qp-admin".',
      ],
    ],
    [
      "a policy document that is broken YAML",
      { access: { policies: [{ name: "p", document: "spec: [" }] } },
      [
        'kind-access-lab:access.policies[0].document = "spec: [": is not valid YAML (Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 8). Fix: fix the YAML, or give the document as a map.',
      ],
    ],
    [
      "a policy whose pattern matches no declared cluster, with the path into the document",
      {
        access: {
          policies: [
            {
              name: "p",
              document: {
                ...fullAdminPolicy(),
                spec: { allow: { ...fullAdminPolicy().spec.allow, resources: ["cluster:staging"] } },
              },
            },
          ],
        },
      },
      [
        'kind-access-lab:access.policies[0].document.spec.allow.resources[0] = "cluster:staging": matches none of the declared clusters (production-cluster, develop-cluster). Fix: name a cluster\'s registration.name, or use "cluster:*".',
      ],
    ],
    [
      "an expiry more than one year ahead",
      grant({ expiresAt: "2026-11-28" }),
      [
        'kind-access-lab:access.grants[0].expiresAt = "2026-11-28": is more than one year ahead, which QueryPie does not accept. Fix: use a date from today to 2026-11-27, or leave it unset for the default 2026-11-27T23:59:59Z.',
      ],
    ],
    [
      "an expiry in the past",
      grant({ expiresAt: "2025-11-27T23:59:59Z" }),
      [
        'kind-access-lab:access.grants[0].expiresAt = "2025-11-27T23:59:59Z": is in the past, so the grant would be void. Fix: use a date from today to 2026-11-27, or leave it unset for the default 2026-11-27T23:59:59Z.',
      ],
    ],
    [
      "an expiry that is not a date",
      grant({ expiresAt: "next year" }),
      [
        'kind-access-lab:access.grants[0].expiresAt = "next year": is not an ISO-8601 date or date-time with a zone. Fix: use a date from today to 2026-11-27, or leave it unset for the default 2026-11-27T23:59:59Z.',
      ],
    ],
    [
      "an expiry on a day that does not exist",
      grant({ expiresAt: "2026-02-30" }),
      [
        'kind-access-lab:access.grants[0].expiresAt = "2026-02-30": is not a real calendar date. Fix: use a date from today to 2026-11-27, or leave it unset for the default 2026-11-27T23:59:59Z.',
      ],
    ],
  ])("%s", (_name, raw, expected) => {
    expect(run(raw).messages).toEqual(expected);
  });

  test("an expiry exactly at the one-year limit passes; one second later does not", () => {
    expect(run(grant({ expiresAt: "2026-11-28T15:00:00Z" })).messages).toEqual([]);
    expect(run(grant({ expiresAt: "2026-11-28T15:00:01Z" })).messages).toHaveLength(1);
  });

  test("the default expiry depends on the injected now: 364 days later, end of day UTC", async () => {
    const { defaultExpiry } = await import("../../components/access/expiry");
    expect(defaultExpiry(NOW)).toBe("2026-11-27T23:59:59Z");
    expect(defaultExpiry(new Date("2024-03-01T00:00:00Z"))).toBe("2025-02-28T23:59:59Z");
  });
});

describe("rbacSeeds", () => {
  test("the defaults are off, for every cluster, with seed 002's and 003's objects", () => {
    const { rbacSeeds, messages } = run({});
    expect(messages).toEqual([]);
    expect(rbacSeeds).toEqual({
      enabled: false,
      clusters: ["cluster1", "cluster2"],
      environments: [
        { name: "development", podSecurity: "baseline" },
        { name: "staging", podSecurity: "baseline" },
        { name: "production", podSecurity: "restricted" },
        { name: "frontend", podSecurity: "baseline" },
      ],
      podReader: {
        namespace: "development",
        serviceAccount: "app-reader",
        role: "pod-reader",
        roleBinding: "read-pods",
      },
      networkPolicy: {
        name: "allow-frontend-access",
        namespace: "production",
        fromNamespace: "frontend",
        podSelector: { app: "backend" },
        port: 80,
      },
    });
  });

  test("enabled: true keeps every other default (what the lab stack sets)", () => {
    const { rbacSeeds, messages } = run({ rbacSeeds: { enabled: true } });
    expect(messages).toEqual([]);
    expect(rbacSeeds.enabled).toBe(true);
    expect(rbacSeeds.environments).toHaveLength(4);
  });

  test.each<[string, Record<string, unknown>, string[]]>([
    [
      "enabled is text",
      { enabled: "yes" },
      ['kind-access-lab:rbacSeeds.enabled = "yes": must be true or false. Fix: use true or false.'],
    ],
    [
      "an undeclared cluster",
      { clusters: ["cluster3"] },
      [
        'kind-access-lab:rbacSeeds.clusters[0] = "cluster3": is not a declared cluster (declared: cluster1, cluster2). Fix: use a name from clusters[].name.',
      ],
    ],
    [
      "a Pod Security level that does not exist",
      {
        environments: [
          { name: "development", podSecurity: "strict" },
          { name: "production" },
          { name: "frontend" },
        ],
      },
      [
        'kind-access-lab:rbacSeeds.environments[0].podSecurity = "strict": is not a Pod Security level. Fix: use one of privileged, baseline, restricted.',
      ],
    ],
    [
      "a namespace name Kubernetes refuses",
      {
        environments: [
          { name: "Dev" },
          { name: "development" },
          { name: "production" },
          { name: "frontend" },
        ],
      },
      [
        'kind-access-lab:rbacSeeds.environments[0].name = "Dev": must be a Kubernetes name (lower-case letters, digits and \'-\', at most 63). Fix: use e.g. "development".',
      ],
    ],
    [
      "the NetworkPolicy's source namespace is not an environment",
      { networkPolicy: { fromNamespace: "web" } },
      [
        'kind-access-lab:rbacSeeds.networkPolicy.fromNamespace = "web": is not one of rbacSeeds.environments (development, staging, production, frontend). Fix: add {name: web} to rbacSeeds.environments, or name an environment.',
      ],
    ],
    [
      "a port out of range",
      { networkPolicy: { port: 70000 } },
      [
        "kind-access-lab:rbacSeeds.networkPolicy.port = 70000: must be a port number from 1 to 65535. Fix: use e.g. 80.",
      ],
    ],
    [
      "a misspelt key",
      { enable: true },
      [
        "kind-access-lab:rbacSeeds.enable = true: is not a key here. Fix: use one of enabled, clusters, environments, podReader, networkPolicy.",
      ],
    ],
  ])("%s", (_name, rbacSeeds, expected) => {
    expect(run({ rbacSeeds }).messages).toEqual(expected);
  });
});
