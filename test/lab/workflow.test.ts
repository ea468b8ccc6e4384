import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { parsePreflightArgs } from "../../components/host/preflight-command";
import { parseLabArgs } from "../../components/lab/args";

const ROOT = path.resolve(__dirname, "..", "..");
const FILE = path.join(ROOT, ".github", "workflows", "lab-e2e.yml");

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}

const workflow = parse(fs.readFileSync(FILE, "utf8")) as {
  name: string;
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency: { group: string; "cancel-in-progress": boolean };
  env: Record<string, string>;
  jobs: Record<string, { "runs-on": string; "timeout-minutes": number; steps: Step[] }>;
};
const job = workflow.jobs.e2e!;
const steps = job.steps;
const stepRunning = (pattern: RegExp) => steps.findIndex((s) => pattern.test(s.run ?? ""));

/** The words after `npm run <script> --` in a step, as argv (quotes removed). */
function argvOf(script: string): string[] {
  const run = steps.map((s) => s.run ?? "").find((r) => r.includes(`npm run ${script} --`)) ?? "";
  const tail =
    run.slice(run.indexOf(`npm run ${script} --`) + `npm run ${script} --`.length).split("\n")[0] ?? "";
  return [...tail.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? "");
}

describe(".github/workflows/lab-e2e.yml", () => {
  test("is valid YAML with triggers, one job on an Ubuntu runner, and a time limit", () => {
    expect(workflow.name).toBe("lab-e2e");
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["workflow_dispatch", "pull_request"]));
    // Whatever changes what `pulumi up` runs triggers it: the program, its project file, its compiler settings.
    expect((workflow.on.pull_request as { paths: string[] }).paths).toEqual(
      expect.arrayContaining([
        "components/**",
        "stacks/**",
        "Pulumi.yaml",
        "tsconfig.json",
        "package-lock.json",
      ]),
    );
    expect(job["runs-on"]).toMatch(/^ubuntu-/);
    expect(job["timeout-minutes"]).toBeGreaterThan(0);
    for (const s of steps) expect(Boolean(s.uses) !== Boolean(s.run)).toBe(true);
    expect(workflow.permissions).toEqual({ contents: "read" });
    expect(workflow.concurrency["cancel-in-progress"]).toBe(true);
  });

  test("pins kind by version and checks the binary's sha256 before installing it", () => {
    expect(workflow.env.KIND_VERSION).toBe("v0.29.0");
    expect(workflow.env.KIND_SHA256).toMatch(/^[0-9a-f]{64}$/);
    const install = steps[stepRunning(/kind-linux-amd64/)]?.run ?? "";
    expect(install.indexOf("sha256sum -c")).toBeGreaterThan(install.indexOf("curl"));
    expect(install.indexOf("sha256sum -c")).toBeLessThan(install.indexOf("install -m 0755"));
  });

  test("pins the Pulumi CLI to the SDK version in package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    expect(workflow.env.PULUMI_VERSION).toBe(pkg.dependencies["@pulumi/pulumi"]);
    expect(steps[stepRunning(/get\.pulumi\.com/)]?.run).toContain('--version "${PULUMI_VERSION}"');
  });

  test("a Node version the Pulumi SDK supports (its engines field), then the inotify bump, npm ci, preflight, the ci run", () => {
    const node = steps.findIndex((s) => s.uses?.startsWith("actions/setup-node@"));
    const sdk = JSON.parse(
      fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
    ) as { engines: { node: string } };
    const floor = Number(/^>=\s*(\d+)$/.exec(sdk.engines.node)?.[1]);
    expect(floor).toBeGreaterThanOrEqual(20);
    expect(steps[node]?.with?.["node-version"]).toBeGreaterThanOrEqual(floor);
    const order = [
      node,
      stepRunning(/sysctl -w fs\.inotify\.max_user_watches=524288 fs\.inotify\.max_user_instances=512/),
      stepRunning(/^npm ci/),
      stepRunning(/npm run preflight/),
      stepRunning(/npm run lab -- ci/),
    ];
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  test("the commands it runs are ones our parsers accept: ci without QueryPie, with JUnit and Markdown paths", () => {
    expect(parseLabArgs(argvOf("lab"))).toMatchObject({
      command: "ci",
      noPlatform: true,
      junit: "$REPORTS/smoke-junit.xml",
      markdown: "$REPORTS/smoke-summary.md",
    });
    expect(parsePreflightArgs(argvOf("preflight"))).toEqual({ stack: "ci", noPlatform: true, help: false });
    expect(fs.existsSync(path.join(ROOT, "stacks", "Pulumi.ci.yaml"))).toBe(true);
  });

  test("always uploads the JUnit report and appends the Markdown to the step summary", () => {
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(upload?.if).toBe("always()");
    expect(upload?.with?.path).toBe("${{ env.REPORTS }}/");
    const summary = steps.find((s) => (s.run ?? "").includes("GITHUB_STEP_SUMMARY"));
    expect(summary?.if).toBe("always()");
    expect(summary?.run).toContain('cat "$REPORTS/smoke-summary.md" >> "$GITHUB_STEP_SUMMARY"');
  });
});
