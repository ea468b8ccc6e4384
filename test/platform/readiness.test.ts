/**
 * Readiness, version and the version gate: pure verdicts against the answers in
 * test/fixtures/querypie/ (constructed, see its README), then the thin probes against the
 * QueryPie test server and a scripted fetch.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import {
  checkKacApi,
  fetchVersion,
  parseVersion,
  probe,
  readyzVerdict,
  requiredOperations,
  toolsHealthVerdict,
  versionGateVerdict,
  waitForReady,
  waitForToolsHealth,
  type ProbeAnswer,
} from "../../components/platform/readiness";
import { VENDOR_SPEC_PATH } from "../support/openapi-contract";
import { QueryPieTestServer } from "../support/querypie-server";

const FIXTURES = path.join(__dirname, "..", "fixtures", "querypie");
const fixture = <T = ProbeAnswer>(name: string): T =>
  JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as T;
const vendorSpec = JSON.parse(readFileSync(VENDOR_SPEC_PATH, "utf8")) as unknown;

let server: QueryPieTestServer | undefined;
afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  await s.close();
  s.expectNoViolations();
});

describe("verdicts on recorded answers", () => {
  test.each([
    ["readyz-ready.json", { ok: true, detail: "ready" }],
    ["readyz-starting.json", { ok: false, detail: 'HTTP 503: {"status":"DOWN"}' }],
    ["readyz-refused.json", { ok: false, detail: "no answer (ECONNREFUSED)" }],
  ])("/readyz %s -> %j", (file, verdict) => {
    expect(readyzVerdict(fixture(file))).toEqual(verdict);
  });

  test.each([
    ["version-11.4.1.json", { ok: true, version: "11.4.1" }],
    [
      "version-wrong-port.json",
      {
        ok: false,
        detail:
          'expected {"version": "..."}, got: <!DOCTYPE html><html><head><title>QueryPie</title></head><body></body></html>',
      },
    ],
    ["readyz-refused.json", { ok: false, detail: "no answer (ECONNREFUSED)" }],
    ["readyz-starting.json", { ok: false, detail: 'HTTP 503: {"status":"DOWN"}' }],
  ])("/version %s -> %j", (file, verdict) => {
    expect(parseVersion(fixture(file))).toEqual(verdict);
  });

  test.each([
    ["tools-health-up.json", { ok: true, detail: "healthy" }],
    ["tools-health-down.json", { ok: false, detail: 'HTTP 503: {"status":"DOWN"}' }],
  ])("tools /health %s -> %j", (file, verdict) => {
    expect(toolsHealthVerdict(fixture(file))).toEqual(verdict);
  });

  test("a long body is cut in the detail", () => {
    expect(readyzVerdict({ status: 500, body: "x".repeat(500) }).detail).toBe(
      `HTTP 500: ${"x".repeat(120)}...`,
    );
  });
});

describe("version gate", () => {
  test("the 11.4.1 vendor description passes: it has all 26 operations the client sends", () => {
    expect(requiredOperations().length).toBe(26);
    expect(versionGateVerdict(vendorSpec, "11.4.1")).toEqual({ ok: true });
  });

  test("a description without /kac/ paths fails with the version, the count and the fix", () => {
    const verdict = versionGateVerdict(fixture("spec-without-kac.json"), "11.0.1-beta");
    expect(verdict).toEqual({
      ok: false,
      missing: expect.arrayContaining(["POST /api/external/v2/kac/clusters"]),
      message:
        "QueryPie 11.0.1-beta does not serve the KAC API this lab uses: its /api/docs/specification/external-v2 lacks 25 of 26 operations " +
        "(GET /api/external/v2/kac/clusters, POST /api/external/v2/kac/clusters, GET /api/external/v2/kac/clusters/{clusterUuid}, ...). " +
        "Registering clusters and seeding access would fail. Fix: upgrade the image: `pulumi config set --path platform.version 11.4.1` " +
        "(a version whose API matches the vendor file), then `pulumi up`.",
    });
    // users/identify exists outside KAC in older versions too
    expect((verdict as { missing: string[] }).missing).not.toContain("GET /api/external/v2/users/identify");
  });

  test("a description with part of the KAC API names exactly what is missing", () => {
    const verdict = versionGateVerdict(fixture("spec-partial-kac.json"), undefined);
    expect(verdict.ok).toBe(false);
    expect((verdict as { missing: string[] }).missing).toEqual([
      "PUT /api/external/v2/kac/policies/{policyUuid}/content",
      "POST /api/external/v2/kac/access-controls/users/{userUuid}/roles",
      "DELETE /api/external/v2/kac/access-controls/users/{userUuid}/roles",
      "GET /api/external/v2/kac/access-controls/users/{userUuid}/roles",
      "GET /api/external/v2/kac/access-controls/users/{userUuid}/accessible-clusters",
    ]);
    expect((verdict as { message: string }).message).toMatch(
      /^This QueryPie \(version unknown\) does not serve the KAC API/,
    );
  });

  test.each([[null], ["<html>"], [{ openapi: "3.0.1" }]])(
    "%j is not an OpenAPI document: a clear refusal",
    (spec) => {
      expect(versionGateVerdict(spec, "11.4.1")).toMatchObject({
        ok: false,
        message: expect.stringMatching(
          /^QueryPie 11\.4\.1 answered \/api\/docs\/specification\/external-v2 with something that is not an OpenAPI document/,
        ),
      });
    },
  );
});

describe("probes against the test server", () => {
  test("waitForReady polls until /readyz answers 200 and reports progress", async () => {
    server = await QueryPieTestServer.start();
    server.inject({ path: "/readyz", status: 503, body: "starting", times: 2 });
    const progress: string[] = [];
    const result = await waitForReady(server.url, "qp-app", {
      intervalMs: 5,
      onProgress: (p) => progress.push(`${p.attempt}:${p.verdict.ok}:${p.verdict.detail}`),
    });
    expect(result.attempts).toBe(3);
    expect(progress).toEqual(["1:false:HTTP 503: starting", "2:false:HTTP 503: starting", "3:true:ready"]);
  });

  test("waitForReady gives up at the bound with an error pointing at the container logs", async () => {
    let clock = 0;
    const fetchStub = (async () => new Response("NOT READY", { status: 503 })) as typeof fetch;
    const run = waitForReady("http://127.0.0.1:8000/", "lab-querypie-app", {
      fetch: fetchStub,
      totalTimeoutMs: 10_000,
      intervalMs: 3_000,
      now: () => clock,
      sleep: async (ms) => void (clock += ms),
    });
    await expect(run).rejects.toThrow(
      "QueryPie at http://127.0.0.1:8000 was not ready after 10 s (5 checks of /readyz; last: HTTP 503: NOT READY). " +
        "The first start takes about two minutes. Look at `docker logs lab-querypie-app` for the cause, then run `pulumi up` again.",
    );
  });

  test("waitForToolsHealth names the tools container when it never becomes healthy", async () => {
    server = await QueryPieTestServer.start();
    server.toolsHealthy = false;
    await expect(
      waitForToolsHealth(server.url, "lab-querypie-tools", { totalTimeoutMs: 30, intervalMs: 10 }),
    ).rejects.toThrow(
      /^The QueryPie tools container at http:\/\/127\.0\.0\.1:\d+ was not healthy after \d+ s \(\d+ checks of \/health; last: HTTP 503: \{"status":"DOWN"\}\)\. Look at `docker logs lab-querypie-tools`/,
    );
  });

  test("fetchVersion reads /version, and explains a page that is not QueryPie's", async () => {
    server = await QueryPieTestServer.start({ version: "11.4.1" });
    expect(await fetchVersion(`${server.url}/`)).toBe("11.4.1");
    server.inject({ path: "/version", status: 200, body: "<html></html>" });
    await expect(fetchVersion(server.url)).rejects.toThrow(
      /did not tell its version on \/version \(expected \{"version": "\.\.\."\}, got: <html><\/html>\)\. Check that the URL is the QueryPie web port\./,
    );
  });

  test("checkKacApi passes on the vendor description and fails on one without /kac/", async () => {
    server = await QueryPieTestServer.start();
    await checkKacApi(server.url, { version: "11.4.1" });
    await server.close();
    server = await QueryPieTestServer.start({
      specText: readFileSync(path.join(FIXTURES, "spec-without-kac.json"), "utf8"),
    });
    await expect(checkKacApi(server.url, { version: "11.0.1-beta" })).rejects.toThrow(
      /^QueryPie 11\.0\.1-beta does not serve the KAC API this lab uses: .* lacks 25 of 26 operations/,
    );
  });

  test("checkKacApi retries with the token when the description needs auth, and says so when there is none", async () => {
    server = await QueryPieTestServer.start();
    server.inject({ path: "/api/docs/specification/external-v2", status: 401 });
    await checkKacApi(server.url, { token: server.token });
    expect(server.requests.map((r) => r.status)).toEqual([401, 200]);
    server.inject({ path: "/api/docs/specification/external-v2", status: 401 });
    await expect(checkKacApi(server.url, { version: "11.4.1" })).rejects.toThrow(
      "QueryPie 11.4.1 at " +
        server.url +
        ": could not read /api/docs/specification/external-v2 (HTTP 401). Set the API token (`pulumi config set --secret querypieApiToken <token>`) so the description can be read, then run `pulumi up` again.",
    );
  });

  test("probe never throws: a timeout and a refused connection become {error}", async () => {
    server = await QueryPieTestServer.start();
    server.inject({ path: "/readyz", delayMs: 300 });
    expect(await probe(`${server.url}/readyz`, { timeoutMs: 50 })).toEqual({
      error: "timed out after 50 ms",
    });
    const url = server.url;
    await server.close();
    server = undefined;
    expect(await probe(`${url}/readyz`)).toEqual({ error: "ECONNREFUSED" });
  });
});
