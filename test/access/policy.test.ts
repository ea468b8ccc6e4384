import { describe, expect, test } from "vitest";
import {
  checkPolicyDocument,
  clusterPatternMatches,
  fullAdminPolicy,
  renderPolicyContent,
  samePolicyContent,
} from "../../components/access/policy";

const CLUSTERS = ["production-cluster", "develop-cluster"];

// Rows reach into the document freely to break one thing each.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Doc = Record<string, any>;

/** The seed policy with one change applied, so each row shows exactly what breaks it. */
function seedWith(change: (d: Doc) => void): unknown {
  const doc = fullAdminPolicy() as unknown as Doc;
  change(doc);
  return doc;
}

describe("checkPolicyDocument", () => {
  test("the seed's full-admin policy passes against the seed clusters", () => {
    expect(checkPolicyDocument(fullAdminPolicy(), CLUSTERS)).toEqual([]);
  });

  test("a read-only policy with a deny section, a regex resource and core-group actions passes", () => {
    const doc = {
      apiVersion: "kubernetes.rbac.querypie.com/v1",
      kind: "KacPolicy",
      spec: {
        allow: {
          resources: ["cluster:^develop-.*$"],
          subjects: { kubernetesGroups: ["system:authenticated"], kubernetesUsers: ["dev"] },
          actions: [
            {
              apiGroups: [""],
              resources: ["pods"],
              namespace: "*",
              name: "*",
              verbs: ["get", "list", "watch"],
            },
          ],
        },
        deny: {
          resources: ["cluster:develop-cluster"],
          actions: [{ apiGroups: ["*"], resources: ["secrets"], namespace: "*", name: "*", verbs: ["*"] }],
        },
      },
    };
    expect(checkPolicyDocument(doc, CLUSTERS)).toEqual([]);
  });

  test.each<[string, (d: Doc) => void, string, string]>([
    ["apiVersion wrong", (d) => (d.apiVersion = "v1"), "apiVersion", "is not the KacPolicy API version"],
    ["apiVersion missing", (d) => delete d.apiVersion, "apiVersion", "is required"],
    ["kind wrong", (d) => (d.kind = "Policy"), "kind", "is not KacPolicy"],
    [
      "an unknown top-level key",
      (d) => (d.metadata = {}),
      "metadata",
      "is not a key of a KacPolicy document",
    ],
    ["spec missing", (d) => delete d.spec, "spec", "is required"],
    [
      "spec.allow missing",
      (d) => delete d.spec.allow,
      "spec.allow",
      "is required (a policy that allows nothing grants nothing)",
    ],
    [
      "spec.allow a list",
      (d) => (d.spec.allow = []),
      "spec.allow",
      "must be a map with resources and actions",
    ],
    ["an unknown spec key", (d) => (d.spec.allows = {}), "spec.allows", "is not a key of spec"],
    ["resources missing", (d) => delete d.spec.allow.resources, "spec.allow.resources", "is required"],
    [
      "resources empty",
      (d) => (d.spec.allow.resources = []),
      "spec.allow.resources",
      "must be a non-empty list of non-empty strings",
    ],
    [
      "a resource without the cluster: prefix",
      (d) => (d.spec.allow.resources = ["production-cluster"]),
      "spec.allow.resources[0]",
      'must start with "cluster:" (KAC policies apply to QueryPie clusters)',
    ],
    [
      "a glob that matches no declared cluster",
      (d) => (d.spec.allow.resources = ["cluster:staging-*"]),
      "spec.allow.resources[0]",
      "matches none of the declared clusters (production-cluster, develop-cluster)",
    ],
    [
      "a regex that matches no declared cluster",
      (d) => (d.spec.allow.resources = ["cluster:^prod$"]),
      "spec.allow.resources[0]",
      "matches none of the declared clusters (production-cluster, develop-cluster)",
    ],
    [
      "a regex with lookahead (not RE2)",
      (d) => (d.spec.allow.resources = ["cluster:^(?!develop).*$"]),
      "spec.allow.resources[0]",
      "uses lookaround or a back-reference, which RE2 does not support",
    ],
    [
      "a regex anchored at one end only",
      (d) => (d.spec.allow.resources = ["cluster:^prod.*"]),
      "spec.allow.resources[0]",
      "looks like a regular expression but is not anchored at both ends",
    ],
    [
      "a broken regex",
      (d) => (d.spec.allow.resources = ["cluster:^prod(-$"]),
      "spec.allow.resources[0]",
      "is not a valid regular expression (Invalid regular expression: /^prod(-$/: Unterminated group)",
    ],
    ["subjects missing in allow", (d) => delete d.spec.allow.subjects, "spec.allow.subjects", "is required"],
    [
      "subjects empty",
      (d) => (d.spec.allow.subjects = {}),
      "spec.allow.subjects",
      "names no Kubernetes group or user to impersonate",
    ],
    [
      "a misspelt subjects key",
      (d) => (d.spec.allow.subjects = { kubernetesGroup: ["x"], kubernetesGroups: ["system:masters"] }),
      "spec.allow.subjects.kubernetesGroup",
      "is not a key of subjects",
    ],
    [
      "subjects in deny",
      (d) => (d.spec.deny = { resources: ["cluster:*"], subjects: {}, actions: d.spec.allow.actions }),
      "spec.deny.subjects",
      "is not a key of spec.deny",
    ],
    ["actions missing", (d) => delete d.spec.allow.actions, "spec.allow.actions", "is required"],
    ["actions empty", (d) => (d.spec.allow.actions = []), "spec.allow.actions", "must be a non-empty list"],
    [
      "an action that is not a map",
      (d) => (d.spec.allow.actions = ["*"]),
      "spec.allow.actions[0]",
      "must be a map",
    ],
    [
      "apiGroups missing",
      (d) => delete d.spec.allow.actions[0].apiGroups,
      "spec.allow.actions[0].apiGroups",
      "is required",
    ],
    [
      "a misspelt action key",
      (d) => (d.spec.allow.actions[0].verb = ["get"]),
      "spec.allow.actions[0].verb",
      "is not a key of an action",
    ],
    [
      "namespace missing",
      (d) => delete d.spec.allow.actions[0].namespace,
      "spec.allow.actions[0].namespace",
      "is required",
    ],
    [
      "name empty",
      (d) => (d.spec.allow.actions[0].name = ""),
      "spec.allow.actions[0].name",
      "must be a non-empty string",
    ],
    [
      "verbs missing",
      (d) => delete d.spec.allow.actions[0].verbs,
      "spec.allow.actions[0].verbs",
      "is required",
    ],
    [
      "a verb that Kubernetes does not have",
      (d) => (d.spec.allow.actions[0].verbs = ["get", "read"]),
      "spec.allow.actions[0].verbs[1]",
      "is not a Kubernetes verb",
    ],
    [
      "a deny section without actions",
      (d) => (d.spec.deny = { resources: ["cluster:*"] }),
      "spec.deny.actions",
      "is required",
    ],
  ])("%s is reported at its path with a plain message", (_name, change, path, message) => {
    const issues = checkPolicyDocument(seedWith(change), CLUSTERS);
    expect(issues.map((i) => [i.path, i.message])).toEqual([[path, message]]);
  });

  test("a verb problem names every verb that is accepted", () => {
    const [issue] = checkPolicyDocument(
      seedWith((d) => (d.spec.allow.actions[0].verbs = ["read"])),
      CLUSTERS,
    );
    expect(issue.fix).toBe(
      'use "*" or one of get, list, watch, create, update, patch, delete, deletecollection, impersonate, bind, escalate, use, approve, sign',
    );
  });

  test("a document that is not a map is one issue at the root", () => {
    expect(checkPolicyDocument("allow everything", CLUSTERS)).toEqual([
      {
        path: "",
        value: "allow everything",
        message: "must be a KacPolicy document (a map with apiVersion, kind and spec)",
        fix: "see the KacPolicy example in docs/access.md",
      },
    ]);
  });

  test("every problem of a document is reported at once, in document order", () => {
    const doc = seedWith((d) => {
      d.kind = "Policy";
      d.spec.allow.resources = ["nope"];
      d.spec.allow.actions[0].verbs = ["read"];
    });
    expect(checkPolicyDocument(doc, CLUSTERS).map((i) => i.path)).toEqual([
      "kind",
      "spec.allow.resources[0]",
      "spec.allow.actions[0].verbs[0]",
    ]);
  });

  test("with no cluster declared, cluster patterns are not matched (the clusters section reports that)", () => {
    expect(checkPolicyDocument(fullAdminPolicy(), [])).toEqual([]);
  });
});

describe("clusterPatternMatches", () => {
  test.each([
    ["cluster:*", "production-cluster", true],
    ["cluster:production-cluster", "production-cluster", true],
    ["cluster:production-cluster", "production-cluster-2", false],
    ["cluster:prod*", "production-cluster", true],
    ["cluster:*-cluster", "develop-cluster", true],
    ["cluster:dev.lop-cluster", "develop-cluster", false],
    ["cluster:^dev.*$", "develop-cluster", true],
    ["cluster:^(?P<env>dev)elop-cluster$", "develop-cluster", true],
    ["cluster:^dev$", "develop-cluster", false],
    ["production-cluster", "production-cluster", false],
  ])("%s against %s is %s", (pattern, name, expected) => {
    expect(clusterPatternMatches(pattern, name)).toBe(expected);
  });
});

describe("policy content", () => {
  test("the rendered seed policy is the YAML the seed's editor shows, keys sorted below spec", () => {
    expect(renderPolicyContent(fullAdminPolicy())).toBe(
      [
        "apiVersion: kubernetes.rbac.querypie.com/v1",
        "kind: KacPolicy",
        "spec:",
        "  allow:",
        "    actions:",
        "      - apiGroups:",
        '          - "*"',
        '        name: "*"',
        '        namespace: "*"',
        "        resources:",
        '          - "*"',
        "        verbs:",
        '          - "*"',
        "    resources:",
        "      - cluster:*",
        "    subjects:",
        "      kubernetesGroups:",
        "        - system:masters",
        "",
      ].join("\n"),
    );
  });

  test("rendering does not depend on the key order of the input", () => {
    const shuffled = {
      spec: fullAdminPolicy().spec,
      kind: "KacPolicy",
      apiVersion: "kubernetes.rbac.querypie.com/v1",
    };
    expect(renderPolicyContent(shuffled)).toBe(renderPolicyContent(fullAdminPolicy()));
  });

  test.each([
    [
      "the same document in flow style",
      'apiVersion: kubernetes.rbac.querypie.com/v1\nkind: KacPolicy\nspec: {allow: {resources: ["cluster:*"], subjects: {kubernetesGroups: [system:masters]}, actions: [{apiGroups: ["*"], resources: ["*"], namespace: "*", name: "*", verbs: ["*"]}]}}\n',
      true,
    ],
    [
      "a document with another verb",
      renderPolicyContent(fullAdminPolicy()).replace(
        '          - "*"\n        verbs:\n          - "*"',
        '          - "*"\n        verbs:\n          - get',
      ),
      false,
    ],
  ])("samePolicyContent: %s -> %s", (_name, other, expected) => {
    expect(samePolicyContent(renderPolicyContent(fullAdminPolicy()), other)).toBe(expected);
  });

  test("content that is not YAML is compared as trimmed text", () => {
    expect(samePolicyContent("a: [", "a: [ ")).toBe(true);
    expect(samePolicyContent("a: [", "b: [")).toBe(false);
  });
});
