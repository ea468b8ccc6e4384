/**
 * scripts/platform-steps.ts run for real (tsx, child process) against a local HTTP server that
 * answers like QueryPie and its tools container, and a fake `docker` on PATH that records calls.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { requiredOperations } from "../../components/platform/readiness";
import { kacHostVerdict, tail, versionCore } from "../../scripts/platform-steps";

// Each test starts tsx once or twice; on a busy machine that alone takes seconds.
vi.setConfig({ testTimeout: 60_000 });

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
// An API description declaring every operation the client sends, and one with users only.
const paths: Record<string, Record<string, object>> = {};
for (const { method, path: p } of requiredOperations()) (paths[p] ??= {})[method.toLowerCase()] = {};
const SPEC_WITH_KAC = JSON.stringify({ paths });
const SPEC_WITHOUT_KAC = JSON.stringify({ paths: { "/api/external/v2/users/identify": { get: {} } } });
const fakeToken = ["fake", "token", "for", "tests"].join("-");

interface ServerState {
  notReadyFor: number;
  version: string;
  specStatus: number;
  spec: string;
  specNeedsAuth: boolean;
  licenseStatus: number;
  seen: { method: string; url: string; auth?: string; body?: string }[];
}
let state: ServerState;
let server: http.Server;
let url: string;

beforeEach(() => {
  state = {
    notReadyFor: 0,
    version: "11.4.1",
    specStatus: 200,
    spec: SPEC_WITH_KAC,
    specNeedsAuth: false,
    licenseStatus: 200,
    seen: [],
  };
});

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      state.seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization, body });
      const send = (status: number, text: string): void => {
        res.writeHead(status).end(text);
      };
      if (req.url === "/readyz" || req.url === "/health") {
        if (state.notReadyFor > 0) {
          state.notReadyFor--;
          return send(503, "starting");
        }
        return send(200, "ok");
      }
      if (req.url === "/version") return send(200, JSON.stringify({ version: state.version }));
      if (req.url === "/api/docs/specification/external-v2") {
        if (state.specNeedsAuth && req.headers.authorization !== `Bearer ${fakeToken}`)
          return send(401, "{}");
        return send(state.specStatus, state.spec);
      }
      if (req.url === "/license/upload" && req.method === "POST")
        return send(state.licenseStatus, '{"ok":true}');
      send(404, "not found");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

const FAKE_DOCKER = `#!/bin/sh
echo "$*" >> "$FAKE_DIR/calls"
case "$1" in
  inspect) echo "\${FAKE_STATE:-running 0}" ;;
  exec)
    if [ "$2" = "-i" ]; then cat > "$FAKE_DIR/stdin"; echo "\${FAKE_SQL_OUT-https://localhost}"; exit 0; fi
    echo "migration step 1"; echo "migration step 2"; exit "\${FAKE_MIGRATE_EXIT:-0}" ;;
  restart) echo "$2" ;;
esac
`;

interface Run {
  code: number | null;
  out: string;
  calls: string[];
  stdin?: string;
}

function step(name: string, env: Record<string, string>): Promise<Run> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qp-steps-"));
  fs.writeFileSync(path.join(dir, "docker"), FAKE_DOCKER, { mode: 0o755 });
  return new Promise((resolve) => {
    const child = spawn(TSX, ["scripts/platform-steps.ts", name], {
      cwd: ROOT,
      env: {
        PATH: `${dir}:${process.env.PATH}`,
        HOME: process.env.HOME ?? "/tmp",
        FAKE_DIR: dir,
        QP_POLL_MS: "50",
        QP_TIMEOUT_SECONDS: "10",
        ...env,
      },
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr.on("data", (c: Buffer) => (out += c.toString()));
    child.on("close", (code) => {
      const read = (f: string) =>
        fs.existsSync(path.join(dir, f)) ? fs.readFileSync(path.join(dir, f), "utf8") : "";
      resolve({ code, out, calls: read("calls").split("\n").filter(Boolean), stdin: read("stdin") });
    });
  });
}

const waitEnv = () => ({ QP_URL: url, QP_APP_CONTAINER: "querypie-app", QP_VERSION: "11.4.1" });

describe("wait", () => {
  test("polls /readyz until 200, then checks the version and the KAC API (version gate)", async () => {
    state.notReadyFor = 3;
    const r = await step("wait", waitEnv());
    expect(r.out).toContain("QueryPie is ready");
    expect(r.out).toContain("version 11.4.1");
    expect(r.out).toContain("the external API serves every KAC operation the lab uses");
    expect(r.code).toBe(0);
    expect(state.seen.filter((s) => s.url === "/readyz")).toHaveLength(4);
  });

  test("the version gate fails clearly when the API lacks the KAC operations", async () => {
    state.version = "11.0.1";
    state.spec = SPEC_WITHOUT_KAC;
    const r = await step("wait", { ...waitEnv(), QP_VERSION: "11.0.1-beta" });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "QueryPie 11.0.1-beta does not serve the KAC API this lab uses: its /api/docs/specification/external-v2 lacks",
    );
    expect(r.out).toContain("pulumi config set --path platform.version 11.4.1");
  });

  test("the version gate waits for a token when the API description needs one, and then sends it as Bearer", async () => {
    state.specNeedsAuth = true;
    const without = await step("wait", waitEnv());
    expect(without.code).toBe(0);
    expect(without.out).toContain("the KAC API check runs on the next up, once querypieApiToken is set");

    const withToken = await step("wait", { ...waitEnv(), QP_API_TOKEN: fakeToken });
    expect(withToken.code).toBe(0);
    expect(withToken.out).toContain("serves every KAC operation");
    expect(state.seen.some((s) => s.auth === `Bearer ${fakeToken}`)).toBe(true);
    expect(withToken.out).not.toContain(fakeToken);
  });

  test("a different version on the port means another QueryPie answers there", async () => {
    state.version = "10.2.6";
    const r = await step("wait", waitEnv());
    expect(r.code).toBe(1);
    expect(r.out).toContain(`The QueryPie at ${url} reports version 10.2.6, but this stack runs 11.4.1`);
    expect(r.out).toContain("docker ps --filter publish=");
  });

  test("times out with the last answer and the docker logs command", async () => {
    state.notReadyFor = 1_000_000;
    const r = await step("wait", { ...waitEnv(), QP_TIMEOUT_SECONDS: "1" });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      `QueryPie at ${url}/readyz was not ready after 1 s (last answer: HTTP 503: starting)`,
    );
    expect(r.out).toContain("docker logs --tail 200 querypie-app");
  });

  test("fails early when the app container stopped", async () => {
    state.notReadyFor = 1_000_000;
    const r = await step("wait", { ...waitEnv(), FAKE_STATE: "exited 137" });
    expect(r.code).toBe(1);
    expect(r.out).toContain("The container querypie-app is exited (exit code 137)");
    expect(r.out).toContain("docker logs --tail 200 querypie-app");
  });

  test("says where its inputs come from when run by hand", async () => {
    const r = await step("wait", {});
    expect(r.code).toBe(1);
    expect(r.out).toContain("QP_URL is not set; this script is run by the AccessPlatform component");
  });
});

describe("migrate", () => {
  test("waits for three healthy answers from the tools API, then migrates twice", async () => {
    state.notReadyFor = 2;
    const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "qp-logs-"));
    const r = await step("migrate", {
      QP_TOOLS_URL: url,
      QP_TOOLS_CONTAINER: "querypie-tools",
      QP_LOG_DIR: logDir,
    });
    expect(r.code).toBe(0);
    expect(state.seen.filter((s) => s.url === "/health")).toHaveLength(5);
    expect(r.calls.filter((c) => c.startsWith("exec"))).toEqual([
      "exec querypie-tools /app/script/migrate.sh runall",
      "exec querypie-tools /app/script/migrate.sh runall",
    ]);
    expect(fs.readFileSync(path.join(logDir, "querypie-migrate.2.log"), "utf8")).toContain(
      "migration step 2",
    );
  });

  test("a failed migration stops with its last lines, and the app is not started", async () => {
    const r = await step("migrate", {
      QP_TOOLS_URL: url,
      QP_TOOLS_CONTAINER: "querypie-tools",
      FAKE_MIGRATE_EXIT: "3",
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain("The QueryPie migrations failed in querypie-tools (run 1 of 2, exit code 3)");
    expect(r.out).toContain("migration step 2");
    expect(r.out).toContain("the app was not started");
  });
});

describe("configure", () => {
  const licenseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qp-lic-")), "community.license");
  fs.writeFileSync(licenseFile, "FAKE-LICENSE-CONTENT\n");
  const env = () => ({
    ...waitEnv(),
    QP_TOOLS_URL: url,
    QP_MYSQL_CONTAINER: "querypie-mysql",
    QP_LICENSE_FILE: licenseFile,
    QP_KAC_PROXY_HOST: "localhost",
  });

  test("uploads the license as multipart field file, sets the KAC host, restarts the app and waits", async () => {
    const r = await step("configure", env());
    expect(r.code).toBe(0);
    const upload = state.seen.find((s) => s.url === "/license/upload")!;
    expect(upload.body).toContain('name="file"; filename="community.license"');
    expect(upload.body).toContain("FAKE-LICENSE-CONTENT");
    expect(r.stdin).toBe(
      "UPDATE querypie.k_proxy_setting SET host = 'https://localhost';\nSELECT host FROM querypie.k_proxy_setting;\n",
    );
    const mysqlCall = r.calls.find((c) => c.startsWith("exec -i"))!;
    expect(mysqlCall).toMatch(/^exec -i querypie-mysql sh -c MYSQL_PWD="\$MYSQL_PASSWORD" exec mysql/);
    expect(r.calls).toContain("restart querypie-app");
    expect(r.out).toContain("KAC proxy host is https://localhost");
    expect(r.out).toContain("the external API serves every KAC operation the lab uses");
  });

  test("a rejected license stops before anything restarts", async () => {
    state.licenseStatus = 400;
    const r = await step("configure", env());
    expect(r.code).toBe(1);
    expect(r.out).toContain("The license upload answered HTTP 400");
    expect(r.calls.some((c) => c.startsWith("restart"))).toBe(false);
  });

  test("an empty k_proxy_setting is an error that offers the hosts-file way", async () => {
    const r = await step("configure", { ...env(), QP_LICENSE_FILE: "", FAKE_SQL_OUT: "" });
    expect(r.code).toBe(1);
    expect(r.out).toContain("querypie.k_proxy_setting has no row");
    expect(r.out).toContain("add the printed hosts-file line instead");
  });
});

describe("pure helpers", () => {
  test.each([
    ["11.4.1", "11.4.1"],
    ["11.0.1-beta", "11.0.1"],
    ["weird", "weird"],
  ])("versionCore(%s) = %s", (v, core) => expect(versionCore(v)).toBe(core));

  test.each([
    ["https://localhost\n", true, "KAC proxy host is https://localhost"],
    ["", false, "querypie.k_proxy_setting has no row, so there was nothing to update"],
    [
      "https://customer.kac-proxy.domain\n",
      false,
      "k_proxy_setting still says https://customer.kac-proxy.domain",
    ],
  ])("kacHostVerdict(%j)", (rows, ok, message) =>
    expect(kacHostVerdict(rows, "localhost")).toEqual({ ok, message }),
  );

  test("tail keeps the last lines", () => expect(tail("a\nb\nc\n", 2)).toBe("b\nc"));
});
