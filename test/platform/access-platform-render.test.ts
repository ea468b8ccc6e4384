import { describe, expect, test } from "vitest";
import { validatePlatform, type PlatformConfig } from "../../components/config/platform";
import { Problems } from "../../components/config/problems";
import {
  apiBaseUrl,
  appEnv,
  appPortBindings,
  goDuration,
  hostsLine,
  isAgentSecret,
  kacProxyEndpoint,
  kacProxyHostSql,
  mysqlEnv,
  mysqlInitSql,
  nextStepsText,
  platformNames,
  redisConf,
  stepCommand,
  toolsEnv,
  toolsPortBindings,
  webUrl,
  type PlatformSecrets,
} from "../../components/platform/platform-render";

function platform(raw: Record<string, unknown> = {}, portOffset = 0): PlatformConfig {
  const problems = new Problems();
  const cfg = validatePlatform({ platform: raw }, { namePrefix: "", portOffset }, problems);
  expect(problems.list).toEqual([]);
  return cfg;
}

// Obviously fake values, built at run time.
const SECRETS: PlatformSecrets = {
  dbPassword: "db-pw-" + "x".repeat(8),
  mysqlRootPassword: "root-pw-" + "y".repeat(8),
  redisPassword: "redis-pw-" + "z".repeat(8),
  agentSecret: "0123456789abcdef".repeat(2),
  keyEncryptionKey: "kek-" + "k".repeat(8),
};

describe("names", () => {
  test.each([
    ["", "querypie-app", "querypie-db"],
    ["alice-", "alice-querypie-app", "alice-querypie-db"],
  ])("prefix %j names the app %s and the db network %s", (prefix, app, db) => {
    const n = platformNames(prefix);
    expect(n.app).toBe(app);
    expect(n.dbNetwork).toBe(db);
    for (const value of Object.values(n)) expect(value.startsWith(`${prefix}querypie-`)).toBe(true);
  });
});

describe("URLs and the hosts line", () => {
  test.each([
    ["127.0.0.1", 0, "http://127.0.0.1:8000"],
    ["0.0.0.0", 0, "http://127.0.0.1:8000"],
    ["192.168.1.20", 100, "http://192.168.1.20:8100"],
  ])("bound on %s with offset %i, the web URL is %s", (bindAddress, offset, url) => {
    const p = platform({ bindAddress }, offset);
    expect(webUrl(p)).toBe(url);
    expect(apiBaseUrl(p)).toBe(`${url}/api/external/v2`);
  });

  test.each([
    [{}, "https://customer.kac-proxy.domain:6443", "127.0.0.1 customer.kac-proxy.domain"],
    [
      { bindAddress: "0.0.0.0" },
      "https://customer.kac-proxy.domain:6443",
      "127.0.0.1 customer.kac-proxy.domain",
    ],
    [{ kacProxyHost: "localhost" }, "https://localhost:6443", undefined],
  ])("with %j the KAC endpoint is %s and the hosts line %s", (raw, endpoint, line) => {
    const p = platform(raw);
    expect(kacProxyEndpoint(p)).toBe(endpoint);
    expect(hostsLine(p)).toBe(line);
  });
});

describe("port bindings", () => {
  test("the app publishes web, https, agent, KAC proxy and web proxy on the bind address, nothing else", () => {
    expect(appPortBindings(platform())).toEqual([
      { internal: 80, external: 8000, ip: "127.0.0.1", protocol: "tcp" },
      { internal: 443, external: 8443, ip: "127.0.0.1", protocol: "tcp" },
      { internal: 9000, external: 9000, ip: "127.0.0.1", protocol: "tcp" },
      { internal: 6443, external: 6443, ip: "127.0.0.1", protocol: "tcp" },
      { internal: 7447, external: 7447, ip: "127.0.0.1", protocol: "tcp" },
    ]);
  });

  test("the proxy range is published port for port only when configured", () => {
    const ports = appPortBindings(platform({ proxyPortRange: { start: 40000, end: 40030 } }));
    expect(ports).toHaveLength(5 + 31);
    expect(ports[5]).toEqual({ internal: 40000, external: 40000, ip: "127.0.0.1", protocol: "tcp" });
    expect(ports[35]).toEqual({ internal: 40030, external: 40030, ip: "127.0.0.1", protocol: "tcp" });
  });

  test("the tools API stays on loopback even when the app binds every interface", () => {
    expect(toolsPortBindings(platform({ bindAddress: "0.0.0.0" }, 100))).toEqual([
      { internal: 8050, external: 8150, ip: "127.0.0.1", protocol: "tcp" },
    ]);
  });
});

describe("container environments", () => {
  const names = platformNames("alice-");

  test("the app gets every vendor .env key, with the databases addressed on the private network", () => {
    const env = Object.fromEntries(
      appEnv("11.4.1", names, SECRETS).map((l) => l.split(/=(.*)/s).slice(0, 2)),
    );
    expect(env).toEqual({
      VERSION: "11.4.1",
      AGENT_SECRET: SECRETS.agentSecret,
      KEY_ENCRYPTION_KEY: SECRETS.keyEncryptionKey,
      DB_HOST: "alice-querypie-mysql",
      DB_PORT: "3306",
      DB_CATALOG: "querypie",
      LOG_DB_CATALOG: "querypie_log",
      ENG_DB_CATALOG: "querypie_snapshot",
      DB_USERNAME: "querypie",
      DB_PASSWORD: SECRETS.dbPassword,
      DB_MAX_CONNECTION_SIZE: "20",
      DB_DRIVER_CLASS: "org.mariadb.jdbc.Driver",
      REDIS_NODES: "alice-querypie-redis:6379",
      REDIS_PASSWORD: SECRETS.redisPassword,
    });
  });

  test("the app refuses an AGENT_SECRET that is not 32 hex characters", () => {
    expect(() => appEnv("11.4.1", names, { ...SECRETS, agentSecret: "ABC" })).toThrow(
      "AGENT_SECRET must be exactly 32 hex characters",
    );
  });

  test.each([
    ["0123456789abcdef0123456789abcdef", true],
    ["0123456789ABCDEF0123456789abcdef", false],
    ["0123456789abcdef0123456789abcde", false],
    ["0123456789abcdef0123456789abcdeg", false],
  ])("isAgentSecret(%s) is %s", (s, ok) => {
    expect(isAgentSecret(s)).toBe(ok);
  });

  test("tools get one DB setting set per catalog and the KEK under the name KEK", () => {
    const env = toolsEnv("11.4.1", names, SECRETS);
    for (const prefix of ["", "LOG_", "ENG_"]) {
      expect(env).toContain(`${prefix}DB_HOST=alice-querypie-mysql`);
      expect(env).toContain(`${prefix}DB_PASSWORD=${SECRETS.dbPassword}`);
    }
    expect(env).toContain("LOG_DB_CATALOG=querypie_log");
    expect(env).toContain("ENG_DB_CATALOG=querypie_snapshot");
    expect(env).toContain(`KEK=${SECRETS.keyEncryptionKey}`);
  });

  test("MySQL gets its own root password, not the application's", () => {
    expect(mysqlEnv(SECRETS)).toEqual([
      "MYSQL_USER=querypie",
      `MYSQL_PASSWORD=${SECRETS.dbPassword}`,
      `MYSQL_ROOT_PASSWORD=${SECRETS.mysqlRootPassword}`,
    ]);
  });

  test("Redis reads its password from a config file; a quote could break out of it and is refused", () => {
    expect(redisConf("abc123")).toBe('requirepass "abc123"\n');
    expect(() => redisConf('a"b')).toThrow("must not contain spaces or quotes");
  });
});

describe("SQL", () => {
  test("the init script creates the three databases and grants them to querypie, dropping nothing", () => {
    expect(mysqlInitSql()).toBe(
      [
        "CREATE DATABASE IF NOT EXISTS querypie CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;",
        "CREATE DATABASE IF NOT EXISTS querypie_log CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;",
        "CREATE DATABASE IF NOT EXISTS querypie_snapshot CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;",
        "GRANT ALL PRIVILEGES ON querypie.* TO 'querypie'@'%';",
        "GRANT ALL PRIVILEGES ON querypie_log.* TO 'querypie'@'%';",
        "GRANT ALL PRIVILEGES ON querypie_snapshot.* TO 'querypie'@'%';",
        "FLUSH PRIVILEGES;",
        "",
      ].join("\n"),
    );
    expect(mysqlInitSql()).not.toMatch(/DROP/i);
  });

  test("the KAC proxy host update sets https://<host> and reads it back", () => {
    expect(kacProxyHostSql("localhost")).toBe(
      "UPDATE querypie.k_proxy_setting SET host = 'https://localhost';\nSELECT host FROM querypie.k_proxy_setting;\n",
    );
  });

  test.each(["x'; DROP TABLE users; --", "LOCALHOST", "a b", ""])("the KAC SQL refuses %j", (host) => {
    expect(() => kacProxyHostSql(host)).toThrow("refusing to put");
  });
});

describe("nextSteps", () => {
  test("tells a person exactly how to log in, change the password, create and store the token", () => {
    expect(
      nextStepsText({
        webUrl: "http://127.0.0.1:8000",
        adminLoginId: "qp-admin",
        stack: "lab",
        hostsLine: "127.0.0.1 customer.kac-proxy.domain",
      }),
    ).toBe(
      [
        "QueryPie is up at http://127.0.0.1:8000, and this stack stopped there because it has no API token yet.",
        "One-time bootstrap (these steps have no public API):",
        "  1. Open http://127.0.0.1:8000 and log in as qp-admin with the password querypie.",
        "  2. Change the password when QueryPie asks (it is forced at the first login) and keep the new one.",
        "  3. Open Admin > General > System > API Token, click Create API Token, and copy the token (it is shown only once).",
        "  4. Store it as a secret: pulumi config set --secret querypieApiToken <token> --stack lab",
        "  5. Run pulumi up --stack lab again; the clusters are then registered and access is seeded.",
        "License: none configured. Upload your Community license in the web UI, or set platform.licenseFile and run up.",
        "KAC proxy: add this line to /etc/hosts (or set platform.kacProxyHost): 127.0.0.1 customer.kac-proxy.domain",
      ].join("\n"),
    );
  });

  test("says nothing about the license or hosts file when both are configured", () => {
    const text = nextStepsText({
      webUrl: "http://127.0.0.1:8100",
      adminLoginId: "qp-admin",
      stack: "alice",
      licenseFile: "/lab/qp.license",
    });
    expect(text).not.toMatch(/License:|KAC proxy:/);
    expect(text).toContain("--stack alice");
  });
});

test("each step runs the local tsx on scripts/platform-steps.ts", () => {
  expect(stepCommand("migrate")).toBe("node_modules/.bin/tsx scripts/platform-steps.ts migrate");
});

describe("goDuration", () => {
  test.each([
    [0, "0s"],
    [5, "5s"],
    [59, "59s"],
    [60, "1m0s"],
    [120, "2m0s"],
    [240, "4m0s"],
    [3600, "1h0m0s"],
    [3661, "1h1m1s"],
  ])("%i seconds print as Go's time.Duration does: %s", (seconds, text) => {
    expect(goDuration(seconds)).toBe(text);
  });

  test.each([-1, 1.5, Number.NaN])("%s is refused", (seconds) => {
    expect(() => goDuration(seconds)).toThrow(`not a whole number of seconds: ${seconds}`);
  });
});
