/**
 * The vendor OpenAPI file as an executable contract: which (method, path) pairs exist, and whether
 * a request or an answer fits them. Used by the QueryPie test server to check every request the
 * client sends and every answer the fake gives.
 *
 * Request bodies are validated with ajv against the vendor schemas ($refs resolved inside the
 * vendor file, OpenAPI 3.0 `nullable` turned into a JSON Schema type union). The vendor file never
 * says `additionalProperties: false`; by default this contract is stricter and treats an unknown
 * request field as a mismatch (a typo in the client would otherwise pass silently), which
 * `strictRequestFields: false` turns off. Answers are validated as the vendor file has them.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Ajv, { type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";

export const VENDOR_SPEC_PATH = path.join(
  __dirname,
  "..",
  "..",
  "vendor",
  "querypie",
  "openapi-external-v2-11.4.1.json",
);

type Json = Record<string, unknown>;

interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: { type?: string; format?: string; items?: { type?: string } };
}

export interface Operation {
  operationId: string;
  method: string;
  /** Path template as in the vendor file, e.g. `/api/external/v2/kac/roles/{roleUuid}`. */
  template: string;
  parameters: Parameter[];
  requestBody?: { required: boolean; validate: Validator };
  /** Declared answers by status: `validate` when JSON content is declared, else no body. */
  responses: Map<number, { validate?: Validator }>;
}

export interface RouteMatch {
  operation: Operation;
  params: Record<string, string>;
}

export type RouteLookup =
  { ok: true; match: RouteMatch } | { ok: false; reason: "no-path" | "no-method"; allowed: string[] };

export interface IncomingRequestFacts {
  method: string;
  /** The path without query string, as sent (percent-encoded). */
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  /** Raw body text ("" when none). */
  body: string;
}

export interface ContractOptions {
  /** Only operations whose path passes this filter are compiled (speed). Default: every path. */
  includePath?: (p: string) => boolean;
  /** Unknown request fields are mismatches. Default true (stricter than the vendor file). */
  strictRequestFields?: boolean;
}

/** A validator compiled on first use (compiling all 180 vendor paths up front costs seconds). */
export interface Validator {
  (data: unknown): boolean;
  errors: ValidateFunction["errors"];
}

const HTTP_METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

/** OpenAPI 3.0 -> JSON Schema: `nullable`, local $refs re-rooted at `docId`, optional strict objects. */
export function toJsonSchema(node: unknown, docId: string, strictObjects: boolean): unknown {
  if (Array.isArray(node)) return node.map((n) => toJsonSchema(n, docId, strictObjects));
  if (!node || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === "$ref" && typeof v === "string" && v.startsWith("#/")) out[k] = `${docId}${v}`;
    else if (k === "example" || k === "examples") continue;
    else out[k] = toJsonSchema(v, docId, strictObjects);
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  const isObject = out.type === "object" || (out.type === undefined && out.properties !== undefined);
  const composed = "allOf" in out || "oneOf" in out || "anyOf" in out;
  if (strictObjects && isObject && out.properties && out.additionalProperties === undefined && !composed) {
    out.additionalProperties = false;
  }
  return out;
}

export class OpenApiContract {
  readonly spec: Json;
  readonly operations: Operation[] = [];
  private readonly ajv: Ajv;

  constructor(spec: Json, options: ContractOptions = {}) {
    this.spec = spec;
    const include = options.includePath ?? (() => true);
    const strict = options.strictRequestFields ?? true;
    // The vendor file is OpenAPI, not JSON Schema: no meta-schema check, non-standard keywords ignored.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addFormat("string", true); // the vendor file says `format: "string"` in places
    const components = (spec.components ?? {}) as Json;
    this.ajv.addSchema({
      $id: "vendor-response",
      components: toJsonSchema(components, "vendor-response", false),
    });
    this.ajv.addSchema({
      $id: "vendor-request",
      components: toJsonSchema(components, "vendor-request", strict),
    });

    for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
      if (!include(template)) continue;
      const shared = (item.parameters ?? []) as Parameter[];
      for (const method of HTTP_METHODS) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const operation: Operation = {
          operationId: String(op.operationId ?? `${method} ${template}`),
          method: method.toUpperCase(),
          template,
          parameters: [...shared, ...((op.parameters ?? []) as Parameter[])],
          responses: new Map(),
        };
        const body = op.requestBody as
          { required?: boolean; content?: Record<string, { schema?: unknown }> } | undefined;
        const bodySchema = body?.content?.["application/json"]?.schema;
        if (bodySchema) {
          operation.requestBody = {
            required: body?.required === true,
            validate: this.lazy(toJsonSchema(bodySchema, "vendor-request", strict) as Json),
          };
        }
        for (const [status, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
          const schema = (r.content as Record<string, { schema?: unknown }> | undefined)?.["application/json"]
            ?.schema;
          operation.responses.set(Number(status), {
            validate: schema ? this.lazy(toJsonSchema(schema, "vendor-response", false) as Json) : undefined,
          });
        }
        this.operations.push(operation);
      }
    }
  }

  private lazy(schema: Json): Validator {
    let compiled: ValidateFunction | undefined;
    const validator = ((data: unknown) => {
      compiled ??= this.ajv.compile(schema);
      const ok = compiled(data);
      validator.errors = compiled.errors;
      return ok;
    }) as Validator;
    validator.errors = null;
    return validator;
  }

  static fromVendorFile(options: ContractOptions = {}): OpenApiContract {
    return new OpenApiContract(JSON.parse(readFileSync(VENDOR_SPEC_PATH, "utf8")) as Json, options);
  }

  /** The operation for a method and a concrete path, with its path parameters decoded. */
  lookup(method: string, concretePath: string): RouteLookup {
    const allowed: string[] = [];
    let found: RouteMatch | undefined;
    for (const operation of this.operations) {
      const params = matchTemplate(operation.template, concretePath);
      if (!params) continue;
      // A literal segment beats a parameter: prefer the template with fewer parameters.
      if (operation.method === method.toUpperCase()) {
        if (!found || countParams(operation.template) < countParams(found.operation.template)) {
          found = { operation, params };
        }
      } else {
        allowed.push(operation.method);
      }
    }
    if (found) return { ok: true, match: found };
    return { ok: false, reason: allowed.length > 0 ? "no-method" : "no-path", allowed };
  }

  /** Every way the request departs from the operation: query, path parameters, body. */
  checkRequest(match: RouteMatch, req: IncomingRequestFacts): string[] {
    const problems: string[] = [];
    const op = match.operation;
    for (const p of op.parameters.filter((x) => x.in === "path")) {
      const v = match.params[p.name];
      if (v === undefined || v === "") problems.push(`path parameter ${p.name} is empty`);
    }
    const declared = new Map(op.parameters.filter((x) => x.in === "query").map((x) => [x.name, x]));
    for (const name of new Set(req.query.keys())) {
      const p = declared.get(name);
      if (!p) {
        problems.push(
          `query parameter "${name}" is not declared (declared: ${[...declared.keys()].join(", ") || "none"})`,
        );
        continue;
      }
      const values = req.query.getAll(name);
      if (values.length > 1 && p.schema?.type !== "array")
        problems.push(`query parameter "${name}" is repeated`);
      for (const v of values) {
        const bad = checkScalar(v, p.schema?.type === "array" ? p.schema.items : p.schema);
        if (bad) problems.push(`query parameter "${name}"=${JSON.stringify(v)} ${bad}`);
      }
    }
    for (const p of declared.values()) {
      if (p.required && !req.query.has(p.name))
        problems.push(`required query parameter "${p.name}" is missing`);
    }
    const hasBody = req.body.trim() !== "";
    if (!op.requestBody) {
      if (hasBody) problems.push("this operation takes no request body, but one was sent");
      return problems;
    }
    if (!hasBody) {
      if (op.requestBody.required) problems.push("the required JSON request body is missing");
      return problems;
    }
    if (!req.contentType || !/^application\/json\b/i.test(req.contentType)) {
      problems.push(`Content-Type is ${JSON.stringify(req.contentType ?? null)}, expected application/json`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(req.body);
    } catch {
      problems.push("the request body is not valid JSON");
      return problems;
    }
    if (!op.requestBody.validate(parsed))
      problems.push(...formatAjvErrors("request body", op.requestBody.validate));
    return problems;
  }

  /** Whether an answer is one the vendor file declares for the operation. */
  checkResponse(op: Operation, status: number, body: string): string[] {
    const declared = op.responses.get(status);
    if (!declared)
      return [`status ${status} is not declared (declared: ${[...op.responses.keys()].join(", ")})`];
    if (!declared.validate)
      return body.trim() === "" ? [] : [`status ${status} declares no body, but one was sent`];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [`status ${status} body is not JSON`];
    }
    return declared.validate(parsed) ? [] : formatAjvErrors(`${status} body`, declared.validate);
  }
}

function countParams(template: string): number {
  return (template.match(/\{/g) ?? []).length;
}

/** Path parameters of `concrete` under `template`, or undefined when it does not fit. */
export function matchTemplate(template: string, concrete: string): Record<string, string> | undefined {
  const t = template.split("/");
  const c = concrete.split("/");
  if (t.length !== c.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < t.length; i++) {
    const m = /^\{(\w+)\}$/.exec(t[i]);
    if (m) {
      try {
        params[m[1]] = decodeURIComponent(c[i]);
      } catch {
        return undefined;
      }
    } else if (t[i] !== c[i]) return undefined;
  }
  return params;
}

function checkScalar(
  value: string,
  schema: { type?: string; format?: string } | undefined,
): string | undefined {
  switch (schema?.type) {
    case "integer": {
      if (!/^-?\d+$/.test(value)) return "is not an integer";
      const n = Number(value);
      if (schema.format === "int32" && (n < -(2 ** 31) || n > 2 ** 31 - 1)) return "is out of int32 range";
      return undefined;
    }
    case "number":
      return Number.isFinite(Number(value)) && value.trim() !== "" ? undefined : "is not a number";
    case "boolean":
      return value === "true" || value === "false" ? undefined : "is not true/false";
    default:
      return undefined;
  }
}

function formatAjvErrors(what: string, validate: Validator): string[] {
  return (validate.errors ?? []).map((e) => {
    const where = e.instancePath || "/";
    const extra =
      e.keyword === "additionalProperties"
        ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")`
        : e.keyword === "required"
          ? ` ("${(e.params as { missingProperty: string }).missingProperty}")`
          : "";
    return `${what} ${where} ${e.message ?? e.keyword}${extra}`;
  });
}
