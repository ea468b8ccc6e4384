import { describe, expect, test } from "vitest";
import {
  compareVersions,
  dockerVerdict,
  formatCheck,
  inotifyVerdict,
  parseDockerPs,
  parseVersion,
  portVerdicts,
  preflightSummary,
  toolVerdict,
  type CheckResult,
  type CommandOutcome,
  type PlannedPort,
  type PortProbe,
} from "../../components/host/preflight";

const ok = (stdout: string): CommandOutcome => ({ code: 0, stdout, stderr: "" });
const fail = (code: number, stderr: string): CommandOutcome => ({ code, stdout: "", stderr });

describe("version parsing and comparison", () => {
  test.each([
    ["kind v0.29.0 go1.24.2 linux/amd64", "0.29.0"],
    ["v3.276.0", "3.276.0"],
    ["Client Version: v1.32.4-dispatcher\nKustomize Version: v5.5.0", "1.32.4"],
    ["kind version 0.30.1", "0.30.1"],
  ])("parseVersion reads the first version in %j", (text, want) => {
    const v = parseVersion(text);
    expect(v && `${v.major}.${v.minor}.${v.patch}`).toBe(want);
  });

  test("parseVersion gives undefined when there is no version", () => {
    expect(parseVersion("command not understood")).toBeUndefined();
  });

  test.each([
    ["0.29.0", "0.29.0", 0],
    ["0.28.9", "0.29.0", -1],
    ["0.30.0", "0.29.5", 1],
    ["1.0.0", "0.99.99", 1],
  ])("compareVersions(%s, %s) has the sign %d", (a, b, sign) => {
    expect(Math.sign(compareVersions(parseVersion(a)!, parseVersion(b)!))).toBe(sign);
  });
});

describe("Docker engine verdict", () => {
  test.each<[string, CommandOutcome, NodeJS.Platform, string]>([
    [
      "engine reachable",
      ok("28.2.2|Ubuntu 24.04.2 LTS\n"),
      "linux",
      "OK   Docker engine: engine 28.2.2 reachable on Ubuntu 24.04.2 LTS.",
    ],
    [
      "Docker Desktop says so",
      ok("28.1.1|Docker Desktop\n"),
      "darwin",
      "OK   Docker engine: engine 28.1.1 reachable on Docker Desktop (Docker Desktop networking).",
    ],
    [
      "no docker CLI at all",
      "not-found",
      "linux",
      "FAIL Docker engine: the docker CLI is not installed, so there is no Docker engine to run kind on. Fix: install Docker Engine (https://docs.docker.com/engine/install/), then run this again.",
    ],
    [
      "CLI present, no engine (Linux)",
      fail(
        1,
        "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
      ),
      "linux",
      "FAIL Docker engine: the docker CLI is installed but no Docker engine is running (Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?). Fix: start it with `sudo systemctl start docker` (no engine installed? https://docs.docker.com/engine/install/), then run this again.",
    ],
    [
      "CLI present, Docker Desktop not started (macOS)",
      fail(
        1,
        "Cannot connect to the Docker daemon at unix:///Users/a/.docker/run/docker.sock. Is the docker daemon running?",
      ),
      "darwin",
      'FAIL Docker engine: the docker CLI is installed but no Docker engine is running (Cannot connect to the Docker daemon at unix:///Users/a/.docker/run/docker.sock. Is the docker daemon running?). Fix: open Docker Desktop and wait until it reports "Engine running", then run this again.',
    ],
    [
      "socket permission denied",
      fail(
        1,
        "permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock",
      ),
      "linux",
      "FAIL Docker engine: the docker CLI may not use the engine's socket (permission denied while trying to connect to the Docker daemon socket at unix:///var/run/docker.sock). Fix: add yourself to the docker group: `sudo usermod -aG docker $USER`, log out and in again (or run `newgrp docker`), then run this again.",
    ],
    [
      "some other failure",
      fail(125, "template parsing error"),
      "linux",
      "FAIL Docker engine: `docker info` failed with exit code 125: template parsing error. Fix: make `docker info` work without errors (is the engine running, is DOCKER_HOST right?), then run this again.",
    ],
  ])("%s", (_name, outcome, platform, line) => {
    expect(formatCheck(dockerVerdict(outcome, platform))).toBe(line);
  });
});

describe("kind, kubectl and Pulumi CLI verdicts", () => {
  const kindFix =
    "install kind v0.29.0 or newer: `curl -fsSLo ./kind https://kind.sigs.k8s.io/dl/v0.29.0/kind-linux-amd64 && sudo install -m 0755 ./kind /usr/local/bin/kind` (or see https://kind.sigs.k8s.io/docs/user/quick-start/#installation)";
  const pulumiFix =
    "install the Pulumi CLI: `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi/tap/pulumi`; see https://www.pulumi.com/docs/iac/download-install/); no account is needed, the lab keeps its state in .lab/";
  test.each<["kind" | "kubectl" | "pulumi", CommandOutcome, string]>([
    ["kind", ok("kind v0.29.0 go1.24.2 linux/amd64"), "OK   kind: version 0.29.0."],
    ["kind", ok("kind v0.31.0 go1.25.1 linux/amd64"), "OK   kind: version 0.31.0."],
    [
      "kind",
      ok("kind v0.27.0 go1.23.4 linux/amd64"),
      `FAIL kind: version 0.27.0 is older than 0.29.0. Fix: ${kindFix}.`,
    ],
    ["kind", "not-found", `FAIL kind: not installed (not found on PATH). Fix: ${kindFix}.`],
    [
      "kind",
      ok("something odd"),
      `FAIL kind: \`kind version\` printed no version ("something odd"). Fix: ${kindFix}.`,
    ],
    ["kubectl", ok("Client Version: v1.32.4\nKustomize Version: v5.5.0"), "OK   kubectl: version 1.32.4."],
    [
      "kubectl",
      "not-found",
      "FAIL kubectl: not installed (not found on PATH). Fix: install kubectl: see https://kubernetes.io/docs/tasks/tools/.",
    ],
    ["pulumi", ok("v3.276.0\n"), "OK   Pulumi CLI: version 3.276.0."],
    ["pulumi", ok("v3.158.0\n"), "OK   Pulumi CLI: version 3.158.0."],
    [
      "pulumi",
      ok("v3.150.0\n"),
      `FAIL Pulumi CLI: version 3.150.0 is older than 3.158.0. Fix: ${pulumiFix}.`,
    ],
    ["pulumi", "not-found", `FAIL Pulumi CLI: not installed (not found on PATH). Fix: ${pulumiFix}.`],
    [
      "pulumi",
      fail(255, "error: could not read plugins\n"),
      `FAIL Pulumi CLI: \`pulumi version\` failed with exit code 255: error: could not read plugins. Fix: ${pulumiFix}.`,
    ],
  ])("%s with %j", (tool, outcome, line) => {
    expect(formatCheck(toolVerdict(tool, outcome, "linux", "x64"))).toBe(line);
  });

  test("on arm64 Linux the kind download is the arm64 binary; on macOS it is brew", () => {
    expect(toolVerdict("kind", "not-found", "linux", "arm64").fix).toContain("kind-linux-arm64");
    expect(toolVerdict("kind", "not-found", "darwin", "arm64").fix).toContain("`brew install kind`");
  });
});

describe("inotify verdict", () => {
  test.each<[NodeJS.Platform, string | undefined, string | undefined, string]>([
    ["linux", "524288\n", "512\n", "OK   inotify limits: max_user_watches=524288, max_user_instances=512."],
    ["linux", "1048576", "8192", "OK   inotify limits: max_user_watches=1048576, max_user_instances=8192."],
    [
      "linux",
      "192536\n",
      "128\n",
      "FAIL inotify limits: max_user_watches=192536 (want >= 524288), max_user_instances=128 (want >= 512); two kind clusters can fail with \"too many open files\". Fix: `sudo sysctl -w fs.inotify.max_user_watches=524288 fs.inotify.max_user_instances=512` (to keep it after a reboot: `printf 'fs.inotify.max_user_watches=524288\\nfs.inotify.max_user_instances=512\\n' | sudo tee /etc/sysctl.d/99-kind-access-lab.conf`).",
    ],
    [
      "linux",
      "8192",
      "512",
      "FAIL inotify limits: max_user_watches=8192 (want >= 524288); two kind clusters can fail with \"too many open files\". Fix: `sudo sysctl -w fs.inotify.max_user_watches=524288` (to keep it after a reboot: `printf 'fs.inotify.max_user_watches=524288\\n' | sudo tee /etc/sysctl.d/99-kind-access-lab.conf`).",
    ],
    [
      "darwin",
      undefined,
      undefined,
      "SKIP inotify limits: not checked on darwin (Docker Desktop's VM has its own limits).",
    ],
    [
      "linux",
      undefined,
      "512",
      "SKIP inotify limits: could not read /proc/sys/fs/inotify/max_user_watches and max_user_instances.",
    ],
  ])("%s watches=%j instances=%j", (platform, watches, instances, line) => {
    expect(formatCheck(inotifyVerdict(platform, watches, instances))).toBe(line);
  });
});

describe("host port verdicts", () => {
  const api: PlannedPort = {
    port: 6444,
    address: "127.0.0.1",
    protocol: "TCP",
    owner: "cluster1 API server",
    container: "cluster1-control-plane",
  };
  const web: PlannedPort = {
    port: 8000,
    address: "127.0.0.1",
    protocol: "TCP",
    owner: "QueryPie web",
    containerPrefix: "querypie-",
  };
  const lines = (probes: [PlannedPort, PortProbe][], published?: string) =>
    portVerdicts(
      probes.map(([p]) => p),
      new Map(probes),
      published === undefined ? undefined : parseDockerPs(published),
    ).map(formatCheck);

  test("all free gives one OK line listing the ports", () => {
    expect(
      lines([
        [api, "free"],
        [web, "free"],
      ]),
    ).toEqual(["OK   host ports: 2 free (6444, 8000)."]);
  });

  test("a port held by another program names it and the fixes", () => {
    expect(
      lines([
        [api, "in-use"],
        [web, "free"],
      ]),
    ).toEqual([
      "FAIL host port 6444: port 6444/tcp on 127.0.0.1 (cluster1 API server) is in use by another program. Fix: stop what listens there (find it with `ss -ltnp 'sport = :6444'` or `lsof -nP -iTCP:6444 -sTCP:LISTEN`), or use a stack of your own, which gets its own port offset (`npm run lab -- up --stack dev`), or set portOffset in the stack config.",
    ]);
  });

  test("a port held by a foreign container names the container", () => {
    expect(lines([[web, "in-use"]], "other-app\t0.0.0.0:8000->80/tcp\n")).toEqual([
      "FAIL host port 8000: port 8000/tcp on 127.0.0.1 (QueryPie web) is in use by docker container other-app. Fix: stop it (`docker stop other-app`) if it is a leftover, or use a stack of your own, which gets its own port offset (`npm run lab -- up --stack dev`), or set portOffset in the stack config.",
    ]);
  });

  test("ports held by this stack's own containers are fine: up is then an update", () => {
    const ps =
      "cluster1-control-plane\t127.0.0.1:6444->6443/tcp, 0.0.0.0:8080->80/tcp\nquerypie-app\t127.0.0.1:8000->80/tcp\n";
    expect(
      lines(
        [
          [api, "in-use"],
          [web, "in-use"],
        ],
        ps,
      ),
    ).toEqual(["OK   host ports: 0 free, 2 held by this stack's own containers (already up) (6444, 8000)."]);
  });

  test("an address that is not on this host is its own failure", () => {
    const remote = { ...web, address: "10.9.9.9" };
    expect(lines([[remote, { error: "EADDRNOTAVAIL" }]])).toEqual([
      "FAIL host port 8000: port 8000/tcp on 10.9.9.9 (QueryPie web) cannot be bound (EADDRNOTAVAIL: that address is not on this host). Fix: use 127.0.0.1, 0.0.0.0 or an address of this host for listenAddress/bindAddress in the stack config.",
    ]);
  });

  test("parseDockerPs reads single ports, ranges and IPv6 bindings", () => {
    expect(
      parseDockerPs(
        "a\t127.0.0.1:6444->6443/tcp, [::]:8080->80/tcp\nb\t0.0.0.0:40000-40002->40000-40002/tcp\nc\t\n",
      ),
    ).toEqual([
      { container: "a", hostPorts: [6444, 8080] },
      { container: "b", hostPorts: [40000, 40001, 40002] },
      { container: "c", hostPorts: [] },
    ]);
  });
});

describe("summary line", () => {
  const r = (status: CheckResult["status"]): CheckResult => ({ id: "x", title: "x", status, detail: "d" });
  test.each([
    [[r("ok"), r("skip")], "Preflight passed: this host can run the lab."],
    [[r("ok"), r("fail")], "Preflight failed: 1 check above needs a fix; nothing was created."],
    [[r("fail"), r("fail"), r("fail")], "Preflight failed: 3 checks above need a fix; nothing was created."],
  ])("%#: %s", (results, line) => {
    expect(preflightSummary(results)).toBe(line);
  });
});
