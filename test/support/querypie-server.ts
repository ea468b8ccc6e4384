/**
 * An in-memory QueryPie for tests: node:http on 127.0.0.1 (a free port), answering the KAC and
 * user-identify parts of the External API v2 from `QueryPieStore`, plus `/readyz`, `/version`,
 * the tools `/health` and `/api/docs/specification/external-v2`.
 *
 * It CHECKS EVERY REQUEST against the vendor OpenAPI file (method and path exist, path and query
 * parameters, Content-Type, required body fields and types, unknown body fields, the auth header).
 * A mismatch is answered 400 and recorded in `violations`; call `expectNoViolations()` (e.g. in
 * `afterEach`) so the test fails. Its own answers are checked against the vendor response schemas
 * too, so the fake stays honest.
 *
 * Failure injection (`inject`), request counts (`counts`), a request log (`requests`), and auth
 * modes (`acceptAuth`) let client tests cover retries, timeouts, dropped connections and the
 * Bearer -> bare token fallback.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import type { QueryPieConnection } from "../../components/platform/client";
import { OpenApiContract, VENDOR_SPEC_PATH, type RouteMatch } from "./openapi-contract";
import { ApiFailure, QueryPieStore, type Handler, type StoreOptions } from "./querypie-store";

export interface QueryPieTestServerOptions extends StoreOptions {
  /** The API token that is accepted. Default: `ap` + a random UUID, made at runtime. */
  token?: string;
  /**
   * Which Authorization forms are accepted: "any" (`Bearer <token>` and the bare token), "bearer",
   * or "bare" (as in QueryPie's docs; exercises the client's fallback). Default "any".
   */
  acceptAuth?: "any" | "bearer" | "bare";
  /** `/version` answers `{"version": <this>}`. Default "11.4.1". */
  version?: string;
  /** JSON text served at `/api/docs/specification/external-v2`. Default the vendor file. */
  specText?: string;
  /** Unknown request body fields are violations (stricter than the vendor file). Default true. */
  strictRequestFields?: boolean;
  /** A list request without `pageSize` is a "lab-rule" violation (QueryPie declares no default). Default true. */
  requirePageSize?: boolean;
}

export interface Violation {
  /** "request": the client departed from the vendor file; "response": the fake did; "lab-rule": a rule of ours. */
  kind: "request" | "response" | "lab-rule";
  method: string;
  path: string;
  operationId?: string;
  problems: string[];
}

/** A failure to inject. Every field narrows or shapes it; unset fields match anything. */
export interface InjectRule {
  method?: string;
  /** Concrete path (`/api/external/v2/kac/roles/abc`), vendor template (`.../roles/{roleUuid}`), or RegExp. */
  path?: string | RegExp;
  /** Answer with this status (body: `body`, or a QueryPie error body). */
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long first; without `status`/`drop` the request is then served normally. */
  delayMs?: number;
  /** Destroy the connection without an answer, before the request is served. */
  drop?: boolean;
  /** Serve the request (state changes), then destroy the connection instead of answering. */
  loseAnswer?: boolean;
  /** How many matching requests it applies to. Default 1; `Infinity` for all. */
  times?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  /** `<METHOD> <vendor template>` when the path is a vendor path, else `<METHOD> <path>`. */
  route: string;
  /** How the request authenticated. */
  auth: "bearer" | "bare" | "missing" | "wrong" | "none-needed";
  body: unknown;
  status?: number;
  injected: boolean;
}

export interface RequestCounts {
  total: number;
  /** GET requests. */
  reads: number;
  /** Everything else. */
  writes: number;
  byMethod: Record<string, number>;
  /** By `<METHOD> <vendor template>`, e.g. `POST /api/external/v2/kac/roles`. */
  byRoute: Record<string, number>;
}

const SPEC_PATH = "/api/docs/specification/external-v2";
const contracts = new Map<boolean, OpenApiContract>();

/** One compiled contract per process and strictness: compiling is the slow part. */
function contractFor(strict: boolean): OpenApiContract {
  let c = contracts.get(strict);
  if (!c) {
    c = OpenApiContract.fromVendorFile({
      strictRequestFields: strict,
      includePath: (p) => p.startsWith("/api/external/v2/kac/") || p === "/api/external/v2/users/identify",
    });
    contracts.set(strict, c);
  }
  return c;
}

export class QueryPieTestServer {
  readonly store: QueryPieStore;
  readonly token: string;
  readonly violations: Violation[] = [];
  readonly requests: RecordedRequest[] = [];
  /** `/readyz` answers 200 when true, 503 when false. */
  ready = true;
  /** The tools container's `/health` answers 200 when true, 503 when false. */
  toolsHealthy = true;
  private readonly contract: OpenApiContract;
  private readonly handlers: Record<string, Handler>;
  private readonly rules: (InjectRule & { times: number })[] = [];
  private readonly options: QueryPieTestServerOptions;
  private readonly specText: string;
  private server?: Server;
  /** Answers to throw away (loseAnswer): the request is served, the connection is cut. */
  private readonly lost = new WeakSet<ServerResponse>();
  private baseUrl = "";

  private constructor(options: QueryPieTestServerOptions) {
    this.options = options;
    this.store = new QueryPieStore(options);
    this.handlers = this.store.handlers();
    this.token = options.token ?? `ap${randomUUID()}`;
    this.contract = contractFor(options.strictRequestFields ?? true);
    this.specText = options.specText ?? readFileSync(VENDOR_SPEC_PATH, "utf8");
  }

  /** Starts a server on 127.0.0.1 and a free port. */
  static async start(options: QueryPieTestServerOptions = {}): Promise<QueryPieTestServer> {
    const s = new QueryPieTestServer(options);
    s.server = createServer((req, res) => {
      s.serve(req, res).catch((e: unknown) => {
        s.violations.push({
          kind: "response",
          method: req.method ?? "?",
          path: req.url ?? "?",
          problems: [`test server crashed: ${String(e)}`],
        });
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
    await new Promise<void>((resolve) => s.server!.listen(0, "127.0.0.1", resolve));
    s.baseUrl = `http://127.0.0.1:${(s.server.address() as AddressInfo).port}`;
    return s;
  }

  /** `http://127.0.0.1:<port>` */
  get url(): string {
    return this.baseUrl;
  }

  /** What a QueryPieClient needs to talk to this server. */
  connection(): QueryPieConnection {
    return { baseUrl: this.baseUrl, token: this.token };
  }

  /** The seeded `qp-admin` user. */
  get admin() {
    return this.store.admin;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Adds a failure rule; rules apply in the order added. */
  inject(rule: InjectRule): void {
    this.rules.push({ ...rule, times: rule.times ?? 1 });
  }

  clearInjections(): void {
    this.rules.length = 0;
  }

  /** Throws, listing every recorded violation, if there is any. */
  expectNoViolations(): void {
    if (this.violations.length === 0) return;
    const lines = this.violations.map(
      (v) =>
        `- [${v.kind}] ${v.method} ${v.path}${v.operationId ? ` (${v.operationId})` : ""}: ${v.problems.join("; ")}`,
    );
    throw new Error(
      `QueryPie test server recorded ${this.violations.length} violation(s) of the vendor contract:\n${lines.join("\n")}`,
    );
  }

  /** Returns the violations recorded so far and forgets them (for tests that provoke them). */
  takeViolations(): Violation[] {
    return this.violations.splice(0, this.violations.length);
  }

  counts(): RequestCounts {
    const c: RequestCounts = { total: 0, reads: 0, writes: 0, byMethod: {}, byRoute: {} };
    for (const r of this.requests) {
      c.total++;
      if (r.method === "GET") c.reads++;
      else c.writes++;
      c.byMethod[r.method] = (c.byMethod[r.method] ?? 0) + 1;
      c.byRoute[r.route] = (c.byRoute[r.route] ?? 0) + 1;
    }
    return c;
  }

  /** Requests to one route, e.g. `count("GET", "/api/external/v2/kac/roles/{roleUuid}")`. */
  count(method: string, template: string): number {
    return this.requests.filter((r) => r.route === `${method} ${template}`).length;
  }

  resetCounts(): void {
    this.requests.length = 0;
  }

  // ---- Serving ----

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    const lookup = url.pathname.startsWith("/api/external/")
      ? this.contract.lookup(method, url.pathname)
      : undefined;
    const match = lookup?.ok ? lookup.match : undefined;
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.search,
      route: `${method} ${match ? match.operation.template : url.pathname}`,
      auth: lookup ? this.authOf(req.headers.authorization) : "none-needed",
      body: parseJson(body),
      injected: false,
    };
    this.requests.push(record);

    if (!lookup) return this.serveOther(req, res, method, url.pathname, record);

    // 1. The contract: record every departure from the vendor file.
    const problems: string[] = [];
    if (!lookup.ok) {
      problems.push(
        lookup.reason === "no-path"
          ? "no such path in the vendor file"
          : `method not declared for this path (declared: ${lookup.allowed.join(", ")})`,
      );
    } else {
      problems.push(
        ...this.contract.checkRequest(lookup.match, {
          method,
          path: url.pathname,
          query: url.searchParams,
          contentType: req.headers["content-type"],
          body,
        }),
      );
    }
    if (record.auth === "missing") problems.push("the Authorization header is missing");
    if (problems.length > 0) {
      this.violations.push({
        kind: "request",
        method,
        path: url.pathname,
        operationId: match?.operation.operationId,
        problems,
      });
    }
    if (
      match &&
      (this.options.requirePageSize ?? true) &&
      hasParam(match, "pageSize") &&
      !url.searchParams.has("pageSize")
    ) {
      this.violations.push({
        kind: "lab-rule",
        method,
        path: url.pathname,
        operationId: match.operation.operationId,
        problems: ["list request without pageSize (QueryPie declares no default page size)"],
      });
    }

    // 2. Injected failures.
    if (await this.applyInjection(req, res, method, url.pathname, match, record)) return;

    // 3. Auth, then the contract verdict, then the handler.
    if (record.auth === "missing" || record.auth === "wrong") {
      return this.answer(
        res,
        record,
        401,
        errorBody(401, "Invalid or missing API token", method, url.pathname),
      );
    }
    if (problems.length > 0 || !match) {
      return this.answer(res, record, 400, errorBody(400, problems.join("; "), method, url.pathname));
    }
    const handler = this.handlers[match.operation.operationId];
    let status: number;
    let payload: unknown;
    try {
      if (!handler) throw new Error(`no handler for ${match.operation.operationId}`);
      ({ status, body: payload } = handler({
        params: match.params,
        query: url.searchParams,
        body: parseJson(body),
        caller: this.store.admin,
      }));
    } catch (e) {
      if (!(e instanceof ApiFailure)) throw e;
      status = e.status;
      payload = errorBody(e.status, e.message, method, url.pathname, e.code);
    }
    const text = payload === undefined ? "" : JSON.stringify(payload);
    const responseProblems = this.contract.checkResponse(match.operation, status, text);
    if (responseProblems.length > 0) {
      this.violations.push({
        kind: "response",
        method,
        path: url.pathname,
        operationId: match.operation.operationId,
        problems: responseProblems,
      });
    }
    this.answer(res, record, status, text);
  }

  /** Readiness, version, tools health and the served spec: no auth. */
  private async serveOther(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    record: RecordedRequest,
  ) {
    if (await this.applyInjection(req, res, method, path, undefined, record)) return;
    if (method === "GET" && path === "/readyz")
      return this.answer(res, record, this.ready ? 200 : 503, this.ready ? "OK" : "NOT READY", "text/plain");
    if (method === "GET" && path === "/version")
      return this.answer(res, record, 200, JSON.stringify({ version: this.options.version ?? "11.4.1" }));
    if (method === "GET" && path === "/health")
      return this.answer(
        res,
        record,
        this.toolsHealthy ? 200 : 503,
        JSON.stringify({ status: this.toolsHealthy ? "UP" : "DOWN" }),
      );
    if (method === "GET" && path === SPEC_PATH) return this.answer(res, record, 200, this.specText);
    this.violations.push({
      kind: "request",
      method,
      path,
      problems: ["not an API path, nor /readyz, /version, /health or the spec"],
    });
    return this.answer(res, record, 404, errorBody(404, "Not Found", method, path));
  }

  private async applyInjection(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
    match: RouteMatch | undefined,
    record: RecordedRequest,
  ): Promise<boolean> {
    const rule = this.rules.find(
      (r) =>
        r.times > 0 &&
        (!r.method || r.method.toUpperCase() === method) &&
        (!r.path ||
          (r.path instanceof RegExp
            ? r.path.test(path)
            : r.path === path || r.path === match?.operation.template)),
    );
    if (!rule) return false;
    rule.times--;
    record.injected = true;
    if (rule.delayMs) await new Promise((resolve) => setTimeout(resolve, rule.delayMs));
    if (rule.drop) {
      req.socket.destroy();
      return true;
    }
    if (rule.loseAnswer) this.lost.add(res);
    if (rule.status === undefined) return false;
    const text =
      rule.body === undefined
        ? JSON.stringify(errorBody(rule.status, `injected ${rule.status}`, method, path))
        : typeof rule.body === "string"
          ? rule.body
          : JSON.stringify(rule.body);
    this.answer(res, record, rule.status, text, "application/json", rule.headers);
    return true;
  }

  private answer(
    res: ServerResponse,
    record: RecordedRequest,
    status: number,
    body: unknown,
    contentType = "application/json",
    headers: Record<string, string> = {},
  ): void {
    record.status = status;
    if (res.destroyed || res.writableEnded) return; // the client gave up (timeout): nothing to write to
    if (this.lost.has(res)) {
      res.socket?.destroy();
      return;
    }
    const text = typeof body === "string" ? body : JSON.stringify(body);
    res.writeHead(status, text === "" ? headers : { "Content-Type": contentType, ...headers });
    res.end(text);
  }

  private authOf(header: string | undefined): RecordedRequest["auth"] {
    if (header === undefined || header.trim() === "") return "missing";
    const mode = this.options.acceptAuth ?? "any";
    if (header === `Bearer ${this.token}`) return mode === "bare" ? "wrong" : "bearer";
    if (header === this.token) return mode === "bearer" ? "wrong" : "bare";
    return "wrong";
  }
}

function hasParam(match: RouteMatch, name: string): boolean {
  return match.operation.parameters.some((p) => p.in === "query" && p.name === name);
}

/** QueryPie's error shape: `{"error":{"code","message","path","status"}}`. */
export function errorBody(
  status: number,
  message: string,
  method: string,
  path: string,
  code = `QPS-TEST-${status}`,
) {
  return { error: { code, message, path: `${method} ${path}`, status } };
}

function parseJson(text: string): unknown {
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
