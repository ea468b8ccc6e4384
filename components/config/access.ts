/**
 * The `access` and `rbacSeeds` keys: QueryPie roles, policies and grants, and the in-cluster
 * RBAC seeds of seeds 002 and 003. Owner: access control (issue 4).
 *
 * Pure: policy documents are checked against the KacPolicy rules here, before any API call.
 */
import { parse } from "yaml";
import { checkExpiry } from "../access/expiry";
import { checkPolicyDocument, fullAdminPolicy, type KacPolicyDocument } from "../access/policy";
import type { ClusterConfig } from "./clusters";
import { Problems } from "./problems";
import type { RawConfig } from "./raw";

export interface AccessRoleConfig {
  /** Role name in QueryPie; unique. */
  name: string;
  /** Default `""`. */
  description: string;
  /** Names of declared policies assigned to the role. Default `[]`. */
  policies: string[];
}

export interface AccessPolicyConfig {
  /** Policy name in QueryPie; unique. */
  name: string;
  /** Default `""`. */
  description: string;
  /** The KacPolicy document (given as a map or as a YAML string), already checked. */
  document: KacPolicyDocument;
}

export interface AccessGrantConfig {
  /** QueryPie login id, e.g. `qp-admin`; one grant entry per login id. */
  loginId: string;
  /** Names of declared roles granted to the user. */
  roles: string[];
  /**
   * Expiry as an ISO-8601 instant (a configured date means the end of that day UTC).
   * Unset: now + 364 days at end of day UTC, fixed when the grant is first made.
   */
  expiresAt?: string;
}

/** How the cluster CA is sent to QueryPie: the vendor file says base64, the web form takes PEM. */
export type CaEncoding = "base64" | "pem";

export interface AccessConfig {
  roles: AccessRoleConfig[];
  policies: AccessPolicyConfig[];
  grants: AccessGrantConfig[];
  /** Default `base64` (base64 of the PEM, as the vendor API file describes `certificateAuthority`). */
  certificateAuthorityEncoding: CaEncoding;
}

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

export interface RbacSeedsConfig {
  /** Create the seeds. Default `false`; the `lab` stack turns them on. */
  enabled: boolean;
  /** Config names of the clusters that get the seeds. Default: every declared cluster. */
  clusters: string[];
  /** Namespaces per environment with their Pod Security level (enforce, audit and warn). */
  environments: { name: string; podSecurity: PodSecurityLevel }[];
  /** Seed 002: ServiceAccount `app-reader`, Role `pod-reader`, RoleBinding `read-pods`. */
  podReader: { namespace: string; serviceAccount: string; role: string; roleBinding: string };
  /** Seed 003: NetworkPolicy `allow-frontend-access` admitting only the `frontend` namespace. */
  networkPolicy: {
    name: string;
    namespace: string;
    fromNamespace: string;
    podSelector: Record<string, string>;
    port: number;
  };
}

export const ACCESS_KEYS = ["access", "rbacSeeds"] as const;

export interface AccessContext {
  clusters: ClusterConfig[];
  /** Injected for tests; default the current time. */
  now?: Date;
}

/** The seed's access objects (seed 000): full admin for qp-admin on every lab cluster. */
export function defaultAccess(): Omit<AccessConfig, "certificateAuthorityEncoding"> {
  return {
    roles: [
      {
        name: "admin-role",
        description: "Full admin on every lab cluster (seed 000)",
        policies: ["product-policy"],
      },
    ],
    policies: [
      {
        name: "product-policy",
        description: "Full admin on every lab cluster (seed 000)",
        document: fullAdminPolicy(),
      },
    ],
    grants: [{ loginId: "qp-admin", roles: ["admin-role"] }],
  };
}

export function defaultRbacSeeds(clusters: ClusterConfig[]): RbacSeedsConfig {
  return {
    enabled: false,
    clusters: clusters.map((c) => c.name),
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
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const NAME_MAX = 100;
const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LEVELS: PodSecurityLevel[] = ["privileged", "baseline", "restricted"];
const CA_ENCODINGS: CaEncoding[] = ["base64", "pem"];

function knownKeys(obj: Record<string, unknown>, known: string[], key: string, problems: Problems) {
  for (const k of Object.keys(obj)) {
    if (!known.includes(k))
      problems.add(`${key}.${k}`, obj[k], "is not a key here", `use one of ${known.join(", ")}`);
  }
}

function readName(v: unknown, key: string, what: string, problems: Problems): string | undefined {
  if (typeof v === "string" && v.trim() === v && v.length > 0 && v.length <= NAME_MAX) return v;
  problems.add(
    key,
    v,
    `must be a ${what} name of 1 to ${NAME_MAX} characters without surrounding spaces`,
    `use e.g. "${what === "role" ? "admin-role" : "product-policy"}"`,
  );
  return undefined;
}

function readDescription(v: unknown, key: string, problems: Problems): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  problems.add(key, v, "must be text", "quote it, or leave it out");
  return "";
}

function readList(v: unknown, key: string, example: string, problems: Problems): unknown[] {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  problems.add(key, v, "must be a list", `use e.g. ${example}`);
  return [];
}

function reportDuplicates(
  names: (string | undefined)[],
  key: (i: number) => string,
  what: string,
  problems: Problems,
) {
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    if (n === undefined) return;
    const first = seen.get(n);
    if (first === undefined) seen.set(n, i);
    else
      problems.add(
        key(i),
        n,
        `repeats the ${what} at ${key(first)}`,
        `give each ${what} a unique name, or merge the two`,
      );
  });
}

function readDocument(v: unknown, key: string, problems: Problems): unknown {
  if (typeof v !== "string") return v;
  try {
    return parse(v);
  } catch (e) {
    problems.add(
      key,
      v,
      `is not valid YAML (${(e as Error).message.split("\n")[0].replace(/:$/, "")})`,
      "fix the YAML, or give the document as a map",
    );
    return undefined;
  }
}

function validatePolicies(list: unknown[], clusterNames: string[], problems: Problems): AccessPolicyConfig[] {
  const out: AccessPolicyConfig[] = [];
  list.forEach((p, i) => {
    const key = `access.policies[${i}]`;
    if (!isObject(p)) {
      problems.add(key, p, "must be a map with name, description and document", "see docs/access.md");
      return;
    }
    knownKeys(p, ["name", "description", "document"], key, problems);
    const name = readName(p.name, `${key}.name`, "policy", problems);
    const description = readDescription(p.description, `${key}.description`, problems);
    const doc = readDocument(p.document, `${key}.document`, problems);
    if (p.document !== undefined && doc === undefined) return;
    for (const issue of checkPolicyDocument(doc, clusterNames)) {
      problems.add(
        issue.path ? `${key}.document.${issue.path}` : `${key}.document`,
        issue.value,
        issue.message,
        issue.fix,
      );
    }
    if (name !== undefined) out.push({ name, description, document: doc as KacPolicyDocument });
  });
  reportDuplicates(
    list.map((p) => (isObject(p) && typeof p.name === "string" ? p.name : undefined)),
    (i) => `access.policies[${i}].name`,
    "policy",
    problems,
  );
  return out;
}

function readNameRefs(
  v: unknown,
  key: string,
  declared: string[],
  what: "policy" | "role",
  problems: Problems,
  required: boolean,
): string[] {
  const example = what === "policy" ? '["product-policy"]' : '["admin-role"]';
  if (v === undefined && !required) return [];
  if (!Array.isArray(v) || (required && v.length === 0)) {
    problems.add(key, v, `must be a non-empty list of ${what} names`, `use e.g. ${example}`);
    return [];
  }
  const out: string[] = [];
  v.forEach((ref, j) => {
    if (typeof ref !== "string" || !declared.includes(ref)) {
      const known = declared.length > 0 ? declared.join(", ") : "none";
      problems.add(
        `${key}[${j}]`,
        ref,
        `is not a declared ${what} (declared: ${known})`,
        `declare it under access.${what === "policy" ? "policies" : "roles"}, or fix the name`,
      );
    } else if (out.includes(ref)) {
      problems.add(`${key}[${j}]`, ref, `is listed twice`, "list it once");
    } else {
      out.push(ref);
    }
  });
  return out;
}

function validateRoles(list: unknown[], policyNames: string[], problems: Problems): AccessRoleConfig[] {
  const out: AccessRoleConfig[] = [];
  list.forEach((r, i) => {
    const key = `access.roles[${i}]`;
    if (!isObject(r)) {
      problems.add(key, r, "must be a map with name, description and policies", "see docs/access.md");
      return;
    }
    knownKeys(r, ["name", "description", "policies"], key, problems);
    const name = readName(r.name, `${key}.name`, "role", problems);
    const description = readDescription(r.description, `${key}.description`, problems);
    const policies = readNameRefs(r.policies, `${key}.policies`, policyNames, "policy", problems, false);
    if (name !== undefined) out.push({ name, description, policies });
  });
  reportDuplicates(
    list.map((r) => (isObject(r) && typeof r.name === "string" ? r.name : undefined)),
    (i) => `access.roles[${i}].name`,
    "role",
    problems,
  );
  return out;
}

function validateGrants(
  list: unknown[],
  roleNames: string[],
  now: Date,
  problems: Problems,
): AccessGrantConfig[] {
  const out: AccessGrantConfig[] = [];
  list.forEach((g, i) => {
    const key = `access.grants[${i}]`;
    if (!isObject(g)) {
      problems.add(
        key,
        g,
        "must be a map with loginId, roles and optionally expiresAt",
        "see docs/access.md",
      );
      return;
    }
    knownKeys(g, ["loginId", "roles", "expiresAt"], key, problems);
    const loginId =
      typeof g.loginId === "string" && g.loginId.trim() === g.loginId && g.loginId !== ""
        ? g.loginId
        : undefined;
    if (loginId === undefined) {
      problems.add(`${key}.loginId`, g.loginId, "must be a QueryPie login id", 'use e.g. "qp-admin"');
    }
    const roles = readNameRefs(g.roles, `${key}.roles`, roleNames, "role", problems, true);
    let expiresAt: string | undefined;
    if (g.expiresAt !== undefined) {
      // YAML reads an unquoted 2026-06-30 as a Date.
      const text = g.expiresAt instanceof Date ? g.expiresAt.toISOString().slice(0, 10) : g.expiresAt;
      const check = checkExpiry(text, now);
      if (check.ok) expiresAt = check.iso;
      else problems.add(`${key}.expiresAt`, g.expiresAt, check.message, check.fix);
    }
    if (loginId !== undefined) out.push({ loginId, roles, ...(expiresAt ? { expiresAt } : {}) });
  });
  reportDuplicates(
    list.map((g) => (isObject(g) && typeof g.loginId === "string" ? g.loginId : undefined)),
    (i) => `access.grants[${i}].loginId`,
    "grant for this login id",
    problems,
  );
  return out;
}

function validateAccessKey(raw: unknown, ctx: AccessContext, problems: Problems): AccessConfig {
  const clusterNames = ctx.clusters.map((c) => c.registration.name);
  const now = ctx.now ?? new Date();
  if (raw === undefined) {
    const d = defaultAccess();
    // The defaults are checked like anything else: "cluster:*" needs at least one cluster.
    d.policies.forEach((p, i) => {
      for (const issue of checkPolicyDocument(p.document, clusterNames)) {
        problems.add(`access.policies[${i}].document.${issue.path}`, issue.value, issue.message, issue.fix);
      }
    });
    return { ...d, certificateAuthorityEncoding: "base64" };
  }
  if (!isObject(raw)) {
    problems.add("access", raw, "must be a map with roles, policies and grants", "see docs/access.md");
    return { roles: [], policies: [], grants: [], certificateAuthorityEncoding: "base64" };
  }
  knownKeys(raw, ["roles", "policies", "grants", "certificateAuthorityEncoding"], "access", problems);
  const encoding = (raw.certificateAuthorityEncoding ?? "base64") as CaEncoding;
  if (!CA_ENCODINGS.includes(encoding)) {
    problems.add(
      "access.certificateAuthorityEncoding",
      raw.certificateAuthorityEncoding,
      "is not a CA encoding",
      `use "base64" (the vendor API file) or "pem" (what the web form takes)`,
    );
  }
  const policyList = readList(
    raw.policies,
    "access.policies",
    "[{name: product-policy, document: {...}}]",
    problems,
  );
  const roleList = readList(
    raw.roles,
    "access.roles",
    "[{name: admin-role, policies: [product-policy]}]",
    problems,
  );
  const grantList = readList(
    raw.grants,
    "access.grants",
    "[{loginId: qp-admin, roles: [admin-role]}]",
    problems,
  );
  const policies = validatePolicies(policyList, clusterNames, problems);
  const roles = validateRoles(
    roleList,
    policies.map((p) => p.name),
    problems,
  );
  const grants = validateGrants(
    grantList,
    roles.map((r) => r.name),
    now,
    problems,
  );
  return {
    roles,
    policies,
    grants,
    certificateAuthorityEncoding: CA_ENCODINGS.includes(encoding) ? encoding : "base64",
  };
}

function k8sName(v: unknown, key: string, example: string, problems: Problems): string | undefined {
  if (typeof v === "string" && v.length <= 63 && K8S_NAME.test(v)) return v;
  problems.add(
    key,
    v,
    "must be a Kubernetes name (lower-case letters, digits and '-', at most 63)",
    `use e.g. "${example}"`,
  );
  return undefined;
}

function validateRbacSeedsKey(raw: unknown, clusters: ClusterConfig[], problems: Problems): RbacSeedsConfig {
  const d = defaultRbacSeeds(clusters);
  if (raw === undefined) return d;
  if (!isObject(raw)) {
    problems.add("rbacSeeds", raw, "must be a map", "use e.g. {enabled: true}");
    return d;
  }
  knownKeys(
    raw,
    ["enabled", "clusters", "environments", "podReader", "networkPolicy"],
    "rbacSeeds",
    problems,
  );
  const out: RbacSeedsConfig = { ...d };
  if (raw.enabled !== undefined) {
    if (typeof raw.enabled === "boolean") out.enabled = raw.enabled;
    else problems.add("rbacSeeds.enabled", raw.enabled, "must be true or false", "use true or false");
  }
  if (raw.clusters !== undefined) {
    const names = clusters.map((c) => c.name);
    out.clusters = readList(raw.clusters, "rbacSeeds.clusters", "[cluster1]", problems).filter(
      (c, i): c is string => {
        if (typeof c === "string" && names.includes(c)) return true;
        problems.add(
          `rbacSeeds.clusters[${i}]`,
          c,
          `is not a declared cluster (declared: ${names.join(", ") || "none"})`,
          "use a name from clusters[].name",
        );
        return false;
      },
    );
  }
  if (raw.environments !== undefined) {
    const envs: RbacSeedsConfig["environments"] = [];
    readList(
      raw.environments,
      "rbacSeeds.environments",
      "[{name: development, podSecurity: baseline}]",
      problems,
    ).forEach((e, i) => {
      const key = `rbacSeeds.environments[${i}]`;
      if (!isObject(e)) {
        problems.add(
          key,
          e,
          "must be a map with name and podSecurity",
          "use e.g. {name: development, podSecurity: baseline}",
        );
        return;
      }
      knownKeys(e, ["name", "podSecurity"], key, problems);
      const name = k8sName(e.name, `${key}.name`, "development", problems);
      const level = (e.podSecurity ?? "baseline") as PodSecurityLevel;
      if (!LEVELS.includes(level)) {
        problems.add(
          `${key}.podSecurity`,
          e.podSecurity,
          "is not a Pod Security level",
          `use one of ${LEVELS.join(", ")}`,
        );
      }
      if (name !== undefined) envs.push({ name, podSecurity: LEVELS.includes(level) ? level : "baseline" });
    });
    reportDuplicates(
      envs.map((e) => e.name),
      (i) => `rbacSeeds.environments[${i}].name`,
      "environment",
      problems,
    );
    out.environments = envs;
  }
  if (raw.podReader !== undefined) {
    if (!isObject(raw.podReader))
      problems.add(
        "rbacSeeds.podReader",
        raw.podReader,
        "must be a map",
        "use e.g. {namespace: development}",
      );
    else {
      const pr = raw.podReader;
      knownKeys(pr, ["namespace", "serviceAccount", "role", "roleBinding"], "rbacSeeds.podReader", problems);
      const pick = (k: keyof RbacSeedsConfig["podReader"]) =>
        pr[k] === undefined
          ? d.podReader[k]
          : (k8sName(pr[k], `rbacSeeds.podReader.${k}`, d.podReader[k], problems) ?? d.podReader[k]);
      out.podReader = {
        namespace: pick("namespace"),
        serviceAccount: pick("serviceAccount"),
        role: pick("role"),
        roleBinding: pick("roleBinding"),
      };
    }
  }
  if (raw.networkPolicy !== undefined) {
    if (!isObject(raw.networkPolicy))
      problems.add(
        "rbacSeeds.networkPolicy",
        raw.networkPolicy,
        "must be a map",
        "use e.g. {namespace: production}",
      );
    else {
      const np = raw.networkPolicy;
      knownKeys(
        np,
        ["name", "namespace", "fromNamespace", "podSelector", "port"],
        "rbacSeeds.networkPolicy",
        problems,
      );
      const pick = (k: "name" | "namespace" | "fromNamespace") =>
        np[k] === undefined
          ? d.networkPolicy[k]
          : (k8sName(np[k], `rbacSeeds.networkPolicy.${k}`, d.networkPolicy[k], problems) ??
            d.networkPolicy[k]);
      let podSelector = d.networkPolicy.podSelector;
      if (np.podSelector !== undefined) {
        if (isObject(np.podSelector) && Object.values(np.podSelector).every((v) => typeof v === "string")) {
          podSelector = np.podSelector as Record<string, string>;
        } else {
          problems.add(
            "rbacSeeds.networkPolicy.podSelector",
            np.podSelector,
            "must be a map of label to text",
            "use e.g. {app: backend}",
          );
        }
      }
      let port = d.networkPolicy.port;
      if (np.port !== undefined) {
        if (typeof np.port === "number" && Number.isInteger(np.port) && np.port >= 1 && np.port <= 65535)
          port = np.port;
        else
          problems.add(
            "rbacSeeds.networkPolicy.port",
            np.port,
            "must be a port number from 1 to 65535",
            "use e.g. 80",
          );
      }
      out.networkPolicy = {
        name: pick("name"),
        namespace: pick("namespace"),
        fromNamespace: pick("fromNamespace"),
        podSelector,
        port,
      };
    }
  }
  const envNames = out.environments.map((e) => e.name);
  for (const [key, ns] of [
    ["rbacSeeds.podReader.namespace", out.podReader.namespace],
    ["rbacSeeds.networkPolicy.namespace", out.networkPolicy.namespace],
    ["rbacSeeds.networkPolicy.fromNamespace", out.networkPolicy.fromNamespace],
  ] as const) {
    if (!envNames.includes(ns)) {
      problems.add(
        key,
        ns,
        `is not one of rbacSeeds.environments (${envNames.join(", ") || "none"})`,
        `add {name: ${ns}} to rbacSeeds.environments, or name an environment`,
      );
    }
  }
  return out;
}

export function validateAccess(
  raw: RawConfig,
  ctx: AccessContext,
  problems: Problems,
): { access: AccessConfig; rbacSeeds: RbacSeedsConfig } {
  return {
    access: validateAccessKey(raw.access, ctx, problems),
    rbacSeeds: validateRbacSeedsKey(raw.rbacSeeds, ctx.clusters, problems),
  };
}
