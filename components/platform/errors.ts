/**
 * The one error type of the QueryPie client. It says what happened (method, path, HTTP status,
 * QPS code, QueryPie's own message), what it means and what to do next.
 *
 * The API token never reaches this file: the client passes only method, path (no query secrets
 * exist in the KAC API), status and server text, and runs server text through `redact` first.
 * This module imports nothing, so Pulumi can serialise it into a dynamic provider's closure.
 */

/** What kind of failure: an HTTP answer, no answer in time, no connection, or an answer we cannot use. */
export type QueryPieErrorKind = "http" | "timeout" | "network" | "invalid-response" | "ambiguous";

export interface QueryPieErrorInit {
  kind: QueryPieErrorKind;
  /** HTTP method, e.g. `POST`. */
  method: string;
  /** Request path without the base URL, e.g. `/api/external/v2/kac/roles`. */
  path: string;
  /** HTTP status, for `http` (and `invalid-response`) failures. */
  status?: number;
  /** QueryPie's error code (`QPS-xxxxx`) from `{"error":{"code"}}`, when it sent one. */
  code?: string;
  /** QueryPie's own message from `{"error":{"message"}}`, already redacted. */
  serverMessage?: string;
  /** Extra facts: the timeout, the connection error code, what was wrong with the body. */
  detail?: string;
  /** How many times the request was sent. */
  attempts: number;
  /** Base URL, named in connection failures (it holds no secret). */
  baseUrl?: string;
}

const TOKEN_FIX =
  "create a new API token in QueryPie (Administrator > General > System > API Token) and set it with " +
  "`pulumi config set --secret querypieApiToken <token>`";

/** What the failure means and what to do, by kind and status. */
export function advice(init: QueryPieErrorInit): string {
  const after = init.attempts > 1 ? ` after ${init.attempts} attempts` : "";
  switch (init.kind) {
    case "timeout":
      return `QueryPie did not answer in time${after}: it may still be starting or be overloaded. Check that it answers /readyz, then run again (or raise the client timeout)`;
    case "network":
      return `QueryPie could not be reached${after}${init.baseUrl ? ` at ${init.baseUrl}` : ""}: check that the app container is running and that the URL and port are right, then run again`;
    case "invalid-response":
      return "the answer does not have the shape the vendor OpenAPI file (11.4.1) describes: the running QueryPie version may differ; check `/version` and set platform.version to a version whose API matches";
    case "ambiguous":
      return "the lab finds its objects by name, so names must be unique: delete or rename the extra objects in the QueryPie web UI, then run again";
    case "http":
      break;
  }
  const s = init.status ?? 0;
  if (s === 400)
    return "QueryPie rejected the request as invalid: check the values sent (names, URLs, UUIDs, dates, policy YAML)";
  if (s === 401) return `the API token was rejected: ${TOKEN_FIX}`;
  if (s === 403)
    return "the token's user may not do this: use a token of a QueryPie administrator such as qp-admin";
  if (s === 404)
    return "the object does not exist (deleted outside Pulumi? run `pulumi refresh`), or, if every call answers 404, this QueryPie version has no KAC API: upgrade the image (platform.version)";
  if (s === 409)
    return "QueryPie reports a conflict, usually an object with the same name: rename it, or delete the existing one";
  if (s === 429) return `QueryPie is rate-limiting requests${after}: wait a minute and run again`;
  if (s >= 500)
    return `QueryPie failed internally${after}: read the app container's logs (\`docker logs <app container>\`) and run again`;
  return "unexpected answer: read the app container's logs (`docker logs <app container>`)";
}

/** `<METHOD> <path> failed: <what happened>. <what it means and what to do>.` */
export function describeFailure(init: QueryPieErrorInit): string {
  const what: string[] = [];
  if (init.kind === "timeout") what.push("no answer in time");
  else if (init.kind === "network") what.push("no connection");
  else if (init.kind === "ambiguous") what.push("more than one match");
  else if (init.status !== undefined) what.push(`HTTP ${init.status}`);
  if (init.kind === "invalid-response") what.push("unusable answer");
  if (init.code) what.push(init.code);
  let text = `QueryPie ${init.method} ${init.path} failed: ${what.join(" ")}`;
  if (init.serverMessage) text += `: ${init.serverMessage}`;
  if (init.detail) text += ` (${init.detail})`;
  return `${text}. ${capitalise(advice(init))}.`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class QueryPieError extends Error {
  readonly kind: QueryPieErrorKind;
  readonly method: string;
  readonly path: string;
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly serverMessage: string | undefined;
  readonly attempts: number;

  constructor(init: QueryPieErrorInit) {
    const message = describeFailure(init);
    super(message);
    // Pulumi's closure serialiser turns `super(message)` into `Error.call(this, message)`, which
    // sets nothing on `this`: set message and stack again so a serialised copy says the same.
    this.message = message;
    this.name = "QueryPieError";
    if (typeof this.stack !== "string") Error.captureStackTrace(this, QueryPieError);
    this.kind = init.kind;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.serverMessage = init.serverMessage;
    this.attempts = init.attempts;
  }

  /** The object asked for does not exist (HTTP 404). */
  get notFound(): boolean {
    return this.kind === "http" && this.status === 404;
  }

  /** JSON.stringify(error) gives the facts, never more. */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      kind: this.kind,
      method: this.method,
      path: this.path,
      status: this.status,
      code: this.code,
      attempts: this.attempts,
    };
  }
}

/** True for a QueryPieError that means "no such object" (HTTP 404). */
export function isNotFound(e: unknown): boolean {
  // Duck-typed, not instanceof: a serialised dynamic provider may hold its own copy of the class.
  const x = e as { name?: unknown; kind?: unknown; status?: unknown } | null;
  return !!x && x.name === "QueryPieError" && x.kind === "http" && x.status === 404;
}

/** The text with every occurrence of the secret replaced, for server text that might echo it. */
export function redact(text: string, secret: string): string {
  if (!secret) return text;
  return text.split(secret).join("<redacted>");
}
