/**
 * QueryPieClient: the one way the lab talks to the QueryPie External API v2 (KAC and user lookup).
 *
 * - Auth: `Authorization: Bearer <token>`; on a 401 it tries the bare token once and remembers
 *   whichever scheme QueryPie accepted.
 * - Every request has its own timeout (AbortController). 5xx, 429, timeouts and connection errors
 *   are retried with exponential backoff and jitter, a bounded number of times; other 4xx never.
 * - After a try that failed without a clear answer (timeout, lost connection, 5xx), QueryPie may
 *   have applied it: a create's retry first looks its name up, a delete's retry takes 404 as done.
 * - Lists are paged (0-based `pageNumber`, explicit `pageSize`) and followed to the last page.
 * - Failures are `QueryPieError`s (errors.ts); the token never appears in them.
 *
 * Pulumi serialises dynamic providers by closure, so this file imports only types (which vanish)
 * and `./errors` (which imports nothing), and uses Node globals only (fetch, AbortController,
 * setTimeout). No module-level state, no proxies.
 *
 * Request and answer types come from `generated/querypie-api.ts` (`npm run gen:api`), keyed by the
 * vendor's operationIds; `QUERYPIE_OPERATIONS` maps each client call to its method and path.
 */
import type { operations } from "./generated/querypie-api";
import { QueryPieError, redact, type QueryPieErrorKind } from "./errors";

/** Where QueryPie is and the API token (a secret: never log it). */
export interface QueryPieConnection {
  /** Base URL of the QueryPie web port, e.g. `http://127.0.0.1:8000`. */
  baseUrl: string;
  /** API token (`ap` + UUID), from Administrator > General > System > API Token. */
  token: string;
}

export const QUERYPIE_API_BASE = "/api/external/v2";

/** Every operation the client sends: vendor operationId -> method and path template. */
export const QUERYPIE_OPERATIONS = {
  "list-kube-clusters": { method: "GET", path: "/api/external/v2/kac/clusters" },
  "create-kube-cluster": { method: "POST", path: "/api/external/v2/kac/clusters" },
  "get-kube-cluster": { method: "GET", path: "/api/external/v2/kac/clusters/{clusterUuid}" },
  "update-kube-cluster": { method: "PUT", path: "/api/external/v2/kac/clusters/{clusterUuid}" },
  "delete-kube-cluster": { method: "DELETE", path: "/api/external/v2/kac/clusters/{clusterUuid}" },
  "list-kac-roles": { method: "GET", path: "/api/external/v2/kac/roles" },
  "create-kac-role": { method: "POST", path: "/api/external/v2/kac/roles" },
  "delete-kac-roles": { method: "DELETE", path: "/api/external/v2/kac/roles" },
  "get-kac-role": { method: "GET", path: "/api/external/v2/kac/roles/{roleUuid}" },
  "update-kac-role": { method: "PUT", path: "/api/external/v2/kac/roles/{roleUuid}" },
  "list-kac-role-policies": { method: "GET", path: "/api/external/v2/kac/roles/{roleUuid}/policies" },
  "assign-kac-role-policies": { method: "POST", path: "/api/external/v2/kac/roles/{roleUuid}/policies" },
  "unassign-kac-role-policies": { method: "DELETE", path: "/api/external/v2/kac/roles/{roleUuid}/policies" },
  "list-kac-policies": { method: "GET", path: "/api/external/v2/kac/policies" },
  "create-kac-policy": { method: "POST", path: "/api/external/v2/kac/policies" },
  "delete-kac-policies": { method: "DELETE", path: "/api/external/v2/kac/policies" },
  "get-kac-policy": { method: "GET", path: "/api/external/v2/kac/policies/{policyUuid}" },
  "update-kac-policy": { method: "PUT", path: "/api/external/v2/kac/policies/{policyUuid}" },
  "update-kac-policy-content": { method: "PUT", path: "/api/external/v2/kac/policies/{policyUuid}/content" },
  "list-kac-policy-versions": { method: "GET", path: "/api/external/v2/kac/policies/{policyUuid}/versions" },
  "list-kac-policy-roles": { method: "GET", path: "/api/external/v2/kac/policies/{policyUuid}/roles" },
  "identify-user": { method: "GET", path: "/api/external/v2/users/identify" },
  "grant-kac-roles": { method: "POST", path: "/api/external/v2/kac/access-controls/users/{userUuid}/roles" },
  "revoke-kac-roles": {
    method: "DELETE",
    path: "/api/external/v2/kac/access-controls/users/{userUuid}/roles",
  },
  "get-user-kac-roles": {
    method: "GET",
    path: "/api/external/v2/kac/access-controls/users/{userUuid}/roles",
  },
  "list-user-accessible-clusters": {
    method: "GET",
    path: "/api/external/v2/kac/access-controls/users/{userUuid}/accessible-clusters",
  },
} as const satisfies Partial<Record<keyof operations, { method: string; path: string }>>;

export type ClientOperationId = keyof typeof QUERYPIE_OPERATIONS;

// ---- Types, all derived from the generated vendor types. ----

type JsonOf<T> = T extends { content: { "application/json": infer B } } ? B : never;
/** The JSON request body of an operation. */
export type RequestBody<K extends keyof operations> = operations[K] extends { requestBody: infer R }
  ? JsonOf<R>
  : never;
/** The JSON answer of an operation for one status. */
export type ResponseBody<K extends keyof operations, S extends number> = operations[K]["responses"] extends {
  [P in S]: infer R;
}
  ? JsonOf<R>
  : never;

export type ClusterCreateRequest = RequestBody<"create-kube-cluster">;
export type ClusterUpdateRequest = RequestBody<"update-kube-cluster">;
/** One cluster as GET answers it (never the token or the CA). */
export type Cluster = ResponseBody<"get-kube-cluster", 200>;
export type ClusterSummary = ResponseBody<"list-kube-clusters", 200>["items"][number];
export type RoleCreateRequest = RequestBody<"create-kac-role">;
export type RoleUpdateRequest = RequestBody<"update-kac-role">;
export type Role = ResponseBody<"get-kac-role", 200>;
export type RoleSummary = ResponseBody<"list-kac-roles", 200>["items"][number];
export type RolePolicy = ResponseBody<"list-kac-role-policies", 200>[number];
export type PolicyCreateRequest = RequestBody<"create-kac-policy">;
export type PolicyUpdateRequest = RequestBody<"update-kac-policy">;
export type PolicyContentRequest = RequestBody<"update-kac-policy-content">;
/** One policy with its current `content` (YAML) and `version`. */
export type Policy = ResponseBody<"get-kac-policy", 200>;
export type PolicySummary = ResponseBody<"list-kac-policies", 200>["items"][number];
export type PolicyVersion = ResponseBody<"list-kac-policy-versions", 200>[number];
export type PolicyRole = ResponseBody<"list-kac-policy-roles", 200>[number];
export type IdentifyUserResult = ResponseBody<"identify-user", 200>;
export type QueryPieUser = IdentifyUserResult["users"][number];
export type GrantResult = ResponseBody<"grant-kac-roles", 201>;
export type UserRole = ResponseBody<"get-user-kac-roles", 200>[number];
export type AccessibleCluster = ResponseBody<"list-user-accessible-clusters", 200>["items"][number];

/** Retry policy for 5xx, 429, timeouts and connection errors. */
export interface RetryOptions {
  /** Total tries per request, first one included. Default 3. */
  attempts?: number;
  /** Backoff before the 2nd try; doubles each time. Default 500 ms. */
  baseDelayMs?: number;
  /** Upper bound of one backoff (also caps `Retry-After`). Default 5000 ms. */
  maxDelayMs?: number;
}

/** What the client reports while it works (never the token). */
export type QueryPieClientEvent =
  | { type: "retry"; method: string; path: string; attempt: number; delayMs: number; reason: string }
  | { type: "auth-scheme"; scheme: AuthScheme }
  | { type: "recovered"; method: string; path: string; detail: string };

export type AuthScheme = "bearer" | "bare";

export interface QueryPieClientOptions extends QueryPieConnection {
  /** Per-request timeout (each try), covering headers and body. Default 15000 ms. */
  timeoutMs?: number;
  /** Retry policy; see `RetryOptions` for defaults. */
  retry?: RetryOptions;
  /** `pageSize` sent with every list request (QueryPie declares no default). Default 100. */
  pageSize?: number;
  /** Safety stop for paging. Default 1000 pages. */
  maxPages?: number;
  /** Scheme tried first. Default "bearer"; the other is tried once on a 401. */
  authScheme?: AuthScheme;
  /** Progress callback (retries, the auth scheme that worked). Default: none. */
  onEvent?: (event: QueryPieClientEvent) => void;
  /** For tests: wait function. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** For tests: random in [0, 1) for jitter. Default Math.random. */
  random?: () => number;
  /** For tests: the fetch implementation. Default the global fetch. */
  fetch?: typeof fetch;
}

export interface DeleteOptions {
  /** Treat "does not exist" (404) as done. Default false. */
  missingOk?: boolean;
}

type Method = "GET" | "POST" | "PUT" | "DELETE";
interface CallArgs {
  params?: Record<string, string>;
  query?: Record<string, string | number>;
  body?: unknown;
  /** For creates: finds the object an earlier, unanswered try may have made (returns `{uuid}`). */
  recover?: () => Promise<unknown>;
  /** Overrides the retry budget (the recovery lookups try once). */
  attempts?: number;
}
interface Answer {
  status: number;
  text: string;
  retryAfter: string | null;
}

export class QueryPieClient {
  private readonly baseUrl: string;
  /** The token lives only inside these two closures, so it is no property of the client. */
  private readonly authorization: (scheme: AuthScheme) => string;
  private readonly scrub: (text: string) => string;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly pageSize: number;
  private readonly maxPages: number;
  private readonly onEvent: (event: QueryPieClientEvent) => void;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;
  private scheme: AuthScheme;
  private schemeConfirmed = false;

  constructor(options: QueryPieClientOptions) {
    if (!/^https?:\/\/[^/]+/.test(options.baseUrl)) {
      throw new Error(
        `QueryPieClient: baseUrl "${options.baseUrl}" is not an http(s) URL; pass the QueryPie web address, e.g. http://127.0.0.1:8000`,
      );
    }
    if (!options.token) {
      throw new Error(
        "QueryPieClient: the API token is empty; create one in QueryPie (Administrator > General > System > API Token) and set it with `pulumi config set --secret querypieApiToken <token>`",
      );
    }
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    const token = options.token;
    this.authorization = (scheme) => (scheme === "bearer" ? `Bearer ${token}` : token);
    this.scrub = (text) => redact(text, token);
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.attempts = Math.max(1, options.retry?.attempts ?? 3);
    this.baseDelayMs = options.retry?.baseDelayMs ?? 500;
    this.maxDelayMs = options.retry?.maxDelayMs ?? 5_000;
    this.pageSize = options.pageSize ?? 100;
    this.maxPages = options.maxPages ?? 1_000;
    this.scheme = options.authScheme ?? "bearer";
    this.onEvent = options.onEvent ?? (() => undefined);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The scheme in use: "bearer" until QueryPie has accepted only the bare token. */
  get authScheme(): AuthScheme {
    return this.scheme;
  }

  /** `JSON.stringify(client)` shows where, never the token. */
  toJSON(): Record<string, unknown> {
    return { baseUrl: this.baseUrl, authScheme: this.scheme };
  }

  // ---- Clusters ----

  /** All KAC clusters (every page). */
  listClusters(): Promise<ClusterSummary[]> {
    return this.listAll("list-kube-clusters", {}) as Promise<ClusterSummary[]>;
  }
  /** One cluster; a 404 throws (`isNotFound(e)`). */
  async getCluster(clusterUuid: string): Promise<Cluster> {
    const body = await this.call("get-kube-cluster", { params: { clusterUuid } });
    return this.expectObject("get-kube-cluster", body, ["uuid", "name"]) as Cluster;
  }
  /** The cluster with exactly this name, or undefined; throws if several share it. */
  async findClusterByName(name: string): Promise<ClusterSummary | undefined> {
    return this.pickByName("list-kube-clusters", await this.listClusters(), name, "clusters");
  }
  /**
   * Registers a cluster; returns its UUID (QueryPie answers 200 `{uuid}`). If a try fails without
   * a clear answer (timeout, lost connection, 5xx), the retry first looks the name up, so a cluster
   * the lost try created is returned instead of made twice.
   */
  async createCluster(request: ClusterCreateRequest): Promise<string> {
    const recover = () => this.lookupUuid("list-kube-clusters", request.name);
    return this.expectUuid(
      "create-kube-cluster",
      await this.call("create-kube-cluster", { body: request, recover }),
    );
  }
  /** Replaces a cluster's settings; omit `serviceAccountToken`/`certificateAuthority` to keep them. */
  async updateCluster(clusterUuid: string, request: ClusterUpdateRequest): Promise<void> {
    await this.call("update-kube-cluster", { params: { clusterUuid }, body: request });
  }
  async deleteCluster(clusterUuid: string, options: DeleteOptions = {}): Promise<void> {
    await this.ignoreMissing(options, () => this.call("delete-kube-cluster", { params: { clusterUuid } }));
  }

  // ---- Roles ----

  listRoles(): Promise<RoleSummary[]> {
    return this.listAll("list-kac-roles", {}) as Promise<RoleSummary[]>;
  }
  async getRole(roleUuid: string): Promise<Role> {
    const body = await this.call("get-kac-role", { params: { roleUuid } });
    return this.expectObject("get-kac-role", body, ["uuid", "name"]) as Role;
  }
  async findRoleByName(name: string): Promise<RoleSummary | undefined> {
    return this.pickByName("list-kac-roles", await this.listRoles(), name, "roles");
  }
  /** Creates a role (201 `{uuid}`); returns its UUID. Retries look the name up first, as for clusters. */
  async createRole(request: RoleCreateRequest): Promise<string> {
    const recover = () => this.lookupUuid("list-kac-roles", request.name);
    return this.expectUuid("create-kac-role", await this.call("create-kac-role", { body: request, recover }));
  }
  async updateRole(roleUuid: string, request: RoleUpdateRequest): Promise<void> {
    await this.call("update-kac-role", { params: { roleUuid }, body: request });
  }
  /** Deletes roles (`DELETE /kac/roles` with body `{roleUuids}`). */
  async deleteRoles(roleUuids: string[], options: DeleteOptions = {}): Promise<void> {
    if (roleUuids.length === 0) return;
    await this.ignoreMissing(options, () => this.call("delete-kac-roles", { body: { roleUuids } }));
  }
  /** The policies assigned to a role (a bare array, not paged). */
  async listRolePolicies(roleUuid: string): Promise<RolePolicy[]> {
    const body = await this.call("list-kac-role-policies", { params: { roleUuid } });
    return this.expectArray("list-kac-role-policies", body) as RolePolicy[];
  }
  async addRolePolicies(roleUuid: string, policyUuids: string[]): Promise<void> {
    if (policyUuids.length === 0) return;
    await this.call("assign-kac-role-policies", { params: { roleUuid }, body: { policyUuids } });
  }
  async removeRolePolicies(
    roleUuid: string,
    policyUuids: string[],
    options: DeleteOptions = {},
  ): Promise<void> {
    if (policyUuids.length === 0) return;
    await this.ignoreMissing(options, () =>
      this.call("unassign-kac-role-policies", { params: { roleUuid }, body: { policyUuids } }),
    );
  }

  // ---- Policies ----

  listPolicies(): Promise<PolicySummary[]> {
    return this.listAll("list-kac-policies", {}) as Promise<PolicySummary[]>;
  }
  /** One policy with its current content (YAML). */
  async getPolicy(policyUuid: string): Promise<Policy> {
    const body = await this.call("get-kac-policy", { params: { policyUuid } });
    return this.expectObject("get-kac-policy", body, ["uuid", "name", "content"]) as Policy;
  }
  async findPolicyByName(name: string): Promise<PolicySummary | undefined> {
    return this.pickByName("list-kac-policies", await this.listPolicies(), name, "policies");
  }
  /**
   * Creates an empty policy (201 `{uuid}`); set its document with `setPolicyContent`. Retries look
   * the name up first, as for clusters.
   */
  async createPolicy(request: PolicyCreateRequest): Promise<string> {
    const recover = () => this.lookupUuid("list-kac-policies", request.name);
    return this.expectUuid(
      "create-kac-policy",
      await this.call("create-kac-policy", { body: request, recover }),
    );
  }
  /** Changes name and description only (204). */
  async updatePolicy(policyUuid: string, request: PolicyUpdateRequest): Promise<void> {
    await this.call("update-kac-policy", { params: { policyUuid }, body: request });
  }
  /** Replaces the policy document; QueryPie keeps each call as a new version (204). */
  async setPolicyContent(policyUuid: string, request: PolicyContentRequest): Promise<void> {
    await this.call("update-kac-policy-content", { params: { policyUuid }, body: request });
  }
  /** Deletes policies (`DELETE /kac/policies` with body `{policyUuids}`). */
  async deletePolicies(policyUuids: string[], options: DeleteOptions = {}): Promise<void> {
    if (policyUuids.length === 0) return;
    await this.ignoreMissing(options, () => this.call("delete-kac-policies", { body: { policyUuids } }));
  }
  /** Version history (a bare array). */
  async listPolicyVersions(policyUuid: string): Promise<PolicyVersion[]> {
    const body = await this.call("list-kac-policy-versions", { params: { policyUuid } });
    return this.expectArray("list-kac-policy-versions", body) as PolicyVersion[];
  }
  /** Roles this policy is assigned to (a bare array). */
  async listPolicyRoles(policyUuid: string): Promise<PolicyRole[]> {
    const body = await this.call("list-kac-policy-roles", { params: { policyUuid } });
    return this.expectArray("list-kac-policy-roles", body) as PolicyRole[];
  }

  // ---- Users ----

  /** QueryPie's own answer to `GET /users/identify?loginId=` (status FOUND, NOT_FOUND or DUPLICATES_FOUND). */
  async identifyUser(loginId: string): Promise<IdentifyUserResult> {
    const body = await this.call("identify-user", { query: { loginId } });
    const answer = this.expectObject("identify-user", body, ["status", "users"]) as IdentifyUserResult;
    if (!Array.isArray(answer.users)) throw this.invalid("identify-user", 200, "`users` is not an array");
    return answer;
  }
  /** The active user with exactly this loginId, or undefined. */
  async findUserByLoginId(loginId: string): Promise<QueryPieUser | undefined> {
    const answer = await this.identifyUser(loginId);
    if (answer.status === "NOT_FOUND") return undefined;
    return this.pickBy(
      "identify-user",
      answer.users,
      (u) => u.loginId === loginId,
      `users with loginId "${loginId}"`,
    );
  }

  // ---- Grants (access control) ----

  /** Grants roles to a user until `expirationDate` (ISO-8601; QueryPie caps it at one year). */
  async grantRoles(
    userUuid: string,
    roleUuids: string[],
    expirationDate?: string | Date,
  ): Promise<GrantResult> {
    const body: RequestBody<"grant-kac-roles"> = { roleUuids };
    if (expirationDate !== undefined) {
      body.expirationDate =
        typeof expirationDate === "string" ? expirationDate : expirationDate.toISOString();
    }
    const answer = await this.call("grant-kac-roles", { params: { userUuid }, body });
    return this.expectObject("grant-kac-roles", answer, ["grantedRoleCount"]) as GrantResult;
  }
  async revokeRoles(userUuid: string, roleUuids: string[], options: DeleteOptions = {}): Promise<void> {
    if (roleUuids.length === 0) return;
    await this.ignoreMissing(options, () =>
      this.call("revoke-kac-roles", { params: { userUuid }, body: { roleUuids } }),
    );
  }
  /** The roles granted to a user, with expiry (a bare array). */
  async listUserRoles(userUuid: string): Promise<UserRole[]> {
    const body = await this.call("get-user-kac-roles", { params: { userUuid } });
    return this.expectArray("get-user-kac-roles", body) as UserRole[];
  }
  /** The clusters a user can reach through the granted roles (every page). */
  listAccessibleClusters(userUuid: string): Promise<AccessibleCluster[]> {
    return this.listAll("list-user-accessible-clusters", { params: { userUuid } }) as Promise<
      AccessibleCluster[]
    >;
  }

  // ---- Machinery ----

  /** Every item of a paged list: pages 0, 1, ... until `paging.totalPages` is reached. */
  private async listAll(op: ClientOperationId, args: CallArgs): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let page = 0; page < this.maxPages; page++) {
      const body = await this.call(op, {
        ...args,
        query: { ...args.query, pageNumber: page, pageSize: this.pageSize },
      });
      const answer = this.expectObject(op, body, ["items", "paging"]) as { items: unknown; paging: unknown };
      const paging = answer.paging as { totalPages?: unknown } | null;
      if (!Array.isArray(answer.items) || !paging || typeof paging.totalPages !== "number") {
        throw this.invalid(op, 200, "expected {items: [...], paging: {totalPages}}");
      }
      items.push(...answer.items);
      if (answer.items.length === 0 || page + 1 >= paging.totalPages) return items;
    }
    throw this.invalid(op, 200, `more than ${this.maxPages} pages of ${this.pageSize}; raise maxPages`);
  }

  /** `{uuid}` of the one object with this name, listing with a single try per page (recovery only). */
  private async lookupUuid(op: ClientOperationId, name: string): Promise<{ uuid: string } | undefined> {
    const list = (await this.listAll(op, { attempts: 1 })) as { uuid: string; name: string }[];
    const found = this.pickByName(op, list, name, "objects");
    return found && { uuid: found.uuid };
  }

  private pickByName<T extends { name: string }>(
    op: ClientOperationId,
    list: T[],
    name: string,
    what: string,
  ): T | undefined {
    return this.pickBy(op, list, (x) => x.name === name, `${what} named "${name}"`);
  }

  private pickBy<T>(op: ClientOperationId, list: T[], match: (x: T) => boolean, what: string): T | undefined {
    const found = list.filter(match);
    if (found.length <= 1) return found[0];
    const ids = found.map((x) => (x as { uuid?: string }).uuid ?? "?").join(", ");
    const { method, path } = QUERYPIE_OPERATIONS[op];
    throw new QueryPieError({
      kind: "ambiguous",
      method,
      path,
      attempts: 1,
      detail: `${found.length} ${what}: ${ids}`,
    });
  }

  private async ignoreMissing(options: DeleteOptions, run: () => Promise<unknown>): Promise<void> {
    try {
      await run();
    } catch (e) {
      const x = e as { name?: string; status?: number; kind?: string };
      if (options.missingOk && x.name === "QueryPieError" && x.kind === "http" && x.status === 404) return;
      throw e;
    }
  }

  private expectObject(op: ClientOperationId, body: unknown, keys: string[]): Record<string, unknown> {
    if (!body || typeof body !== "object" || Array.isArray(body))
      throw this.invalid(op, undefined, "expected a JSON object");
    const missing = keys.filter((k) => !(k in body));
    if (missing.length > 0) throw this.invalid(op, undefined, `missing ${missing.join(", ")}`);
    return body as Record<string, unknown>;
  }

  private expectArray(op: ClientOperationId, body: unknown): unknown[] {
    if (!Array.isArray(body)) throw this.invalid(op, undefined, "expected a JSON array");
    return body;
  }

  private expectUuid(op: ClientOperationId, body: unknown): string {
    const uuid = this.expectObject(op, body, ["uuid"]).uuid;
    if (typeof uuid !== "string" || uuid === "")
      throw this.invalid(op, undefined, "`uuid` is not a non-empty string");
    return uuid;
  }

  private invalid(op: ClientOperationId, status: number | undefined, detail: string): QueryPieError {
    const { method, path } = QUERYPIE_OPERATIONS[op];
    return new QueryPieError({ kind: "invalid-response", method, path, status, attempts: 1, detail });
  }

  /** One API call with auth fallback, timeout and retries; returns the parsed JSON (undefined when empty). */
  private async call(op: ClientOperationId, args: CallArgs): Promise<unknown> {
    const { method, path: template } = QUERYPIE_OPERATIONS[op];
    const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = args.params?.[name];
      if (value === undefined || value === "")
        throw new Error(`QueryPieClient: ${op} needs the path parameter ${name}`);
      return encodeURIComponent(value);
    });
    const query = Object.entries(args.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join("&");
    const url = `${this.baseUrl}${path}${query ? `?${query}` : ""}`;
    const answer = await this.send(method, path, url, args);
    if (answer.status >= 200 && answer.status < 300) {
      if (answer.text.trim() === "") return undefined;
      try {
        return JSON.parse(answer.text);
      } catch {
        throw new QueryPieError({
          kind: "invalid-response",
          method,
          path,
          status: answer.status,
          attempts: 1,
          detail: "the body is not JSON",
        });
      }
    }
    return undefined;
  }

  /** Sends until a usable answer, a final error, or the attempts run out. */
  private async send(method: Method, path: string, url: string, args: CallArgs): Promise<Answer> {
    let triedOtherScheme = false;
    // True once a try failed in a way that leaves open whether QueryPie applied it (timeout, lost
    // connection, 5xx): then a create first looks for its object, and a delete's 404 means done.
    let maybeApplied = false;
    const attempts = args.attempts ?? this.attempts;
    for (let attempt = 1; ; attempt++) {
      if (maybeApplied && args.recover) {
        const recovered = await this.tryRecover(method, path, args.recover);
        if (recovered) return recovered;
      }
      let answer: Answer;
      try {
        answer = await this.once(method, url, args.body);
      } catch (e) {
        const failure = this.describeThrown(e);
        maybeApplied ||= failure.maybeApplied;
        if (attempt < attempts) {
          await this.backoff(method, path, attempt, failure.reason, null);
          continue;
        }
        throw new QueryPieError({
          kind: failure.kind,
          method,
          path,
          attempts: attempt,
          detail: failure.reason,
          baseUrl: this.baseUrl,
        });
      }
      if (answer.status === 401 && !this.schemeConfirmed && !triedOtherScheme) {
        // The docs show the bare token, the header scheme says Bearer: try the other one once.
        triedOtherScheme = true;
        this.scheme = this.scheme === "bearer" ? "bare" : "bearer";
        attempt--;
        continue;
      }
      if (answer.status !== 401 && !this.schemeConfirmed) {
        this.schemeConfirmed = true;
        if (triedOtherScheme) this.onEvent({ type: "auth-scheme", scheme: this.scheme });
      }
      if (answer.status >= 200 && answer.status < 300) return answer;
      if (answer.status === 404 && method === "DELETE" && maybeApplied) {
        this.onEvent({ type: "recovered", method, path, detail: "an earlier try had already deleted it" });
        return { status: 204, text: "", retryAfter: null };
      }
      const retryable = answer.status === 429 || answer.status >= 500;
      maybeApplied ||= answer.status >= 500;
      if (retryable && attempt < attempts) {
        await this.backoff(method, path, attempt, `HTTP ${answer.status}`, answer.retryAfter);
        continue;
      }
      let detail: string | undefined;
      if (answer.status === 401) {
        detail = triedOtherScheme
          ? 'sent as "Bearer <token>" and as the bare token'
          : `sent as the ${this.scheme} token`;
        if (triedOtherScheme) this.scheme = this.scheme === "bearer" ? "bare" : "bearer";
      }
      throw this.httpError(method, path, answer, attempt, detail);
    }
  }

  /** After an unclear failure of a create: the object, if the earlier try made it after all. */
  private async tryRecover(
    method: string,
    path: string,
    recover: () => Promise<unknown>,
  ): Promise<Answer | undefined> {
    try {
      const found = await recover();
      if (found === undefined) return undefined;
      this.onEvent({ type: "recovered", method, path, detail: "an earlier try had already created it" });
      return { status: 200, text: JSON.stringify(found), retryAfter: null };
    } catch {
      return undefined; // could not look: send again
    }
  }

  /** One HTTP exchange under its own timeout (headers and body). */
  private async once(method: Method, url: string, body: unknown): Promise<Answer> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: this.authorization(this.scheme),
    };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      const res = await this.fetchImpl(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: controller.signal,
      });
      const text = await res.text();
      return { status: res.status, text, retryAfter: res.headers.get("retry-after") };
    } catch (e) {
      if (controller.signal.aborted) throw new TimeoutMarker(this.timeoutMs);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  private describeThrown(e: unknown): { kind: QueryPieErrorKind; reason: string; maybeApplied: boolean } {
    if (e instanceof TimeoutMarker) {
      return { kind: "timeout", reason: `no answer within ${e.ms} ms`, maybeApplied: true };
    }
    const err = e as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
    const code = typeof err?.cause?.code === "string" ? err.cause.code : undefined;
    const text = typeof err?.cause?.message === "string" ? err.cause.message : String(err?.message ?? e);
    // These fail before the request leaves: QueryPie cannot have applied it.
    const neverSent = code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
    return {
      kind: "network",
      reason: this.scrub(code ? `${code}: ${text}` : text),
      maybeApplied: !neverSent,
    };
  }

  private async backoff(
    method: string,
    path: string,
    attempt: number,
    reason: string,
    retryAfter: string | null,
  ) {
    const exp = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (attempt - 1));
    let delayMs = Math.round(exp / 2 + (this.random() * exp) / 2);
    const seconds = retryAfter !== null && /^\d+$/.test(retryAfter.trim()) ? Number(retryAfter) : undefined;
    if (seconds !== undefined) delayMs = Math.min(this.maxDelayMs, Math.max(delayMs, seconds * 1000));
    this.onEvent({ type: "retry", method, path, attempt, delayMs, reason });
    await this.sleep(delayMs);
  }

  private httpError(
    method: string,
    path: string,
    answer: Answer,
    attempts: number,
    detail?: string,
  ): QueryPieError {
    let code: string | undefined;
    let serverMessage: string | undefined;
    try {
      const parsed = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
      if (typeof parsed?.error?.code === "string") code = this.scrub(parsed.error.code);
      if (typeof parsed?.error?.message === "string") serverMessage = this.scrub(parsed.error.message);
    } catch {
      const text = answer.text.trim();
      if (text) serverMessage = this.scrub(text.length > 200 ? `${text.slice(0, 200)}...` : text);
    }
    return new QueryPieError({
      kind: "http",
      method,
      path,
      status: answer.status,
      code,
      serverMessage,
      attempts,
      detail,
    });
  }
}

/** Thrown inside `once` when the per-request timer fired; never escapes the client. */
class TimeoutMarker extends Error {
  constructor(readonly ms: number) {
    super(`timeout after ${ms} ms`);
  }
}
