/**
 * Dynamic providers are serialised by closure (pulumi.runtime.serializeFunction). These tests prove
 * the client and the readiness probes survive that: the closure serialises, and the serialised
 * text, loaded in a fresh Node process, really talks to the QueryPie test server.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, expect, test } from "vitest";
import { QueryPieClient } from "../../components/platform/client";
import { isNotFound } from "../../components/platform/errors";
import { checkKacApi, fetchVersion, waitForReady } from "../../components/platform/readiness";
import { QueryPieTestServer } from "../support/querypie-server";

let server: QueryPieTestServer;
const dir = mkdtempSync(path.join(tmpdir(), "qp-serialize-"));

beforeAll(async () => {
  server = await QueryPieTestServer.start();
});
afterAll(async () => {
  await server.close();
  server.expectNoViolations();
  rmSync(dir, { recursive: true, force: true });
});

const run = promisify(execFile);

/** Serialises `fn`, then runs the serialised module in a child Node process; returns its JSON result. */
async function runSerialised(fn: () => Promise<unknown>, name: string): Promise<unknown> {
  return runText((await pulumi.runtime.serializeFunction(fn)).text, name);
}

async function runText(text: string, name: string): Promise<unknown> {
  const file = path.join(dir, `${name}.js`);
  writeFileSync(file, text);
  const script = `require(${JSON.stringify(file)}).handler().then((r) => process.stdout.write(JSON.stringify(r)), (e) => { console.error(e); process.exit(1); })`;
  // Async on purpose: the test server lives in this process and must keep answering.
  const { stdout } = await run(process.execPath, ["-e", script], { timeout: 15_000 });
  return JSON.parse(stdout);
}

test("a closure that only constructs a QueryPieClient serialises without error", async () => {
  const connection = { baseUrl: "http://127.0.0.1:8000", token: "not-a-real-token" };
  const { text } = await pulumi.runtime.serializeFunction(() => new QueryPieClient(connection));
  expect(text).toContain("QueryPieClient");
  expect(text).not.toMatch(/require\("zx"\)/);
}, 30_000);

test("the serialised client creates, reads, and reports a 404 as a QueryPieError with its message", async () => {
  const connection = server.connection();
  const result = await runSerialised(async () => {
    const client = new QueryPieClient({ ...connection, retry: { attempts: 2, baseDelayMs: 1 } });
    const uuid = await client.createRole({ name: "from-a-serialised-closure" });
    const role = await client.getRole(uuid);
    let missing = "";
    try {
      await client.getRole("no-such-role");
    } catch (e) {
      missing = isNotFound(e) ? `${(e as Error).name}: ${(e as Error).message}` : `not a 404: ${String(e)}`;
    }
    return { name: role.name, roles: (await client.listRoles()).length, missing };
  }, "client");
  expect(result).toEqual({
    name: "from-a-serialised-closure",
    roles: 1,
    missing: expect.stringMatching(
      /^QueryPieError: QueryPie GET \/api\/external\/v2\/kac\/roles\/no-such-role failed: HTTP 404/,
    ),
  });
}, 30_000);

test("the serialised readiness probes wait, read the version and pass the version gate", async () => {
  const url = server.url;
  const result = await runSerialised(async () => {
    const ready = await waitForReady(url, "qp-app", { intervalMs: 10, totalTimeoutMs: 2_000 });
    await checkKacApi(url, { version: "11.4.1" });
    return { attempts: ready.attempts, version: await fetchVersion(url) };
  }, "readiness");
  expect(result).toEqual({ attempts: 1, version: "11.4.1" });
}, 30_000);

test("serialised under ts-node, as `pulumi up` runs the program, the client still works", async () => {
  const helper = path.join(__dirname, "..", "support", "serialize-client-closure.ts");
  const { stdout: text } = await run(process.execPath, ["-r", "ts-node/register/transpile-only", helper], {
    env: { ...process.env, QP_URL: server.url, QP_TOKEN: server.token },
    timeout: 30_000,
  });
  expect(await runText(text, "ts-node")).toEqual({ name: "from-ts-node", missing: true });
}, 40_000);
