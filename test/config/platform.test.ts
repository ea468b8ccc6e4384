import { describe, expect, test } from "vitest";
import {
  compareVersions,
  platformHostPorts,
  validatePlatform,
  type PlatformConfig,
  type PlatformContext,
} from "../../components/config/platform";
import { LabConfigError, loadLabConfig } from "../../components/config";
import { formatProblem, Problems, type ConfigProblem } from "../../components/config/problems";

const CTX: PlatformContext = { namePrefix: "", portOffset: 0, projectDir: "/lab" };

function run(
  platform: unknown,
  ctx: Partial<PlatformContext> = {},
): { cfg: PlatformConfig; problems: ConfigProblem[] } {
  const problems = new Problems();
  const cfg = validatePlatform(platform === undefined ? {} : { platform }, { ...CTX, ...ctx }, problems);
  return { cfg, problems: problems.list };
}

describe("validatePlatform defaults", () => {
  test("no platform key gives QueryPie 11.4.1 on loopback with the vendor's ports and no warnings", () => {
    const { cfg, problems } = run(undefined);
    expect(problems).toEqual([]);
    expect(cfg).toEqual({
      enabled: true,
      version: "11.4.1",
      images: {
        mysql: "docker.io/querypie/mysql:8.0.42",
        redis: "docker.io/querypie/redis:7.4.5",
        tools: "docker.io/querypie/querypie-tools:11.4.1",
        app: "docker.io/querypie/querypie:11.4.1",
      },
      bindAddress: "127.0.0.1",
      ports: { web: 8000, https: 8443, agent: 9000, kacProxy: 6443, webProxy: 7447, tools: 8050 },
      readinessTimeoutSeconds: 600,
      adminLoginId: "qp-admin",
      warnings: [],
    });
  });

  test("the port offset moves every host port, including the proxy range, so dev stacks do not collide", () => {
    const { cfg } = run({ proxyPortRange: { start: 40000, end: 40002 } }, { portOffset: 100 });
    expect(cfg.ports).toEqual({
      web: 8100,
      https: 8543,
      agent: 9100,
      kacProxy: 6543,
      webProxy: 7547,
      tools: 8150,
    });
    expect(cfg.proxyPortRange).toEqual({ start: 40100, end: 40102 });
  });

  test("a version sets the tools and app image tags; explicit images win", () => {
    const { cfg } = run({ version: "11.5.0", images: { mysql: "registry.local:5000/mysql:8.0.42" } });
    expect(cfg.images.tools).toBe("docker.io/querypie/querypie-tools:11.5.0");
    expect(cfg.images.app).toBe("docker.io/querypie/querypie:11.5.0");
    expect(cfg.images.mysql).toBe("registry.local:5000/mysql:8.0.42");
  });

  test("a relative licenseFile resolves against the project directory", () => {
    expect(run({ licenseFile: "secrets/qp.license" }).cfg.licenseFile).toBe("/lab/secrets/qp.license");
  });
});

describe("validatePlatform warnings (allowed, but said)", () => {
  test.each([
    [
      "the seed's 11.0.1-beta",
      { version: "11.0.1-beta" },
      'kind-access-lab:platform.version = "11.0.1-beta": is older than 11.4.1, the version of the vendor API file this lab is built against, so its API may lack the /kac/ paths (the readiness step checks and fails clearly if so). Fix: use 11.4.1 unless you must reproduce the seed\'s 11.0.1-beta.',
    ],
    [
      "a newer version",
      { version: "11.6.0" },
      'kind-access-lab:platform.version = "11.6.0": is newer than 11.4.1, the version of the vendor API file this lab is built against; the /kac/ paths are checked at run time. Fix: use 11.4.1 for the tested combination.',
    ],
    [
      "binding every interface",
      { bindAddress: "0.0.0.0" },
      'kind-access-lab:platform.bindAddress = "0.0.0.0": publishes QueryPie on every interface of this host, including the web UI with the default qp-admin password until the first login changes it. Fix: use "127.0.0.1" unless other machines must reach this lab.',
    ],
  ])("%s", (_name, platform, message) => {
    const { cfg, problems } = run(platform);
    expect(problems).toEqual([]);
    expect(cfg.warnings.map(formatProblem)).toEqual([message]);
  });

  test("a KAC proxy port other than 6443 warns that QueryPie advertises 6443", () => {
    const { cfg } = run(undefined, { portOffset: 100 });
    expect(cfg.warnings.map(formatProblem)).toEqual([
      "kind-access-lab:platform.ports.kacProxy = 6543: differs from 6443, while QueryPie advertises its KAC proxy on port 6443 by default (table k_proxy_setting), so agents would dial the wrong port. Fix: after the bootstrap, set the KAC proxy port to 6543 in QueryPie's Kubernetes proxy settings, or use portOffset 0 for this stack.",
    ]);
  });

  test("a disabled platform warns about nothing", () => {
    expect(run({ enabled: false, version: "11.0.1-beta", bindAddress: "0.0.0.0" }).cfg.warnings).toEqual([]);
  });
});

describe("validatePlatform problems (key, value, message, fix)", () => {
  test.each([
    [
      "platform is not a mapping",
      "yes",
      {},
      'kind-access-lab:platform = "yes": must be a mapping of platform settings. Fix: write it as `platform: {version: 11.4.1, ...}` or leave it unset for the defaults.',
    ],
    [
      "an unknown setting",
      { verison: "11.4.1" },
      {},
      'kind-access-lab:platform.verison = "11.4.1": is not a platform setting. Fix: use one of enabled, version, images, bindAddress, ports, proxyPortRange, licenseFile, kacProxyHost, readinessTimeoutSeconds, adminLoginId.',
    ],
    [
      "enabled is not a boolean",
      { enabled: "no" },
      {},
      'kind-access-lab:platform.enabled = "no": must be true or false. Fix: use true (install QueryPie) or false.',
    ],
    [
      "a version that is not one",
      { version: "latest" },
      {},
      'kind-access-lab:platform.version = "latest": is not a QueryPie version (major.minor.patch with an optional -suffix). Fix: use 11.4.1.',
    ],
    [
      "a version before the compose layout",
      { version: "10.2.6" },
      {},
      'kind-access-lab:platform.version = "10.2.6": is older than 11.0.0, the first version the mysql/redis/tools/app layout supports. Fix: use 11.4.1.',
    ],
    [
      "an image without a tag",
      { images: { app: "docker.io/querypie/querypie" } },
      {},
      'kind-access-lab:platform.images.app = "docker.io/querypie/querypie": must be an image reference pinned by a tag or a digest. Fix: use e.g. "docker.io/querypie/querypie:11.4.1".',
    ],
    [
      "an image the lab does not run",
      { images: { postgres: "postgres:16" } },
      {},
      'kind-access-lab:platform.images.postgres = "postgres:16": is not an image this lab runs. Fix: use mysql, redis, tools or app.',
    ],
    [
      "a bind address that is a host name",
      { bindAddress: "localhost" },
      {},
      'kind-access-lab:platform.bindAddress = "localhost": must be an IPv4 address of this host. Fix: use "127.0.0.1" (this machine only) or "0.0.0.0" (every interface).',
    ],
    [
      "a port out of range",
      { ports: { web: 70000 } },
      {},
      "kind-access-lab:platform.ports.web = 70000: must be a whole number from 1 to 65535. Fix: use e.g. 8000.",
    ],
    [
      "a port name QueryPie does not publish",
      { ports: { mysql: 3306 } },
      {},
      "kind-access-lab:platform.ports.mysql = 3306: is not a port QueryPie publishes. Fix: use one of web, https, agent, kacProxy, webProxy, tools.",
    ],
    [
      "a port pushed past 65535 by the offset",
      { ports: { web: 65500 } },
      { portOffset: 100 },
      "kind-access-lab:platform.ports.web = 65500: is above 65535 once portOffset 100 is added (65600). Fix: use a smaller port or a smaller portOffset.",
    ],
    [
      "two ports on one host port",
      { ports: { https: 8000 } },
      {},
      "kind-access-lab:platform.ports.https = 8000: is the same host port as platform.ports.web (8000). Fix: give every QueryPie port its own host port.",
    ],
    [
      "a reversed proxy range",
      { proxyPortRange: { start: 40030, end: 40000 } },
      {},
      'kind-access-lab:platform.proxyPortRange = {"start":40030,"end":40000}: must be {start, end} with whole port numbers and start <= end. Fix: use {start: 40000, end: 40030} (the vendor\'s range) or leave it unset.',
    ],
    [
      "a proxy range that swallows a port",
      { proxyPortRange: { start: 7440, end: 7450 } },
      {},
      'kind-access-lab:platform.proxyPortRange = {"start":7440,"end":7450}: contains the host port of platform.ports.webProxy (7447). Fix: move the range or the port so they do not overlap.',
    ],
    [
      "a license file that does not exist",
      { licenseFile: "qp.license" },
      { fileExists: () => false },
      'kind-access-lab:platform.licenseFile = "qp.license": does not exist (looked at /lab/qp.license). Fix: put the license file there, or leave licenseFile unset and upload the license in the web UI.',
    ],
    [
      "a KAC proxy host with a scheme",
      { kacProxyHost: "https://localhost:6443" },
      {},
      'kind-access-lab:platform.kacProxyHost = "https://localhost:6443": must be a bare host name; QueryPie stores it as https://<host>. Fix: use "localhost".',
    ],
    [
      "a KAC proxy host that could break out of SQL",
      { kacProxyHost: "x'; DROP TABLE users; --" },
      {},
      "kind-access-lab:platform.kacProxyHost = \"x'; DROP TABLE users; --\": must be a host name of lower-case letters, digits, '-' and '.'. Fix: use e.g. \"localhost\", or leave it unset and add the printed hosts-file line.",
    ],
    [
      "a readiness timeout too short for a first start",
      { readinessTimeoutSeconds: 10 },
      {},
      "kind-access-lab:platform.readinessTimeoutSeconds = 10: must be a whole number of seconds from 30 to 3600. Fix: use 600 (the first start takes about two minutes, more on a slow machine).",
    ],
    [
      "an admin login id with a space",
      { adminLoginId: "qp admin" },
      {},
      "kind-access-lab:platform.adminLoginId = \"qp admin\": must be a QueryPie login id (letters, digits, '.', '_', '@', '-'). Fix: use \"qp-admin\", the built-in administrator.",
    ],
  ])("%s", (_name, platform, ctx, message) => {
    const { problems } = run(platform, ctx);
    expect(problems.map(formatProblem)).toEqual([message]);
  });

  test("an existing license file passes the injected check", () => {
    const seen: string[] = [];
    const { problems, cfg } = run(
      { licenseFile: "/etc/qp.license" },
      { fileExists: (p) => (seen.push(p), true) },
    );
    expect(problems).toEqual([]);
    expect(seen).toEqual(["/etc/qp.license"]);
    expect(cfg.licenseFile).toBe("/etc/qp.license");
  });

  test("several mistakes are all reported at once", () => {
    const { problems } = run({ version: "x", bindAddress: "y", readinessTimeoutSeconds: 0 });
    expect(problems.map((p) => p.key)).toEqual([
      "platform.version",
      "platform.bindAddress",
      "platform.readinessTimeoutSeconds",
    ]);
  });
});

describe("compareVersions", () => {
  test.each([
    ["11.4.1", "11.4.1", 0],
    ["11.0.1-beta", "11.0.1", -1],
    ["11.0.1", "11.0.1-beta", 1],
    ["11.0.1-beta", "11.4.1", -1],
    ["11.10.0", "11.4.1", 1],
    ["10.2.6", "11.0.0", -1],
  ])("%s vs %s has the sign of %i", (a, b, sign) => {
    expect(Math.sign(compareVersions(a, b))).toBe(sign);
  });
});

describe("platformHostPorts", () => {
  test("lists every published port with its owner, for the clusters' collision rule", () => {
    const { cfg } = run({ proxyPortRange: { start: 40000, end: 40001 } });
    expect(platformHostPorts(cfg)).toEqual([
      { port: 8000, owner: "QueryPie web" },
      { port: 8443, owner: "QueryPie https" },
      { port: 9000, owner: "QueryPie agent" },
      { port: 6443, owner: "QueryPie kacProxy" },
      { port: 7447, owner: "QueryPie webProxy" },
      { port: 8050, owner: "QueryPie tools" },
      { port: 40000, owner: "QueryPie agentless proxy range" },
      { port: 40001, owner: "QueryPie agentless proxy range" },
    ]);
  });

  test("a disabled platform holds no host port", () => {
    expect(platformHostPorts(run({ enabled: false }).cfg)).toEqual([]);
  });
});

describe("loadLabConfig wiring", () => {
  test("loadLabConfig passes fileExists and projectDir through, so a missing license stops the run before anything is created", () => {
    const run = () =>
      loadLabConfig(
        { platform: { licenseFile: "qp.license" } },
        { stack: "t", projectDir: "/lab", fileExists: () => false },
      );
    expect(run).toThrow(LabConfigError);
    expect(run).toThrow(
      'kind-access-lab:platform.licenseFile = "qp.license": does not exist (looked at /lab/qp.license).',
    );
  });
});
