/**
 * scripts/smoke.ts end to end with the REAL adapter (zx, child processes, port-forward,
 * fetch), against a fake kubectl and docker on PATH that answer from recorded outputs.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { SmokeReport } from "../../components/smoke/types";

const ROOT = path.resolve(__dirname, "..", "..");
const FAKE = path.join(ROOT, "test", "smoke", "fake-bin", "fake-cli.sh");
let dir: string;
let bin: string;

function smoke(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(
    path.join(ROOT, "node_modules", ".bin", "tsx"),
    [path.join(ROOT, "scripts", "smoke.ts"), ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 60_000,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        FAKE_SMOKE_STATE: dir,
        QUERYPIE_API_TOKEN: "",
        ...env,
      },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-script-"));
  bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.symlinkSync(FAKE, path.join(bin, "kubectl"));
  fs.symlinkSync(FAKE, path.join(bin, "docker"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("npm run smoke, one cluster, real adapter against a fake kubectl/docker", () => {
  test("every check passes, JSON on stdout, table on stderr, JUnit and Markdown written, kubeconfig never in argv", () => {
    const junit = path.join(dir, "smoke.xml");
    const markdown = path.join(dir, "summary.md");
    const kubeconfig = "apiVersion: v1\nkind: Config\n# fake-kubeconfig-content\n";
    const tmpBefore = fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("lab-smoke-")).length;
    const r = smoke(
      [
        "--cluster",
        "cluster1",
        "--kubeconfig-env",
        "LAB_SMOKE_KUBECONFIG",
        "--json",
        "--junit",
        junit,
        "--markdown",
        markdown,
      ],
      { LAB_SMOKE_KUBECONFIG: kubeconfig },
    );
    const report = JSON.parse(r.stdout) as SmokeReport;
    expect(report.clusters[0].checks.map((c) => `${c.id} ${c.status}`)).toEqual([
      "encryption-at-rest passed",
      "deployment passed",
      "scale passed",
      "spread passed",
      "pod-network passed",
      "port-forward passed",
      "logs passed",
      "exec passed",
      "nodeport passed",
      "runtime passed",
      "platform-access skipped",
    ]);
    expect(report.smokePassed).toBe(true);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(
      "Smoke suite PASSED: 1 cluster(s), 11 checks: 10 passed, 0 failed, 0 errors, 1 skipped",
    );
    expect(r.stderr).toMatch(/\[cluster1\] port-forward: passed .* answered 200, Server: nginx\/1\.30\.4/);
    const port = report.clusters[0].checks.find((c) => c.id === "port-forward")?.evidence.localPort;
    expect(port).not.toBe(8080);

    const calls = fs.readFileSync(path.join(dir, "calls.log"), "utf8");
    expect(calls).not.toContain("fake-kubeconfig-content");
    expect(calls).toContain("kubeconfig mode 600");
    // The temporary kubeconfig directory is gone again.
    expect(fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith("lab-smoke-"))).toHaveLength(tmpBefore);

    const xml = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(
      fs.readFileSync(junit, "utf8"),
    );
    expect(xml.testsuites).toMatchObject({ tests: "11", failures: "0", errors: "0", skipped: "1" });
    expect(fs.readFileSync(markdown, "utf8")).toContain("| port-forward | ✅ passed");
  }, 60_000);

  test("a failing check exits 1, and 0 with --no-fail (the component's mode); the JSON reports it either way", () => {
    fs.writeFileSync(path.join(dir, "kubeconfig"), "apiVersion: v1\n", { mode: 0o600 });
    const args = ["--cluster", "cluster1", "--kubeconfig", path.join(dir, "kubeconfig"), "--json"];
    const skip = ["--skip", "encryption-at-rest,spread,pod-network,port-forward,nodeport"];
    const strict = smoke([...args, ...skip], { FAKE_SMOKE_BREAK: "crictl" });
    expect(strict.code).toBe(1);
    const report = JSON.parse(strict.stdout) as SmokeReport;
    expect(report.smokePassed).toBe(false);
    expect(report.clusters[0].checks.find((c) => c.id === "runtime")).toMatchObject({
      status: "failed",
      message: expect.stringMatching(
        /^crictl ps on cluster1-control-plane failed \(exit 1\): time=.*level=fatal/,
      ),
      diagnostics: expect.arrayContaining([
        "pod nginx-7d9c5b6f8d-4lq2m on cluster1-control-plane: Running, ready 1/1",
      ]),
    });
    expect(report.clusters[0].checks.find((c) => c.id === "logs")?.message).toBe(
      "needs port-forward, which was skipped",
    );

    const lenient = smoke([...args, ...skip, "--no-fail"], { FAKE_SMOKE_BREAK: "crictl" });
    expect(lenient.code).toBe(0);
    expect((JSON.parse(lenient.stdout) as SmokeReport).smokePassed).toBe(false);
  }, 60_000);

  test("a missing kubeconfig file is a setup problem with a clear message, exit 2", () => {
    const r = smoke(["--cluster", "cluster1", "--kubeconfig", path.join(dir, "nope")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `smoke: cannot run:\n  - no kubeconfig file at ${path.join(dir, "nope")} for cluster cluster1`,
    );
  }, 60_000);

  test("a usage error prints the usage and exits 2", () => {
    const r = smoke(["--cluster", "cluster1"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "smoke: --cluster needs exactly one of --kubeconfig <file> or --kubeconfig-env <VAR>",
    );
    expect(r.stderr).toContain("Usage:");
  }, 60_000);
});
