import { describe, expect, test } from "vitest";
import { loadLabConfig } from "../../components/config";
import { readStackFile } from "../../components/config/raw";
import { parsePreflightArgs, preflightCommand } from "../../components/host/preflight-command";
import { plannedPorts, runPreflight } from "../../components/host/run-preflight";
import { FakeProbe, HEALTHY, NO_ENGINE } from "./fake-probe";

async function run(argv: string[], probe: FakeProbe, readRaw = readStackFile) {
  const lines: string[] = [];
  const code = await preflightCommand(argv, { probe, readRaw, log: (l) => lines.push(l) });
  return { code, lines, text: lines.join("\n") };
}

describe("npm run preflight: exit codes and lines", () => {
  test("a healthy host passes with exit 0 and one OK line per check", async () => {
    const { code, lines } = await run([], new FakeProbe(HEALTHY));
    expect(code).toBe(0);
    expect(lines[0]).toBe('Preflight for stack "lab":');
    expect(lines.filter((l) => l.startsWith("  OK   ")).map((l) => l.split(":")[0]?.trim())).toEqual([
      "OK   stack config",
      "OK   Docker engine",
      "OK   kind",
      "OK   kubectl",
      "OK   Pulumi CLI",
      "OK   host ports",
      "OK   inotify limits",
    ]);
    expect(lines.at(-1)).toBe("Preflight passed: this host can run the lab.");
  });

  test("this machine's case: CLI without engine, no kind, no pulumi: says so plainly and exits 2", async () => {
    const probe = new FakeProbe({
      ...HEALTHY,
      commands: { "docker info": NO_ENGINE, kubectl: HEALTHY.commands.kubectl! },
    });
    const { code, text } = await run([], probe);
    expect(code).toBe(2);
    expect(text).toContain("FAIL Docker engine: the docker CLI is installed but no Docker engine is running");
    expect(text).toContain("FAIL kind: not installed (not found on PATH).");
    expect(text).toContain("FAIL Pulumi CLI: not installed (not found on PATH).");
    expect(text).toContain("Preflight failed: 3 checks above need a fix; nothing was created.");
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
  });

  test("a busy port fails the run and names the port and its owner", async () => {
    const { code, text } = await run([], new FakeProbe({ ...HEALTHY, busyPorts: [6444] }));
    expect(code).toBe(2);
    expect(text).toContain(
      "FAIL host port 6444: port 6444/tcp on 127.0.0.1 (cluster1 API server) is in use by another program.",
    );
  });

  test("--no-platform leaves QueryPie's ports out", async () => {
    const probe = new FakeProbe({ ...HEALTHY, busyPorts: [8000] });
    expect((await run([], probe)).code).toBe(2);
    expect((await run(["--no-platform"], new FakeProbe({ ...HEALTHY, busyPorts: [8000] }))).code).toBe(0);
  });

  test("a stack file that does not exist is a FAIL line, the host checks still run, exit 2", async () => {
    const { code, text } = await run(["--stack", "nope"], new FakeProbe(HEALTHY));
    expect(code).toBe(2);
    expect(text).toMatch(/FAIL stack config: No stack config at .*Pulumi\.nope\.yaml/);
    expect(text).toContain("OK   Docker engine");
  });

  test("an invalid stack config lists its problems on the config line", async () => {
    const { code, text } = await run([], new FakeProbe(HEALTHY), () => ({ portOffset: -5 }));
    expect(code).toBe(2);
    expect(text).toContain(
      "FAIL stack config: 1 problem(s): kind-access-lab:portOffset = -5: must be a whole number",
    );
  });

  test.each([
    [["--stack"], "--stack needs a stack name"],
    [["--bogus"], 'unknown argument "--bogus"'],
  ])("bad arguments %j exit 64 with %s", async (argv, message) => {
    const { code, text } = await run(argv, new FakeProbe(HEALTHY));
    expect(code).toBe(64);
    expect(text).toContain(message);
  });

  test("parsePreflightArgs takes --stack=name and --stack name", () => {
    expect(parsePreflightArgs(["--stack=dev-a"])).toEqual({ stack: "dev-a", noPlatform: false, help: false });
    expect(parsePreflightArgs(["--stack", "ci-1", "--no-platform"])).toEqual({
      stack: "ci-1",
      noPlatform: true,
      help: false,
    });
  });
});

describe("the port plan", () => {
  test("the lab stack binds each cluster's API and mapping ports and QueryPie's ports", () => {
    const config = loadLabConfig(readStackFile("lab"), { stack: "lab" });
    const planned = plannedPorts(config);
    expect(planned.filter((p) => p.container === "cluster1-control-plane").map((p) => p.port)).toEqual([
      6444, 8080,
    ]);
    expect(planned.filter((p) => p.container === "cluster2-control-plane").map((p) => p.port)).toEqual([
      6445, 8081,
    ]);
    const platform = planned.filter((p) => p.containerPrefix === "querypie-");
    expect(platform.map((p) => p.port).sort()).toEqual(
      Object.values(config.platform.ports).map(Number).sort(),
    );
    expect(platform.find((p) => p.owner === "QueryPie tools")?.address).toBe("127.0.0.1");
  });

  test("with the platform off no QueryPie port is planned", () => {
    const config = loadLabConfig({ ...readStackFile("lab"), platform: { enabled: false } }, { stack: "lab" });
    expect(plannedPorts(config).some((p) => p.owner.startsWith("QueryPie"))).toBe(false);
  });

  test("docker ps is asked who holds a busy port only when the engine answers", async () => {
    const config = loadLabConfig(readStackFile("lab"), { stack: "lab" });
    const probe = new FakeProbe({ ...HEALTHY, busyPorts: [6444] });
    await runPreflight(probe, { config });
    expect(probe.calls).toContain("docker ps --format {{.Names}}\t{{.Ports}}");
    const noEngine = new FakeProbe({ ...HEALTHY, busyPorts: [6444], commands: { "docker info": NO_ENGINE } });
    await runPreflight(noEngine, { config });
    expect(noEngine.calls.some((c) => c.startsWith("docker ps"))).toBe(false);
  });

  test("on macOS inotify is skipped, not failed", async () => {
    const results = await runPreflight(new FakeProbe({ ...HEALTHY, platform: "darwin", files: {} }), {
      only: ["inotify"],
    });
    expect(results.map((r) => r.status)).toEqual(["skip"]);
  });
});
