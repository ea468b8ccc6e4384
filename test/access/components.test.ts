/**
 * The access components under Pulumi mocks: what each resource is given, through which cluster's
 * provider, what it waits for, and what stays secret.
 */
import type * as k8sTypes from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { validateAccess } from "../../components/config/access";
import { Problems } from "../../components/config/problems";
import { installMocks, settle, valueOf, type Mocks } from "../support/pulumi-mocks";
import { accessStateFor, isSecretInput, unwrap, type MockedSecret } from "./mocks";
import { labClusters } from "./lab-clusters";

let mocks: Mocks;
/** Token and PEM of each mocked token Secret, by resource name. */
const secrets = new Map<string, MockedSecret>();
let mod: {
  registration: typeof import("../../components/access/cluster-registration");
  access: typeof import("../../components/access/access-control");
  seeds: typeof import("../../components/access/rbac-seeds");
};
let k8s: typeof k8sTypes;

const connection = () => ({
  apiBaseUrl: "http://127.0.0.1:8000",
  token: pulumi.secret(`ap-fake-${"0".repeat(8)}`),
});

beforeAll(async () => {
  mocks = await installMocks({ stateFor: accessStateFor(secrets) });
  k8s = await import("@pulumi/kubernetes");
  mod = {
    registration: await import("../../components/access/cluster-registration"),
    access: await import("../../components/access/access-control"),
    seeds: await import("../../components/access/rbac-seeds"),
  };
});

describe("ClusterRegistration", () => {
  let regs: InstanceType<typeof mod.registration.ClusterRegistration>[];

  beforeAll(async () => {
    const [c1, c2] = labClusters();
    const p1 = new k8s.Provider("provider-cluster1", { kubeconfig: "fake" });
    const p2 = new k8s.Provider("provider-cluster2", { kubeconfig: "fake" });
    regs = [
      new mod.registration.ClusterRegistration("reg-cluster1", {
        cluster: c1,
        provider: p1,
        networkMode: "linux",
        connection: connection(),
      }),
      new mod.registration.ClusterRegistration("reg-cluster2", {
        cluster: c2,
        provider: p2,
        networkMode: "docker-desktop",
        connection: connection(),
        certificateAuthorityEncoding: "pem",
      }),
    ];
    await valueOf(pulumi.all(regs.map((r) => r.clusterUuid)));
    await settle();
  });

  test("every in-cluster object goes through its own cluster's provider", () => {
    for (const n of ["1", "2"]) {
      const objects = mocks.registered.filter(
        (r) => r.name.startsWith(`reg-cluster${n}-sa-`) && r.type.startsWith("kubernetes:"),
      );
      expect(objects.map((o) => o.type).sort()).toEqual([
        "kubernetes:core/v1:Namespace",
        "kubernetes:core/v1:Secret",
        "kubernetes:core/v1:ServiceAccount",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
        "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
      ]);
      for (const o of objects) expect(o.providerName).toBe(`provider-cluster${n}`);
    }
  });

  test("the objects are generate_kubepie_sa.sh's: names, the single impersonate rule, the annotated token Secret", () => {
    const input = (suffix: string) => mocks.byName(`reg-cluster1-sa-${suffix}`).inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(input("namespace").metadata.name).toBe("querypie");
    expect(input("sa").metadata).toEqual({ name: "querypie-sa", namespace: "querypie" });
    expect(input("role").rules).toEqual([
      { apiGroups: [""], resources: ["users", "groups", "serviceaccounts"], verbs: ["impersonate"] },
    ]);
    expect(input("crb").subjects).toEqual([
      { kind: "ServiceAccount", name: "querypie-sa", namespace: "querypie" },
    ]);
    expect(input("crb").roleRef).toEqual({
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "querypie-role",
    });
    expect(input("token").type).toBe("kubernetes.io/service-account-token");
    expect(input("token").metadata.annotations).toEqual({
      "kubernetes.io/service-account.name": "querypie-sa",
      "pulumi.com/waitFor": "jsonpath={.data.token}",
    });
  });

  test("registration waits for the token: it depends on the token Secret and the binding, and gets the Secret's token", () => {
    const kac = mocks.byName("reg-cluster1-kac");
    expect(kac.type).toBe("pulumi-nodejs:dynamic/querypie:KacCluster");
    expect(kac.deps).toEqual(expect.arrayContaining(["reg-cluster1-sa-token", "reg-cluster1-sa-crb"]));
    expect(kac.order).toBeGreaterThan(mocks.byName("reg-cluster1-sa-token").order);
    expect(unwrap(kac.inputs.serviceAccountToken)).toBe(secrets.get("reg-cluster1-sa-token")!.token);
  });

  test("the API URL follows the network mode, and the CA is sent in the configured encoding", () => {
    const k1 = mocks.byName("reg-cluster1-kac").inputs;
    const k2 = mocks.byName("reg-cluster2-kac").inputs;
    expect(k1.apiUrl).toBe("https://cluster1-control-plane:6443");
    expect(k2.apiUrl).toBe("https://host.docker.internal:6445");
    const pem1 = secrets.get("reg-cluster1-sa-token")!.pem;
    expect(unwrap(k1.certificateAuthority)).toBe(Buffer.from(pem1).toString("base64"));
    expect(unwrap(k2.certificateAuthority)).toBe(secrets.get("reg-cluster2-sa-token")!.pem);
    expect(k1).toMatchObject({
      name: "production-cluster",
      version: "1.33.1",
      podSessionRecording: false,
      requestAudit: true,
      tags: [],
    });
  });

  test("token, CA and API token are secret inputs; the secret outputs are declared", async () => {
    const kac = mocks.byName("reg-cluster1-kac");
    for (const key of ["serviceAccountToken", "certificateAuthority", "apiToken"])
      expect(isSecretInput(kac.inputs[key])).toBe(true);
    expect(kac.additionalSecretOutputs).toEqual(expect.arrayContaining(["apiToken", "credentialsDigest"]));
    expect(await pulumi.isSecret(regs[0].serviceAccount.token)).toBe(true);
    expect(await pulumi.isSecret(regs[0].serviceAccount.certificateAuthority)).toBe(true);
    expect(await pulumi.isSecret(regs[0].clusterUuid)).toBe(false);
    expect(await valueOf(regs[0].clusterUuid)).toBe("uuid-of-reg-cluster1-kac");
  });
});

describe("AccessControl", () => {
  let ac: InstanceType<typeof mod.access.AccessControl>;

  beforeAll(async () => {
    const problems = new Problems();
    const { access } = validateAccess(
      {},
      { clusters: labClusters(), now: new Date("2026-11-28T15:00:00Z") },
      problems,
    );
    // A custom resource: depending on a component means depending on its children.
    class Registration extends pulumi.CustomResource {
      constructor(name: string) {
        super("test:index:Registration", name, {});
      }
    }
    const marker = new Registration("registrations-done");
    ac = new mod.access.AccessControl("access", { access, connection: connection(), dependsOn: [marker] });
    await valueOf(ac.grants);
    await settle();
  });

  const byKind = (kind: string) =>
    mocks.registered.filter((r) => r.type === `pulumi-nodejs:dynamic/querypie:${kind}`);

  test("the seed defaults declare one role, one policy, one link and one grant", () => {
    expect(byKind("KacRole").map((r) => r.name)).toEqual(["access-role-admin-role"]);
    expect(byKind("KacPolicy").map((r) => r.name)).toEqual(["access-policy-product-policy"]);
    expect(byKind("KacRolePolicy").map((r) => r.name)).toEqual(["access-link-admin-role-product-policy"]);
    expect(byKind("KacGrant").map((r) => r.name)).toEqual(["access-grant-qp-admin"]);
  });

  test("order of LAB-SPEC §3: roles after the registrations, policies after their roles, links after both, grants after roles and links", () => {
    expect(mocks.byName("access-role-admin-role").deps).toContain("registrations-done");
    expect(mocks.byName("access-policy-product-policy").deps).toEqual(
      expect.arrayContaining(["registrations-done", "access-role-admin-role"]),
    );
    expect(mocks.byName("access-link-admin-role-product-policy").deps).toEqual(
      expect.arrayContaining(["access-role-admin-role", "access-policy-product-policy"]),
    );
    expect(mocks.byName("access-grant-qp-admin").deps).toEqual(
      expect.arrayContaining(["access-role-admin-role", "access-link-admin-role-product-policy"]),
    );
  });

  test("inputs: the rendered policy YAML, uuids from the created role and policy, no expiry (fixed by the provider)", () => {
    expect(mocks.byName("access-policy-product-policy").inputs.content).toContain("kind: KacPolicy");
    expect(mocks.byName("access-link-admin-role-product-policy").inputs).toMatchObject({
      roleUuid: "uuid-of-access-role-admin-role",
      policyUuid: "uuid-of-access-policy-product-policy",
    });
    const grant = mocks.byName("access-grant-qp-admin").inputs;
    expect(grant).toMatchObject({ loginId: "qp-admin", roleUuids: ["uuid-of-access-role-admin-role"] });
    expect(grant.expiresAt).toBeUndefined();
    expect(isSecretInput(grant.apiToken)).toBe(true);
  });

  test("outputs: role and policy uuids by name, grants with their expiry", async () => {
    expect(await valueOf(ac.roleUuids)).toEqual({ "admin-role": "uuid-of-access-role-admin-role" });
    expect(await valueOf(ac.policyUuids)).toEqual({
      "product-policy": "uuid-of-access-policy-product-policy",
    });
    expect(await valueOf(ac.grants)).toEqual([
      {
        loginId: "qp-admin",
        userUuid: "uuid-of-qp-admin",
        roles: ["admin-role"],
        expirationDate: "2027-11-27T23:59:59Z",
      },
    ]);
  });
});

describe("RbacSeeds", () => {
  beforeAll(async () => {
    const problems = new Problems();
    const { rbacSeeds } = validateAccess(
      { rbacSeeds: { enabled: true } },
      { clusters: labClusters() },
      problems,
    );
    const p = new k8s.Provider("provider-seeds", { kubeconfig: "fake" });
    const seeds = new mod.seeds.RbacSeeds("seeds-cluster1", { provider: p, seeds: rbacSeeds });
    await valueOf(seeds.networkPolicy);
    await settle();
  });

  const seedObjects = () => mocks.registered.filter((r) => r.name.startsWith("seeds-cluster1-"));
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const input = (name: string) => mocks.byName(name).inputs as Record<string, any>;

  test("every seed object goes through the cluster's provider", () => {
    expect(seedObjects()).toHaveLength(8);
    for (const o of seedObjects()) expect(o.providerName).toBe("provider-seeds");
  });

  test("namespaces per environment carry their Pod Security level (enforce, audit, warn)", () => {
    expect(input("seeds-cluster1-ns-production").metadata.labels).toEqual({
      "pod-security.kubernetes.io/enforce": "restricted",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/warn": "restricted",
      "lab.kind-access/environment": "production",
    });
    expect(input("seeds-cluster1-ns-development").metadata.labels["pod-security.kubernetes.io/enforce"]).toBe(
      "baseline",
    );
  });

  test("seed 002: app-reader may get, list and watch pods in development, nothing more", () => {
    expect(input("seeds-cluster1-pod-reader").rules).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] },
    ]);
    expect(input("seeds-cluster1-read-pods")).toMatchObject({
      metadata: { name: "read-pods", namespace: "development" },
      subjects: [{ kind: "ServiceAccount", name: "app-reader", namespace: "development" }],
      roleRef: { kind: "Role", name: "pod-reader" },
    });
  });

  test("seed 003: allow-frontend-access admits only the frontend namespace, by its automatic name label", () => {
    expect(input("seeds-cluster1-allow-frontend-access")).toMatchObject({
      metadata: { name: "allow-frontend-access", namespace: "production" },
      spec: {
        podSelector: { matchLabels: { app: "backend" } },
        policyTypes: ["Ingress"],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "frontend" } } }],
            ports: [{ protocol: "TCP", port: 80 }],
          },
        ],
      },
    });
    expect(mocks.byName("seeds-cluster1-allow-frontend-access").deps).toContain("seeds-cluster1-ns-frontend");
  });
});
