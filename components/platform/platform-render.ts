/**
 * Pure rendering for the AccessPlatform component: names, URLs, port bindings, container
 * environments, SQL and the text a person reads. No Pulumi, no Docker: table-tested.
 */
import * as path from "node:path";
import { DEFAULT_KAC_PROXY_HOST, type PlatformConfig } from "../config/platform";

/** Docker object names; every one carries the stack's prefix so per-developer stacks never collide. */
export interface PlatformNames {
  mysql: string;
  redis: string;
  tools: string;
  app: string;
  /** Internal bridge (no route out) holding MySQL, Redis, tools and app. */
  dbNetwork: string;
  /** Plain bridge through which the app and tools publish ports. */
  appNetwork: string;
  /** Named volume with the MySQL data directory. */
  dataVolume: string;
}

export function platformNames(namePrefix: string): PlatformNames {
  const n = (part: string) => `${namePrefix}querypie-${part}`;
  return {
    mysql: n("mysql"),
    redis: n("redis"),
    tools: n("tools"),
    app: n("app"),
    dbNetwork: n("db"),
    appNetwork: n("net"),
    dataVolume: n("mysql-data"),
  };
}

/** The address a client on this host dials: the bind address, or loopback when bound everywhere. */
export function dialHost(bindAddress: string): string {
  return bindAddress === "0.0.0.0" ? "127.0.0.1" : bindAddress;
}

export function webUrl(p: Pick<PlatformConfig, "bindAddress" | "ports">): string {
  return `http://${dialHost(p.bindAddress)}:${p.ports.web}`;
}

export function apiBaseUrl(p: Pick<PlatformConfig, "bindAddress" | "ports">): string {
  return `${webUrl(p)}/api/external/v2`;
}

/** Tools API, always on loopback (see PlatformPorts.tools). */
export function toolsUrl(p: Pick<PlatformConfig, "ports">): string {
  return `http://127.0.0.1:${p.ports.tools}`;
}

export function kacProxyEndpoint(p: Pick<PlatformConfig, "kacProxyHost" | "ports">): string {
  return `https://${p.kacProxyHost ?? DEFAULT_KAC_PROXY_HOST}:${p.ports.kacProxy}`;
}

/** The /etc/hosts line a person adds when no kacProxyHost is set; undefined when one is. */
export function hostsLine(p: Pick<PlatformConfig, "kacProxyHost" | "bindAddress">): string | undefined {
  return p.kacProxyHost ? undefined : `${dialHost(p.bindAddress)} ${DEFAULT_KAC_PROXY_HOST}`;
}

export interface PortBinding {
  internal: number;
  external: number;
  ip: string;
  protocol: "tcp";
}

/** The app's published ports: web, https, agent, KAC proxy, web proxy, and the optional proxy range. */
export function appPortBindings(
  p: Pick<PlatformConfig, "bindAddress" | "ports" | "proxyPortRange">,
): PortBinding[] {
  const bind = (internal: number, external: number): PortBinding => ({
    internal,
    external,
    ip: p.bindAddress,
    protocol: "tcp",
  });
  const out = [
    bind(80, p.ports.web),
    bind(443, p.ports.https),
    bind(9000, p.ports.agent),
    bind(6443, p.ports.kacProxy),
    bind(7447, p.ports.webProxy),
  ];
  if (p.proxyPortRange) {
    for (let port = p.proxyPortRange.start; port <= p.proxyPortRange.end; port++) out.push(bind(port, port));
  }
  return out;
}

export function toolsPortBindings(p: Pick<PlatformConfig, "ports">): PortBinding[] {
  return [{ internal: 8050, external: p.ports.tools, ip: "127.0.0.1", protocol: "tcp" }];
}

/** Generated credentials; every one is a Pulumi secret where it is produced. */
export interface PlatformSecrets {
  dbPassword: string;
  mysqlRootPassword: string;
  redisPassword: string;
  /** Exactly 32 hex characters (the agent protocol's key). */
  agentSecret: string;
  /** Encrypts QueryPie's data keys; must never change once the database holds data. */
  keyEncryptionKey: string;
}

export const DB_USERNAME = "querypie";
export const DATABASES = { main: "querypie", log: "querypie_log", snapshot: "querypie_snapshot" } as const;

export function isAgentSecret(s: string): boolean {
  return /^[0-9a-f]{32}$/.test(s);
}

/** The app's environment: the vendor `.env` keys, with the databases on the private network. */
export function appEnv(version: string, names: PlatformNames, s: PlatformSecrets): string[] {
  if (!isAgentSecret(s.agentSecret)) throw new Error("AGENT_SECRET must be exactly 32 hex characters");
  return [
    `VERSION=${version}`,
    `AGENT_SECRET=${s.agentSecret}`,
    `KEY_ENCRYPTION_KEY=${s.keyEncryptionKey}`,
    `DB_HOST=${names.mysql}`,
    "DB_PORT=3306",
    `DB_CATALOG=${DATABASES.main}`,
    `LOG_DB_CATALOG=${DATABASES.log}`,
    `ENG_DB_CATALOG=${DATABASES.snapshot}`,
    `DB_USERNAME=${DB_USERNAME}`,
    `DB_PASSWORD=${s.dbPassword}`,
    "DB_MAX_CONNECTION_SIZE=20",
    "DB_DRIVER_CLASS=org.mariadb.jdbc.Driver",
    `REDIS_NODES=${names.redis}:6379`,
    `REDIS_PASSWORD=${s.redisPassword}`,
  ];
}

/** The tools container's environment: one set of DB settings per catalog, and the KEK as `KEK`. */
export function toolsEnv(version: string, names: PlatformNames, s: PlatformSecrets): string[] {
  const db = (prefix: string, catalog: string) => [
    `${prefix}DB_HOST=${names.mysql}`,
    `${prefix}DB_PORT=3306`,
    `${prefix}DB_CATALOG=${catalog}`,
    `${prefix}DB_USERNAME=${DB_USERNAME}`,
    `${prefix}DB_PASSWORD=${s.dbPassword}`,
  ];
  return [
    `VERSION=${version}`,
    ...db("", DATABASES.main),
    ...db("LOG_", DATABASES.log),
    ...db("ENG_", DATABASES.snapshot),
    `KEK=${s.keyEncryptionKey}`,
  ];
}

export function mysqlEnv(s: PlatformSecrets): string[] {
  return [
    `MYSQL_USER=${DB_USERNAME}`,
    `MYSQL_PASSWORD=${s.dbPassword}`,
    `MYSQL_ROOT_PASSWORD=${s.mysqlRootPassword}`,
  ];
}

/** Redis reads its password from this file, so it never appears in a process's arguments. */
export function redisConf(password: string): string {
  if (/[\s"]/.test(password)) throw new Error("the Redis password must not contain spaces or quotes");
  return `requirepass "${password}"\n`;
}

/** `redis-cli` reads REDISCLI_AUTH, so the healthcheck needs no password on its command line. */
export function redisEnv(password: string): string[] {
  return [`REDISCLI_AUTH=${password}`];
}

/**
 * Runs once, on an empty data directory, after the image's entrypoint created the `querypie` user.
 * Unlike the vendor's file it drops nothing: `IF NOT EXISTS` keeps it harmless.
 */
export function mysqlInitSql(): string {
  const dbs = Object.values(DATABASES);
  return [
    ...dbs.map(
      (db) => `CREATE DATABASE IF NOT EXISTS ${db} CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci;`,
    ),
    ...dbs.map((db) => `GRANT ALL PRIVILEGES ON ${db}.* TO '${DB_USERNAME}'@'%';`),
    "FLUSH PRIVILEGES;",
    "",
  ].join("\n");
}

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** Sets the host QueryPie advertises for its KAC proxy, then prints it back for the caller to check. */
export function kacProxyHostSql(host: string): string {
  // The host was validated by the config; re-check here because it is spliced into SQL.
  if (!HOST.test(host)) throw new Error(`refusing to put ${JSON.stringify(host)} into SQL: not a host name`);
  return [
    `UPDATE ${DATABASES.main}.k_proxy_setting SET host = 'https://${host}';`,
    `SELECT host FROM ${DATABASES.main}.k_proxy_setting;`,
    "",
  ].join("\n");
}

export interface NextStepsInput {
  webUrl: string;
  adminLoginId: string;
  stack: string;
  hostsLine?: string;
  licenseFile?: string;
}

/** What a person does once per install, because login, password change and tokens have no public API. */
export function nextStepsText(i: NextStepsInput): string {
  const lines = [
    `QueryPie is up at ${i.webUrl}, and this stack stopped there because it has no API token yet.`,
    "One-time bootstrap (these steps have no public API):",
    `  1. Open ${i.webUrl} and log in as ${i.adminLoginId} with the password querypie.`,
    "  2. Change the password when QueryPie asks (it is forced at the first login) and keep the new one.",
    "  3. Open Admin > General > System > API Token, click Create API Token, and copy the token (it is shown only once).",
    `  4. Store it as a secret: pulumi config set --secret querypieApiToken <token> --stack ${i.stack}`,
    `  5. Run pulumi up --stack ${i.stack} again; the clusters are then registered and access is seeded.`,
  ];
  if (!i.licenseFile) {
    lines.push(
      "License: none configured. Upload your Community license in the web UI, or set platform.licenseFile and run up.",
    );
  }
  if (i.hostsLine) {
    lines.push(`KAC proxy: add this line to /etc/hosts (or set platform.kacProxyHost): ${i.hostsLine}`);
  }
  return lines.join("\n");
}

/**
 * Whole seconds as Go's `time.Duration` prints them (`5s`, `2m0s`, `1h0m0s`). The docker provider
 * reads a container's healthcheck back in that form and compares it with the declared text, so
 * `120s` would show as a change on every `pulumi up` (and fail `preview --expect-no-changes`).
 */
export function goDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) throw new Error(`not a whole number of seconds: ${seconds}`);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}

/** The shell line a command resource runs for one step of scripts/platform-steps.ts. */
export function stepCommand(step: "migrate" | "wait" | "configure"): string {
  return `${path.join("node_modules", ".bin", "tsx")} ${path.join("scripts", "platform-steps.ts")} ${step}`;
}
