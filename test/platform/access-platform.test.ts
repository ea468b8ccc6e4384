import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { validatePlatform, type PlatformConfig } from "../../components/config/platform";
import { Problems } from "../../components/config/problems";
import {
  installMocks,
  secretOf,
  settle,
  valueOf,
  type Mocks,
  type Registered,
} from "../support/pulumi-mocks";
import { MOCK_AGENT_SECRET, platformStateFor } from "./access-platform-mocks";

function platform(raw: Record<string, unknown> = {}, portOffset = 0): PlatformConfig {
  const problems = new Problems();
  const cfg = validatePlatform({ platform: raw }, { namePrefix: "", portOffset }, problems);
  expect(problems.list).toEqual([]);
  return cfg;
}

const CONTAINER = "docker:index/container:Container";
const inputs = (name: string) => mocks.byName(name).inputs;
const envOf = (name: string) =>
  Object.fromEntries((unwrap(inputs(name).envs) as string[]).map((l) => l.split(/=(.*)/s).slice(0, 2)));

/** Inputs arrive in the mocks as `{<sig>: <secret sig>, value}` when secret. */
function isSecretInput(v: unknown): boolean {
  return typeof v === "object" && v !== null && "value" in v && Object.keys(v).length === 2;
}
function unwrap(v: unknown): unknown {
  return isSecretInput(v) ? (v as { value: unknown }).value : v;
}

const licenseFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "qp-")), "community.license");
fs.writeFileSync(licenseFile, "fake license for tests\n");

class FakeCluster extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Cluster", name, {});
  }
}
const fakeToken = ["not", "a", "real", "token"].join("-");

type Platform = InstanceType<typeof import("../../components/platform/access-platform").AccessPlatform>;
let mocks: Mocks;
let qp: Platform;
let full: Platform;

beforeAll(async () => {
  // setMocks must take effect before the component module loads.
  mocks = await installMocks({ stateFor: platformStateFor });
  const { AccessPlatform } = await import("../../components/platform/access-platform");
  // A stand-in for a cluster: the platform must never wait for it.
  new FakeCluster("cluster1");
  // Default config, no token: the bootstrap case.
  qp = new AccessPlatform("qp", { platform: platform(), namePrefix: "", stack: "lab" });
  // Every option: prefix, offset, open bind, license, KAC host, proxy range, a token.
  full = new AccessPlatform("full", {
    platform: platform(
      {
        bindAddress: "0.0.0.0",
        licenseFile,
        kacProxyHost: "localhost",
        proxyPortRange: { start: 40000, end: 40002 },
      },
      100,
    ),
    namePrefix: "alice-",
    apiToken: pulumi.secret(fakeToken),
  });
  await valueOf(qp.appContainerName);
  await valueOf(full.appContainerName);
  await settle();
});

const ofComponent = (prefix: string) => (r: Registered) => r.name.startsWith(`${prefix}-`);

describe("AccessPlatform images and names", () => {
  test("pulls the four images pinned by tag and keeps them on destroy", () => {
    const images = mocks.registered.filter(
      (r) => r.type === "docker:index/remoteImage:RemoteImage" && ofComponent("qp")(r),
    );
    expect(images.map((r) => [r.name, r.inputs.name, r.inputs.keepLocally])).toEqual([
      ["qp-mysql-image", "docker.io/querypie/mysql:8.0.42", true],
      ["qp-redis-image", "docker.io/querypie/redis:7.4.5", true],
      ["qp-tools-image", "docker.io/querypie/querypie-tools:11.4.1", true],
      ["qp-app-image", "docker.io/querypie/querypie:11.4.1", true],
    ]);
    expect(inputs("qp-app").image).toBe("sha256-of-docker.io/querypie/querypie:11.4.1");
  });

  test("every docker object name carries the stack's prefix", () => {
    const named = mocks.registered.filter(
      (r) => ofComponent("full")(r) && r.type.startsWith("docker:") && !r.type.includes("remoteImage"),
    );
    expect(named.map((r) => r.inputs.name).sort()).toEqual([
      "alice-querypie-app",
      "alice-querypie-db",
      "alice-querypie-mysql",
      "alice-querypie-mysql-data",
      "alice-querypie-net",
      "alice-querypie-redis",
      "alice-querypie-tools",
    ]);
  });

  test("containers with fixed names are deleted before they are replaced", () => {
    for (const part of ["mysql", "redis", "tools", "app"]) {
      expect(mocks.byName(`qp-${part}`).deleteBeforeReplace).toBe(true);
    }
  });
});

describe("AccessPlatform networking", () => {
  test("MySQL and Redis publish no port and sit only on the internal network", () => {
    expect(inputs("qp-db-network")).toMatchObject({ name: "querypie-db", internal: true });
    for (const part of ["mysql", "redis"]) {
      expect(inputs(`qp-${part}`).ports).toBeUndefined();
      expect(inputs(`qp-${part}`).networksAdvanced).toEqual([{ name: "querypie-db" }]);
    }
  });

  test("no container anywhere publishes 3306 or 6379", () => {
    const published = mocks.registered
      .filter((r) => r.type === CONTAINER)
      .flatMap((r) => ((r.inputs.ports as { internal: number }[]) ?? []).map((p) => p.internal));
    expect(published).not.toContain(3306);
    expect(published).not.toContain(6379);
  });

  test("the app publishes its ports on 127.0.0.1 by default, and on the configured address otherwise", () => {
    const ips = (name: string) => new Set((inputs(name).ports as { ip: string }[]).map((p) => p.ip));
    expect(ips("qp-app")).toEqual(new Set(["127.0.0.1"]));
    expect(ips("full-app")).toEqual(new Set(["0.0.0.0"]));
    expect((inputs("full-app").ports as unknown[]).length).toBe(5 + 3);
  });

  test("the tools API is published on loopback only, whatever the bind address", () => {
    expect(inputs("full-tools").ports).toEqual([
      { internal: 8050, external: 8150, ip: "127.0.0.1", protocol: "tcp" },
    ]);
  });

  test("the app and tools reach the databases on the internal network and publish through the other", () => {
    for (const name of ["qp-app", "qp-tools"]) {
      expect(inputs(name).networksAdvanced).toEqual([{ name: "querypie-net" }, { name: "querypie-db" }]);
    }
    expect(inputs("qp-app-network").internal).toBeUndefined();
  });

  test("the app maps host.docker.internal to the host gateway", () => {
    expect(inputs("qp-app").hosts).toEqual([{ host: "host.docker.internal", ip: "host-gateway" }]);
  });

  test("MySQL keeps its data in the named volume and gets the init SQL", () => {
    expect(inputs("qp-mysql").volumes).toEqual([
      { volumeName: "querypie-mysql-data", containerPath: "/var/lib/mysql" },
    ]);
    const [upload] = inputs("qp-mysql").uploads as { file: string; content: string }[];
    expect(upload.file).toBe("/docker-entrypoint-initdb.d/init.sql");
    expect(upload.content).toContain("CREATE DATABASE IF NOT EXISTS querypie_snapshot");
  });

  test("every container restarts unless stopped and has a healthcheck; MySQL and Redis are waited for", () => {
    for (const part of ["mysql", "redis", "tools", "app"]) {
      expect(inputs(`qp-${part}`).restart).toBe("unless-stopped");
      expect(inputs(`qp-${part}`).healthcheck).toBeDefined();
    }
    expect(inputs("qp-mysql").wait).toBe(true);
    expect(inputs("qp-redis").wait).toBe(true);
  });

  // The docker provider reads healthchecks back with Go's Duration.String(); "120s" comes back as
  // "2m0s", which would be a change on every up (resource_docker_container_funcs.go, Read).
  test("healthcheck durations are spelt as the provider reads them back, so an up without changes shows none", () => {
    const goSpelling = /^(?:[1-9]\d*h(?:[0-5]?\d)m(?:[0-5]?\d)s|[1-5]?\dm(?:[0-5]?\d)s|[0-5]?\ds)$/;
    for (const part of ["mysql", "redis", "tools", "app"]) {
      const hc = inputs(`qp-${part}`).healthcheck as Record<string, unknown>;
      for (const key of ["interval", "timeout", "startPeriod", "startInterval"]) {
        if (hc[key] !== undefined) expect(hc[key], `${part}.${key}`).toMatch(goSpelling);
      }
    }
    expect((inputs("qp-mysql").healthcheck as Record<string, unknown>).startPeriod).toBe("2m0s");
    expect((inputs("qp-app").healthcheck as Record<string, unknown>).startPeriod).toBe("4m0s");
  });
});

describe("AccessPlatform secrets", () => {
  test("every container's env array is a secret input and a declared secret output", () => {
    for (const part of ["mysql", "redis", "tools", "app"]) {
      expect(isSecretInput(inputs(`qp-${part}`).envs)).toBe(true);
      expect(mocks.byName(`qp-${part}`).additionalSecretOutputs).toContain("envs");
    }
  });

  test("the Redis password reaches Redis through a secret config file, not its command line", () => {
    expect(inputs("qp-redis").command).toEqual(["redis-server", "/usr/local/etc/redis/redis.conf"]);
    // The engine lifts a nested secret to the whole list: the uploads input is secret.
    expect(isSecretInput(inputs("qp-redis").uploads)).toBe(true);
    expect(mocks.byName("qp-redis").additionalSecretOutputs).toContain("uploads");
    const [upload] = unwrap(inputs("qp-redis").uploads) as { content: unknown }[];
    expect(upload.content).toBe('requirepass "mock-secret-qp-redis-password"\n');
  });

  test("the generated credentials never re-roll: their inputs are ignored after creation", () => {
    const passwords = mocks.registered.filter(
      (r) => r.type === "random:index/randomPassword:RandomPassword" && ofComponent("qp")(r),
    );
    expect(passwords.map((r) => r.name).sort()).toEqual([
      "qp-agent-secret",
      "qp-db-password",
      "qp-key-encryption-key",
      "qp-mysql-root-password",
      "qp-redis-password",
    ]);
    for (const p of passwords)
      expect(p.ignoreChanges).toEqual(expect.arrayContaining(["length", "special", "keepers"]));
  });

  test("AGENT_SECRET is drawn from the 16 hex digits only, 32 of them", () => {
    expect(inputs("qp-agent-secret")).toMatchObject({
      length: 32,
      lower: false,
      upper: false,
      numeric: false,
      special: true,
      overrideSpecial: "0123456789abcdef",
    });
  });

  test("the app gets every vendor .env key with the generated secrets", () => {
    expect(envOf("full-app")).toEqual({
      VERSION: "11.4.1",
      AGENT_SECRET: MOCK_AGENT_SECRET,
      KEY_ENCRYPTION_KEY: "mock-secret-full-key-encryption-key",
      DB_HOST: "alice-querypie-mysql",
      DB_PORT: "3306",
      DB_CATALOG: "querypie",
      LOG_DB_CATALOG: "querypie_log",
      ENG_DB_CATALOG: "querypie_snapshot",
      DB_USERNAME: "querypie",
      DB_PASSWORD: "mock-secret-full-db-password",
      DB_MAX_CONNECTION_SIZE: "20",
      DB_DRIVER_CLASS: "org.mariadb.jdbc.Driver",
      REDIS_NODES: "alice-querypie-redis:6379",
      REDIS_PASSWORD: "mock-secret-full-redis-password",
    });
    expect(envOf("full-tools").KEK).toBe("mock-secret-full-key-encryption-key");
    expect(envOf("full-mysql").MYSQL_PASSWORD).toBe("mock-secret-full-db-password");
  });

  test("the API token reaches only the readiness step, as a secret", () => {
    const env = inputs("full-ready").environment as Record<string, unknown>;
    expect(isSecretInput(env) || isSecretInput(env.QP_API_TOKEN)).toBe(true);
    const configureEnv = unwrap(inputs("full-configure").environment) as Record<string, unknown>;
    expect(configureEnv.QP_API_TOKEN).toBeUndefined();
    expect(JSON.stringify(inputs("full-migrate"))).not.toContain(fakeToken);
  });
});

describe("AccessPlatform ordering", () => {
  test("the app waits for the migrations, which wait for the tools and MySQL", () => {
    expect(mocks.byName("qp-app").deps).toEqual(expect.arrayContaining(["qp-migrate", "qp-redis"]));
    expect(mocks.byName("qp-migrate").deps).toEqual(expect.arrayContaining(["qp-tools", "qp-mysql"]));
    expect(mocks.byName("qp-ready").deps).toContain("qp-app");
    expect(mocks.byName("full-configure").deps).toContain("full-ready");
  });

  test("nothing in the platform depends on a cluster", () => {
    const platformResources = mocks.registered.filter((r) => ofComponent("qp")(r) || ofComponent("full")(r));
    expect(platformResources.length).toBeGreaterThan(20);
    for (const r of platformResources) expect(r.deps).not.toContain("cluster1");
  });

  test("migrations run once per tools image; readiness runs again whenever the app is replaced", () => {
    expect(inputs("qp-migrate").triggers).toEqual([
      "docker.io/querypie/querypie-tools:11.4.1",
      "querypie-mysql-data",
    ]);
    expect(inputs("qp-ready").triggers).toEqual(["qp-app-id"]);
  });

  test("the migrate, wait and configure steps run the steps script with their settings in the environment", () => {
    expect(inputs("qp-migrate")).toMatchObject({
      create: "node_modules/.bin/tsx scripts/platform-steps.ts migrate",
      environment: {
        QP_TOOLS_URL: "http://127.0.0.1:8050",
        QP_TOOLS_CONTAINER: "querypie-tools",
        QP_TIMEOUT_SECONDS: "600",
      },
    });
    expect(inputs("qp-ready")).toMatchObject({
      create: "node_modules/.bin/tsx scripts/platform-steps.ts wait",
      environment: {
        QP_URL: "http://127.0.0.1:8000",
        QP_APP_CONTAINER: "querypie-app",
        QP_VERSION: "11.4.1",
      },
    });
    expect(unwrap(inputs("full-configure").environment)).toMatchObject({
      QP_LICENSE_FILE: licenseFile,
      QP_KAC_PROXY_HOST: "localhost",
      QP_MYSQL_CONTAINER: "alice-querypie-mysql",
      QP_TOOLS_URL: "http://127.0.0.1:8150",
    });
  });

  test("the configure step exists only when a license or a KAC host is set, and re-runs when either changes", () => {
    expect(mocks.registered.some((r) => r.name === "qp-configure")).toBe(false);
    const triggers = inputs("full-configure").triggers as string[];
    expect(triggers[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(triggers.slice(1)).toEqual(["localhost", "alice-querypie-mysql-data"]);
    expect(JSON.stringify(triggers)).not.toContain("fake license");
  });

  test("ready is the last step: configure when there is one, else the readiness wait", async () => {
    expect(await valueOf((qp.ready as pulumi.CustomResource).urn)).toMatch(/::qp-ready$/);
    expect(await valueOf((full.ready as pulumi.CustomResource).urn)).toMatch(/::full-configure$/);
  });
});

describe("AccessPlatform outputs", () => {
  test("the documented outputs, for the bootstrap case", async () => {
    expect({
      webUrl: await valueOf(qp.webUrl),
      apiBaseUrl: await valueOf(qp.apiBaseUrl),
      version: await valueOf(qp.version),
      kacProxyEndpoint: await valueOf(qp.kacProxyEndpoint),
      appContainerName: await valueOf(qp.appContainerName),
      appContainerId: await valueOf(qp.appContainerId),
      toolsContainerName: await valueOf(qp.toolsContainerName),
      hostsLine: await valueOf(qp.hostsLine),
    }).toEqual({
      webUrl: "http://127.0.0.1:8000",
      apiBaseUrl: "http://127.0.0.1:8000/api/external/v2",
      version: "11.4.1",
      kacProxyEndpoint: "https://customer.kac-proxy.domain:6443",
      appContainerName: "querypie-app",
      appContainerId: "qp-app-id",
      toolsContainerName: "querypie-tools",
      hostsLine: "127.0.0.1 customer.kac-proxy.domain",
    });
    expect(await valueOf(qp.nextSteps)).toContain(
      "pulumi config set --secret querypieApiToken <token> --stack lab",
    );
  });

  test("with a token there are no next steps; with a KAC host there is no hosts line", async () => {
    expect(await valueOf(full.nextSteps)).toBeUndefined();
    expect(await valueOf(full.hostsLine)).toBeUndefined();
    expect(await valueOf(full.kacProxyEndpoint)).toBe("https://localhost:6543");
    expect(await valueOf(full.webUrl)).toBe("http://127.0.0.1:8100");
  });

  test("no output is secret, and none holds a generated credential or the token", async () => {
    const outputs = [
      qp.webUrl,
      qp.apiBaseUrl,
      qp.version,
      qp.kacProxyEndpoint,
      qp.appContainerName,
      qp.appContainerId,
      qp.toolsContainerName,
      qp.hostsLine,
      qp.nextSteps,
      full.nextSteps,
      full.appContainerName,
    ] as pulumi.Output<unknown>[];
    for (const o of outputs) expect(await secretOf(o)).toBe(false);
    const text = JSON.stringify(await Promise.all(outputs.map(valueOf)));
    expect(text).not.toMatch(/mock-secret|0123456789abcdef0123/);
    expect(text).not.toContain(fakeToken);
  });
});
