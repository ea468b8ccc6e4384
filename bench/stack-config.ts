/**
 * Stack config for a lab of N clusters, written out explicitly (not left to the index defaults),
 * so every size the benchmark builds is a config `loadLabConfig` accepts:
 *
 * - names `cluster1..N`, roles production, develop, then `env3..N` (distinct QueryPie names);
 * - API servers on 6444+i (6443 is QueryPie's KAC proxy), port mappings 80 -> 8080+i, clear of
 *   QueryPie's 6443, 7447, 8000, 8050, 8443 and 9000;
 * - pod subnets 10.(100+i).0.0/16 and service subnets 10.(200+i).0.0/16: none overlaps another;
 * - access to match: the seed's admin-role/product-policy for qp-admin, plus per cluster a
 *   read-only role and policy naming that cluster and a grant to a user of its own.
 */
import { fullAdminPolicy, type KacPolicyDocument } from "../components/access/policy";
import { MAX_CLUSTERS } from "../components/config/clusters";

export interface BenchCluster {
  name: string;
  role: string;
  apiServerPort: number;
  podSubnet: string;
  serviceSubnet: string;
  portMappings: { containerPort: number; hostPort: number }[];
  workers: number;
}

/** Read verbs the per-cluster policies allow; `withChange` adds one, to change one policy's content. */
const READ_VERBS = ["get", "list", "watch"];

export function benchClusters(n: number): BenchCluster[] {
  if (!Number.isInteger(n) || n < 1 || n > MAX_CLUSTERS) {
    throw new Error(`benchClusters: n must be a whole number from 1 to ${MAX_CLUSTERS}, got ${n}`);
  }
  return Array.from({ length: n }, (_, i) => ({
    name: `cluster${i + 1}`,
    role: i === 0 ? "production" : i === 1 ? "develop" : `env${i + 1}`,
    apiServerPort: 6444 + i,
    podSubnet: `10.${100 + i}.0.0/16`,
    serviceSubnet: `10.${200 + i}.0.0/16`,
    portMappings: [{ containerPort: 80, hostPort: 8080 + i }],
    workers: 1,
  }));
}

/** QueryPie registration name the clusters section derives from the role. */
export const registrationName = (c: BenchCluster) => `${c.role}-cluster`;

function readOnlyPolicy(cluster: string, verbs: string[]): KacPolicyDocument {
  const { apiVersion, kind } = fullAdminPolicy();
  return {
    apiVersion,
    kind,
    spec: {
      allow: {
        resources: [`cluster:${cluster}`],
        subjects: { kubernetesGroups: ["view"] },
        actions: [{ apiGroups: ["*"], resources: ["*"], namespace: "*", name: "*", verbs }],
      },
    },
  };
}

export interface BenchAccess {
  roles: { name: string; description: string; policies: string[] }[];
  policies: { name: string; description: string; document: KacPolicyDocument }[];
  grants: { loginId: string; roles: string[] }[];
}

/**
 * The `access` section: 1 + N roles, policies, links and grants. With `changeOne`, the first
 * cluster's policy allows one more verb: exactly one policy's content differs.
 */
export function benchAccess(clusters: BenchCluster[], opts: { changeOne?: boolean } = {}): BenchAccess {
  const access: BenchAccess = {
    roles: [{ name: "admin-role", description: "Full admin (seed 000)", policies: ["product-policy"] }],
    policies: [{ name: "product-policy", description: "Full admin (seed 000)", document: fullAdminPolicy() }],
    grants: [{ loginId: "qp-admin", roles: ["admin-role"] }],
  };
  clusters.forEach((c, i) => {
    const verbs = opts.changeOne && i === 0 ? [...READ_VERBS, "create"] : READ_VERBS;
    access.roles.push({
      name: `${c.role}-viewer`,
      description: `Read ${registrationName(c)}`,
      policies: [`${c.role}-read`],
    });
    access.policies.push({
      name: `${c.role}-read`,
      description: `Read-only on ${registrationName(c)}`,
      document: readOnlyPolicy(registrationName(c), verbs),
    });
    access.grants.push({ loginId: `${c.role}-dev`, roles: [`${c.role}-viewer`] });
  });
  return access;
}

/** Login ids the grants name besides the seeded qp-admin (the test server must know them). */
export const extraLoginIds = (access: BenchAccess) =>
  access.grants.map((g) => g.loginId).filter((id) => id !== "qp-admin");

/** Objects the access phase reconciles: clusters, roles, policies, links, grants. */
export function accessObjectCount(clusters: number, access: BenchAccess): number {
  const links = access.roles.reduce((n, r) => n + r.policies.length, 0);
  return clusters + access.roles.length + access.policies.length + links + access.grants.length;
}

/**
 * The raw stack config (what `pulumi config` would hold, before validation) for N clusters with
 * the platform on, RBAC seeds on and an API token set: every component of the program is built.
 */
export function benchRawConfig(n: number): Record<string, unknown> {
  const clusters = benchClusters(n);
  return { clusters, access: benchAccess(clusters), rbacSeeds: { enabled: true } };
}
