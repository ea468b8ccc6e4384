/** QueryPieError messages: what happened, what it means, what to do, one exact line per case. */
import { describe, expect, test } from "vitest";
import {
  describeFailure,
  isNotFound,
  QueryPieError,
  redact,
  type QueryPieErrorInit,
} from "../../components/platform/errors";

const base = { method: "POST", path: "/api/external/v2/kac/roles", attempts: 1 } as const;

describe("describeFailure", () => {
  test.each<[string, QueryPieErrorInit, string]>([
    [
      "400 with QPS code and message",
      { ...base, kind: "http", status: 400, code: "QPS-10001", serverMessage: "name is blank" },
      "QueryPie POST /api/external/v2/kac/roles failed: HTTP 400 QPS-10001: name is blank. QueryPie rejected the request as invalid: check the values sent (names, URLs, UUIDs, dates, policy YAML).",
    ],
    [
      "403",
      { ...base, kind: "http", status: 403 },
      "QueryPie POST /api/external/v2/kac/roles failed: HTTP 403. The token's user may not do this: use a token of a QueryPie administrator such as qp-admin.",
    ],
    [
      "404",
      { ...base, method: "GET", path: "/api/external/v2/kac/roles/x", kind: "http", status: 404 },
      "QueryPie GET /api/external/v2/kac/roles/x failed: HTTP 404. The object does not exist (deleted outside Pulumi? run `pulumi refresh`), or, if every call answers 404, this QueryPie version has no KAC API: upgrade the image (platform.version).",
    ],
    [
      "409",
      { ...base, kind: "http", status: 409 },
      "QueryPie POST /api/external/v2/kac/roles failed: HTTP 409. QueryPie reports a conflict, usually an object with the same name: rename it, or delete the existing one.",
    ],
    [
      "429 after retries",
      { ...base, kind: "http", status: 429, attempts: 3 },
      "QueryPie POST /api/external/v2/kac/roles failed: HTTP 429. QueryPie is rate-limiting requests after 3 attempts: wait a minute and run again.",
    ],
    [
      "503 after retries",
      { ...base, kind: "http", status: 503, attempts: 3 },
      "QueryPie POST /api/external/v2/kac/roles failed: HTTP 503. QueryPie failed internally after 3 attempts: read the app container's logs (`docker logs <app container>`) and run again.",
    ],
    [
      "network",
      {
        ...base,
        kind: "network",
        detail: "ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8000",
        baseUrl: "http://127.0.0.1:8000",
        attempts: 3,
      },
      "QueryPie POST /api/external/v2/kac/roles failed: no connection (ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:8000). QueryPie could not be reached after 3 attempts at http://127.0.0.1:8000: check that the app container is running and that the URL and port are right, then run again.",
    ],
    [
      "invalid response",
      { ...base, kind: "invalid-response", status: 201, detail: "missing uuid" },
      "QueryPie POST /api/external/v2/kac/roles failed: HTTP 201 unusable answer (missing uuid). The answer does not have the shape the vendor OpenAPI file (11.4.1) describes: the running QueryPie version may differ; check `/version` and set platform.version to a version whose API matches.",
    ],
  ])("%s", (_name, init, message) => {
    expect(describeFailure(init)).toBe(message);
    expect(new QueryPieError(init).message).toBe(message);
  });
});

test("isNotFound is true only for an HTTP 404 QueryPieError (duck-typed, for serialised copies)", () => {
  expect(isNotFound(new QueryPieError({ ...base, kind: "http", status: 404 }))).toBe(true);
  expect(isNotFound(new QueryPieError({ ...base, kind: "http", status: 400 }))).toBe(false);
  expect(isNotFound({ name: "QueryPieError", kind: "http", status: 404 })).toBe(true);
  expect(isNotFound(new Error("404"))).toBe(false);
  expect(isNotFound(undefined)).toBe(false);
});

test("redact replaces every occurrence and leaves text without the secret alone", () => {
  expect(redact("a SECRET b SECRET", "SECRET")).toBe("a <redacted> b <redacted>");
  expect(redact("nothing here", "SECRET")).toBe("nothing here");
  expect(redact("empty secret", "")).toBe("empty secret");
});

test("JSON.stringify(error) keeps the facts", () => {
  const e = new QueryPieError({ ...base, kind: "http", status: 500, code: "QPS-1", attempts: 3 });
  expect(JSON.parse(JSON.stringify(e))).toEqual({
    name: "QueryPieError",
    message: e.message,
    kind: "http",
    method: "POST",
    path: "/api/external/v2/kac/roles",
    status: 500,
    code: "QPS-1",
    attempts: 3,
  });
});
