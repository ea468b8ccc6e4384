/**
 * The state of the QueryPie test server: KAC clusters, roles, policies (with content versions),
 * role-policy links, users and grants, and one handler per vendor operationId that answers the way
 * the vendor OpenAPI file (11.4.1) describes.
 *
 * Where the vendor file is silent, this fake makes a documented choice (see `StoreOptions` and
 * docs/querypie-api.md, "What stays unverified"); each choice can be switched so tests can cover
 * both behaviours.
 */
import { randomUUID } from "node:crypto";
import { parse as parseYaml } from "yaml";

/** A refusal the handlers raise; the server turns it into `{"error":{...}}` with this status. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly code = `QPS-TEST-${status}`,
  ) {
    super(message);
  }
}

export interface StoreOptions {
  /**
   * Names of clusters, roles and policies: "reject" answers 400 to a create or rename that would
   * repeat an existing name; "allow" accepts it. The vendor file declares no 409 and lists no error
   * codes, so the real behaviour is unverified. Default "reject".
   */
  duplicateNames?: "reject" | "allow";
  /**
   * Deleting a policy still assigned to a role, or a role still assigned policies or granted to a
   * user: "reject" answers 400 (so a wrong destroy order shows up in tests); "cascade" removes the
   * links and grants too. Unverified on a real QueryPie. Default "reject".
   */
  deleteInUse?: "reject" | "cascade";
  /** Page size used when a list request sends none (QueryPie declares no default). Default 20. */
  defaultPageSize?: number;
  /** Largest page served whatever the client asks (proves the client follows totalPages). Default 100. */
  maxPageSize?: number;
  /** Clock. Default `() => new Date()`. */
  now?: () => Date;
}

export interface StoredUser {
  uuid: string;
  loginId: string;
  name: string;
  email: string;
}
export interface StoredCluster {
  uuid: string;
  name: string;
  apiUrl: string;
  /** Kept but never answered, like QueryPie. */
  serviceAccountToken: string;
  /** Kept exactly as sent (base64 or PEM) so tests can see what the client chose. */
  certificateAuthority: string;
  podSessionRecording: boolean;
  requestAudit: boolean;
  requestAuditTypes: string[];
  tags: { key: string; value: string }[];
  version?: string;
  createdAt: string;
  updatedAt: string;
  createdBy: StoredUser;
  updatedBy: StoredUser;
}
export interface StoredRole {
  uuid: string;
  name: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
}
export interface StoredPolicyVersion {
  uuid: string;
  version: string;
  content: string;
  justification?: string;
  createdAt: string;
  createdBy: string;
}
export interface StoredPolicy {
  uuid: string;
  name: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
  /** Oldest first; the last one is current. */
  versions: StoredPolicyVersion[];
}
export interface StoredGrant {
  grantedAt: string;
  expirationDate: string;
  grantedBy: string;
}

export interface HandlerInput {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  /** The user the API token belongs to. */
  caller: StoredUser;
}
export interface HandlerOutput {
  status: number;
  body?: unknown;
}
export type Handler = (input: HandlerInput) => HandlerOutput;

const AUDIT_TYPES = ["get", "list", "create", "update", "delete", "watch", "patch", "deletecollection"];
const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

type Body = Record<string, unknown>;

export class QueryPieStore {
  readonly users = new Map<string, StoredUser>();
  readonly clusters = new Map<string, StoredCluster>();
  readonly roles = new Map<string, StoredRole>();
  readonly policies = new Map<string, StoredPolicy>();
  /** roleUuid -> policyUuid -> assignedAt */
  readonly links = new Map<string, Map<string, string>>();
  /** userUuid -> roleUuid -> grant */
  readonly grants = new Map<string, Map<string, StoredGrant>>();
  readonly admin: StoredUser;
  private readonly options: Required<StoreOptions>;

  constructor(options: StoreOptions = {}) {
    this.options = {
      duplicateNames: options.duplicateNames ?? "reject",
      deleteInUse: options.deleteInUse ?? "reject",
      defaultPageSize: options.defaultPageSize ?? 20,
      maxPageSize: options.maxPageSize ?? 100,
      now: options.now ?? (() => new Date()),
    };
    this.admin = this.addUser({
      loginId: "qp-admin",
      name: "QueryPie Admin",
      email: "qp-admin@querypie.local",
    });
  }

  /** Adds an active user (qp-admin is seeded). */
  addUser(user: { loginId: string; name?: string; email?: string }): StoredUser {
    const stored: StoredUser = {
      uuid: randomUUID(),
      loginId: user.loginId,
      name: user.name ?? user.loginId,
      email: user.email ?? `${user.loginId}@querypie.local`,
    };
    this.users.set(stored.uuid, stored);
    return stored;
  }

  /** The handler for each vendor operationId this fake implements. */
  handlers(): Record<string, Handler> {
    return {
      "list-kube-clusters": ({ query }) => this.page(query, [...this.clusters.values()].map(clusterSummary)),
      "create-kube-cluster": ({ body, caller }) => this.createCluster(body as Body, caller),
      "get-kube-cluster": ({ params }) => ({
        status: 200,
        body: clusterDetail(this.cluster(params.clusterUuid)),
      }),
      "update-kube-cluster": ({ params, body, caller }) =>
        this.updateCluster(params.clusterUuid, body as Body, caller),
      "delete-kube-cluster": ({ params }) => {
        this.cluster(params.clusterUuid);
        this.clusters.delete(params.clusterUuid);
        return { status: 204 };
      },

      "list-kac-roles": ({ query }) => this.page(query, [...this.roles.values()].map(roleSummary)),
      "create-kac-role": ({ body }) => this.createRole(body as Body),
      "get-kac-role": ({ params }) => {
        const role = this.role(params.roleUuid);
        return { status: 200, body: { ...roleSummary(role), policyCount: this.linksOf(role.uuid).size } };
      },
      "update-kac-role": ({ params, body }) => {
        const role = this.role(params.roleUuid);
        const b = body as Body;
        this.checkName("role", String(b.name), [...this.roles.values()], role.uuid);
        Object.assign(role, { name: b.name, description: b.description, updatedAt: this.stamp() });
        return { status: 204 };
      },
      "delete-kac-roles": ({ body }) => this.deleteRoles((body as { roleUuids: string[] }).roleUuids),
      "list-kac-role-policies": ({ params }) => {
        this.role(params.roleUuid);
        const items = [...this.linksOf(params.roleUuid)].map(([policyUuid, assignedAt]) => {
          const p = this.policy(policyUuid);
          return {
            policyUuid,
            policyName: p.name,
            policyDescription: p.description,
            version: current(p).version,
            assignedAt,
          };
        });
        return { status: 200, body: items };
      },
      "assign-kac-role-policies": ({ params, body }) => {
        this.role(params.roleUuid);
        const uuids = (body as { policyUuids: string[] }).policyUuids;
        uuids.forEach((u) => this.policy(u));
        const links = this.linksOf(params.roleUuid);
        for (const u of uuids) if (!links.has(u)) links.set(u, this.stamp());
        return { status: 204 };
      },
      "unassign-kac-role-policies": ({ params, body }) => {
        this.role(params.roleUuid);
        const links = this.linksOf(params.roleUuid);
        for (const u of (body as { policyUuids: string[] }).policyUuids) links.delete(u);
        return { status: 204 };
      },
      "list-kac-role-users": ({ params, query }) => {
        const role = this.role(params.roleUuid);
        const rows = [...this.grants].flatMap(([userUuid, g]) => {
          const grant = g.get(role.uuid);
          const user = this.users.get(userUuid);
          if (!grant || !user) return [];
          return [
            { userUuid, userName: user.name, email: user.email, userType: "USER", ...pickGrant(grant) },
          ];
        });
        return this.page(query, rows);
      },
      "list-kac-role-clusters": ({ params, query }) => {
        const role = this.role(params.roleUuid);
        const rows = this.clustersOfRoles([role.uuid]).map(({ cluster }) => accessibleCluster(cluster));
        return this.page(query, rows);
      },
      "list-kac-role-assignable-policies": ({ params }) => {
        const links = this.linksOf(this.role(params.roleUuid).uuid);
        const rows = [...this.policies.values()].map((p) => ({
          policyUuid: p.uuid,
          policyName: p.name,
          policyDescription: p.description,
          version: current(p).version,
          isAssigned: links.has(p.uuid),
        }));
        return { status: 200, body: rows };
      },

      "list-kac-policies": ({ query }) => this.page(query, [...this.policies.values()].map(policySummary)),
      "create-kac-policy": ({ body, caller }) => this.createPolicy(body as Body, caller, ""),
      "get-kac-policy": ({ params }) => {
        const p = this.policy(params.policyUuid);
        return { status: 200, body: { ...policySummary(p), content: current(p).content } };
      },
      "update-kac-policy": ({ params, body }) => {
        const p = this.policy(params.policyUuid);
        const b = body as Body;
        this.checkName("policy", String(b.name), [...this.policies.values()], p.uuid);
        Object.assign(p, { name: b.name, description: b.description, updatedAt: this.stamp() });
        return { status: 204 };
      },
      "update-kac-policy-content": ({ params, body, caller }) => {
        const p = this.policy(params.policyUuid);
        const b = body as { content: string; justification?: string };
        checkPolicyYaml(b.content);
        p.versions.push(this.version(p.versions.length + 1, b.content, caller, b.justification));
        p.updatedAt = this.stamp();
        return { status: 204 };
      },
      "duplicate-kac-policy": ({ params, body, caller }) => {
        const source = this.policy(params.policyUuid);
        return this.createPolicy(body as Body, caller, current(source).content);
      },
      "delete-kac-policies": ({ body }) =>
        this.deletePolicies((body as { policyUuids: string[] }).policyUuids),
      "list-kac-policy-versions": ({ params }) => {
        const p = this.policy(params.policyUuid);
        const last = p.versions.length - 1;
        const rows = p.versions.map((v, i) => ({
          uuid: v.uuid,
          version: v.version,
          justification: v.justification,
          createdAt: v.createdAt,
          createdBy: v.createdBy,
          isCurrent: i === last,
        }));
        return { status: 200, body: rows.reverse() };
      },
      "list-kac-policy-roles": ({ params }) => {
        const p = this.policy(params.policyUuid);
        const rows = [...this.links].flatMap(([roleUuid, links]) => {
          const at = links.get(p.uuid);
          const role = this.roles.get(roleUuid);
          if (!at || !role) return [];
          return [{ roleUuid, roleName: role.name, roleDescription: role.description, assignedAt: at }];
        });
        return { status: 200, body: rows };
      },

      "identify-user": ({ query }) => this.identify(query),

      "grant-kac-roles": ({ params, body, caller }) => this.grant(params.userUuid, body as Body, caller),
      "revoke-kac-roles": ({ params, body }) => {
        const grants = this.grantsOf(this.user(params.userUuid).uuid);
        for (const r of (body as { roleUuids: string[] }).roleUuids) grants.delete(r);
        return { status: 204 };
      },
      "get-user-kac-roles": ({ params }) => {
        const user = this.user(params.userUuid);
        const rows = [...this.grantsOf(user.uuid)].map(([roleUuid, g]) => {
          const role = this.role(roleUuid);
          return { roleUuid, roleName: role.name, roleDescription: role.description, ...pickGrant(g) };
        });
        return { status: 200, body: rows };
      },
      "list-user-accessible-clusters": ({ params, query }) => {
        const user = this.user(params.userUuid);
        const now = this.options.now().getTime();
        const live = [...this.grantsOf(user.uuid)].filter(([, g]) => Date.parse(g.expirationDate) > now);
        const rows = this.clustersOfRoles(live.map(([r]) => r)).map(({ cluster, roleNames }) => ({
          ...accessibleCluster(cluster),
          roleNames,
        }));
        return this.page(query, rows);
      },
      "list-kac-roles_1": () => {
        const rows = [...this.roles.values()].map((r) => ({
          uuid: r.uuid,
          name: r.name,
          description: r.description,
          assignedPolicies: [...this.linksOf(r.uuid).keys()].map((u) => ({
            uuid: u,
            name: this.policy(u).name,
          })),
        }));
        return { status: 200, body: rows };
      },
      "list-kac-users": ({ query }) => {
        const rows = [...this.grants]
          .filter(([, g]) => g.size > 0)
          .map(([userUuid, g]) => {
            const u = this.user(userUuid);
            return { userUuid, name: u.name, email: u.email, roleCount: g.size };
          });
        return this.page(query, rows);
      },
    };
  }

  // ---- Operations with more than a few lines ----

  private createCluster(b: Body, caller: StoredUser): HandlerOutput {
    this.checkName("cluster", String(b.name), [...this.clusters.values()]);
    checkApiUrl(b.apiUrl);
    if (b.serviceAccountToken === "" || b.certificateAuthority === "") {
      throw new ApiFailure(400, "serviceAccountToken and certificateAuthority must not be empty");
    }
    const at = this.stamp();
    const cluster: StoredCluster = {
      uuid: randomUUID(),
      name: String(b.name),
      apiUrl: String(b.apiUrl),
      serviceAccountToken: String(b.serviceAccountToken),
      certificateAuthority: String(b.certificateAuthority),
      podSessionRecording: b.podSessionRecording === true,
      requestAudit: b.requestAudit === true,
      requestAuditTypes: [...new Set((b.requestAuditTypes as string[] | undefined) ?? [])],
      tags: (b.tags as { key: string; value: string }[]).map((t) => ({ key: t.key, value: t.value })),
      version: b.version as string | undefined,
      createdAt: at,
      updatedAt: at,
      createdBy: caller,
      updatedBy: caller,
    };
    this.clusters.set(cluster.uuid, cluster);
    return { status: 200, body: { uuid: cluster.uuid } };
  }

  private updateCluster(uuid: string, b: Body, caller: StoredUser): HandlerOutput {
    const c = this.cluster(uuid);
    this.checkName("cluster", String(b.name), [...this.clusters.values()], uuid);
    checkApiUrl(b.apiUrl);
    c.name = String(b.name);
    c.apiUrl = String(b.apiUrl);
    c.podSessionRecording = b.podSessionRecording === true;
    c.requestAudit = b.requestAudit === true;
    c.tags = (b.tags as { key: string; value: string }[]).map((t) => ({ key: t.key, value: t.value }));
    if (b.requestAuditTypes !== undefined)
      c.requestAuditTypes = [...new Set(b.requestAuditTypes as string[])];
    if (b.version !== undefined) c.version = String(b.version);
    if (b.serviceAccountToken !== undefined) c.serviceAccountToken = String(b.serviceAccountToken);
    if (b.certificateAuthority !== undefined) c.certificateAuthority = String(b.certificateAuthority);
    c.updatedAt = this.stamp();
    c.updatedBy = caller;
    return { status: 200 };
  }

  private createRole(b: Body): HandlerOutput {
    this.checkName("role", String(b.name), [...this.roles.values()]);
    const at = this.stamp();
    const role: StoredRole = { uuid: randomUUID(), name: String(b.name), createdAt: at, updatedAt: at };
    if (typeof b.description === "string") role.description = b.description;
    this.roles.set(role.uuid, role);
    return { status: 201, body: { uuid: role.uuid } };
  }

  private deleteRoles(uuids: string[]): HandlerOutput {
    uuids.forEach((u) => this.role(u));
    for (const u of uuids) {
      const granted = [...this.grants.values()].filter((g) => g.has(u)).length;
      const linked = this.linksOf(u).size;
      if (this.options.deleteInUse === "reject" && (granted > 0 || linked > 0)) {
        throw new ApiFailure(
          400,
          `role ${this.role(u).name} is still in use (${linked} policies assigned, granted to ${granted} users)`,
        );
      }
    }
    for (const u of uuids) {
      this.roles.delete(u);
      this.links.delete(u);
      for (const g of this.grants.values()) g.delete(u);
    }
    return { status: 204 };
  }

  private createPolicy(b: Body, caller: StoredUser, content: string): HandlerOutput {
    this.checkName("policy", String(b.name), [...this.policies.values()]);
    const at = this.stamp();
    const policy: StoredPolicy = {
      uuid: randomUUID(),
      name: String(b.name),
      createdAt: at,
      updatedAt: at,
      versions: [this.version(1, content, caller)],
    };
    if (typeof b.description === "string") policy.description = b.description;
    this.policies.set(policy.uuid, policy);
    return { status: 201, body: { uuid: policy.uuid } };
  }

  private deletePolicies(uuids: string[]): HandlerOutput {
    uuids.forEach((u) => this.policy(u));
    for (const u of uuids) {
      const roles = [...this.links.values()].filter((l) => l.has(u)).length;
      if (this.options.deleteInUse === "reject" && roles > 0) {
        throw new ApiFailure(400, `policy ${this.policy(u).name} is still assigned to ${roles} roles`);
      }
    }
    for (const u of uuids) {
      this.policies.delete(u);
      for (const l of this.links.values()) l.delete(u);
    }
    return { status: 204 };
  }

  private identify(query: URLSearchParams): HandlerOutput {
    const criteria = (["loginId", "email", "name"] as const).filter((k) => query.has(k));
    if (criteria.length === 0) throw new ApiFailure(400, "give loginId, email or name");
    const found = [...this.users.values()].filter((u) => criteria.every((k) => u[k] === query.get(k)));
    const status = found.length === 0 ? "NOT_FOUND" : found.length === 1 ? "FOUND" : "DUPLICATES_FOUND";
    return { status: 200, body: { status, users: found.slice(0, 10).map((u) => ({ ...u })) } };
  }

  private grant(userUuid: string, b: Body, caller: StoredUser): HandlerOutput {
    const user = this.user(userUuid);
    const roleUuids = b.roleUuids as string[];
    roleUuids.forEach((r) => this.role(r));
    const now = this.options.now().getTime();
    let expiry = new Date(now + YEAR_MS).toISOString();
    if (typeof b.expirationDate === "string") {
      const t = Date.parse(b.expirationDate);
      if (t <= now) throw new ApiFailure(400, "expirationDate must lie in the future");
      if (t > now + YEAR_MS) throw new ApiFailure(400, "expirationDate must be at most one year ahead");
      expiry = new Date(t).toISOString();
    }
    const grants = this.grantsOf(user.uuid);
    for (const r of roleUuids)
      grants.set(r, { grantedAt: this.stamp(), expirationDate: expiry, grantedBy: caller.name });
    return {
      status: 201,
      body: {
        grantedRoleCount: roleUuids.length,
        message: `Granted ${roleUuids.length} role(s) to ${user.loginId}`,
      },
    };
  }

  /** Clusters the roles' policies allow (`spec.allow.resources` entries `cluster:<glob>`). */
  private clustersOfRoles(roleUuids: string[]): { cluster: StoredCluster; roleNames: string[] }[] {
    const byCluster = new Map<string, { cluster: StoredCluster; roleNames: string[] }>();
    for (const roleUuid of roleUuids) {
      const role = this.roles.get(roleUuid);
      if (!role) continue;
      const patterns = [...this.linksOf(roleUuid).keys()].flatMap((p) =>
        clusterPatterns(current(this.policy(p)).content),
      );
      for (const cluster of this.clusters.values()) {
        if (!patterns.some((re) => re.test(cluster.name))) continue;
        const entry = byCluster.get(cluster.uuid) ?? { cluster, roleNames: [] };
        if (!entry.roleNames.includes(role.name)) entry.roleNames.push(role.name);
        byCluster.set(cluster.uuid, entry);
      }
    }
    return [...byCluster.values()];
  }

  // ---- Small helpers ----

  /** One page of `rows` as `{items, paging}`, 0-based, with the optional filterKey/filterValue. */
  private page(query: URLSearchParams, rows: object[]): HandlerOutput {
    const key = query.get("filterKey");
    const value = query.get("filterValue") ?? "";
    const filtered = key ? rows.filter((r) => String((r as Body)[key] ?? "").includes(value)) : rows;
    const pageSize = Math.min(
      this.options.maxPageSize,
      Math.max(1, Number(query.get("pageSize") ?? this.options.defaultPageSize)),
    );
    const pageNumber = Math.max(0, Number(query.get("pageNumber") ?? 0));
    const items = filtered.slice(pageNumber * pageSize, (pageNumber + 1) * pageSize);
    const paging = {
      currentPage: pageNumber,
      pageSize,
      totalElements: filtered.length,
      totalPages: Math.ceil(filtered.length / pageSize),
    };
    return { status: 200, body: { items, paging } };
  }

  private checkName(
    kind: string,
    name: string,
    existing: { uuid: string; name: string }[],
    self?: string,
  ): void {
    if (name.trim() === "") throw new ApiFailure(400, `${kind} name must not be empty`);
    if (this.options.duplicateNames === "allow") return;
    const other = existing.find((x) => x.name === name && x.uuid !== self);
    if (other) throw new ApiFailure(400, `a ${kind} named "${name}" already exists (${other.uuid})`);
  }

  private version(
    n: number,
    content: string,
    caller: StoredUser,
    justification?: string,
  ): StoredPolicyVersion {
    const v: StoredPolicyVersion = {
      uuid: randomUUID(),
      version: String(n),
      content,
      createdAt: this.stamp(),
      createdBy: caller.name,
    };
    if (justification !== undefined) v.justification = justification;
    return v;
  }

  private stamp(): string {
    return this.options.now().toISOString();
  }
  private cluster(uuid: string): StoredCluster {
    return found(this.clusters.get(uuid), "cluster", uuid);
  }
  private role(uuid: string): StoredRole {
    return found(this.roles.get(uuid), "role", uuid);
  }
  private policy(uuid: string): StoredPolicy {
    return found(this.policies.get(uuid), "policy", uuid);
  }
  private user(uuid: string): StoredUser {
    return found(this.users.get(uuid), "user", uuid);
  }
  private linksOf(roleUuid: string): Map<string, string> {
    if (!this.links.has(roleUuid)) this.links.set(roleUuid, new Map());
    return this.links.get(roleUuid)!;
  }
  private grantsOf(userUuid: string): Map<string, StoredGrant> {
    if (!this.grants.has(userUuid)) this.grants.set(userUuid, new Map());
    return this.grants.get(userUuid)!;
  }
}

function found<T>(x: T | undefined, kind: string, uuid: string): T {
  if (x === undefined) throw new ApiFailure(404, `${kind} ${uuid} not found`);
  return x;
}

function current(p: StoredPolicy): StoredPolicyVersion {
  return p.versions[p.versions.length - 1];
}

function checkApiUrl(v: unknown): void {
  if (typeof v !== "string" || !/^https?:\/\/[^\s/]+/.test(v))
    throw new ApiFailure(400, `apiUrl ${JSON.stringify(v)} is not a URL`);
}

/** The fake accepts only YAML that parses to a KacPolicy-looking map; QueryPie's own checks are unknown. */
function checkPolicyYaml(content: string): void {
  let doc: unknown;
  try {
    doc = parseYaml(content);
  } catch (e) {
    throw new ApiFailure(400, `policy content is not YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const d = doc as { kind?: unknown; spec?: unknown } | null;
  if (!d || typeof d !== "object" || d.kind !== "KacPolicy" || typeof d.spec !== "object") {
    throw new ApiFailure(400, "policy content must be a KacPolicy document (kind: KacPolicy, spec: ...)");
  }
}

/** `cluster:<glob>` entries of `spec.allow.resources` as anchored regexes (deny rules are ignored). */
export function clusterPatterns(content: string): RegExp[] {
  let doc: { spec?: { allow?: { resources?: unknown } } } | null;
  try {
    doc = parseYaml(content) as typeof doc;
  } catch {
    return [];
  }
  const resources = doc?.spec?.allow?.resources;
  if (!Array.isArray(resources)) return [];
  return resources
    .filter((r): r is string => typeof r === "string" && r.startsWith("cluster:"))
    .map((r) => r.slice("cluster:".length))
    .map((glob) => new RegExp(`^${glob.replace(/[.+^${}()|[\]\\?]/g, "\\$&").replace(/\*/g, ".*")}$`));
}

function clusterSummary(c: StoredCluster) {
  return {
    uuid: c.uuid,
    name: c.name,
    apiUrl: c.apiUrl,
    podSessionRecording: c.podSessionRecording,
    requestAudit: c.requestAudit,
    tags: c.tags,
    version: c.version,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
  };
}

function clusterDetail(c: StoredCluster) {
  const user = (u: StoredUser) => ({ uuid: u.uuid, name: u.name });
  return {
    ...clusterSummary(c),
    requestAuditTypes: c.requestAuditTypes,
    requestAuditTypesSelectedAll: AUDIT_TYPES.every((t) => c.requestAuditTypes.includes(t)),
    createdBy: user(c.createdBy),
    updatedBy: user(c.updatedBy),
  };
}

function accessibleCluster(c: StoredCluster) {
  return { clusterUuid: c.uuid, clusterName: c.name, apiUrl: c.apiUrl, tags: c.tags, version: c.version };
}

function roleSummary(r: StoredRole) {
  return {
    uuid: r.uuid,
    name: r.name,
    description: r.description,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

function policySummary(p: StoredPolicy) {
  return {
    uuid: p.uuid,
    name: p.name,
    description: p.description,
    version: current(p).version,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}

function pickGrant(g: StoredGrant) {
  return { grantedAt: g.grantedAt, expirationDate: g.expirationDate, grantedBy: g.grantedBy };
}
