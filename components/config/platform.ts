/**
 * The `platform` key: QueryPie Community beside the clusters. Owner: access platform (issue 3).
 *
 * Pure: the only host fact it needs (does the license file exist?) comes in through
 * `PlatformContext.fileExists`; without it the check is left to the component, which reads the file.
 */
import * as path from "node:path";
import type { ConfigProblem, Problems } from "./problems";
import { PROJECT_DIR, type RawConfig } from "./raw";

/** The version whose external API matches `vendor/querypie/openapi-external-v2-11.4.1.json`. */
export const DEFAULT_QUERYPIE_VERSION = "11.4.1";
/** The version the seed installs; older than the vendor API file, so allowed with a warning. */
export const SEED_QUERYPIE_VERSION = "11.0.1-beta";
/** The first version the vendor's universal compose layout (mysql, redis, tools, app) supports. */
export const MIN_QUERYPIE_VERSION = "11.0.0";
/** Host the KAC proxy advertises until it is changed (QueryPie's `k_proxy_setting` default). */
export const DEFAULT_KAC_PROXY_HOST = "customer.kac-proxy.domain";

export interface PlatformPorts {
  /** Host port of the web UI and API (container port 80). Default 8000 + portOffset. */
  web: number;
  /** Host port of HTTPS with the image's self-signed certificate (container 443). Default 8443 + portOffset. */
  https: number;
  /** Host port of the agent/DAC/SAC proxy (container 9000). Default 9000 + portOffset. */
  agent: number;
  /** Host port of the KAC (Kubernetes) proxy (container 6443). Default 6443 + portOffset. */
  kacProxy: number;
  /** Host port of the web access proxy (container 7447). Default 7447 + portOffset. */
  webProxy: number;
  /**
   * Host port of the tools container's API (container 8050), always bound on 127.0.0.1 whatever
   * `bindAddress` says: only this program uses it (health before migrations, license upload).
   * Default 8050 + portOffset.
   */
  tools: number;
}

export interface PlatformImages {
  /** Default `docker.io/querypie/mysql:8.0.42`. */
  mysql: string;
  /** Default `docker.io/querypie/redis:7.4.5`. */
  redis: string;
  /** Default `docker.io/querypie/querypie-tools:<version>`. */
  tools: string;
  /** Default `docker.io/querypie/querypie:<version>`. */
  app: string;
}

export interface PlatformConfig {
  /** Install QueryPie at all. Default true. */
  enabled: boolean;
  /** QueryPie image version. Default `11.4.1`. */
  version: string;
  /** Images, pinned by tag or digest. */
  images: PlatformImages;
  /** Host address the published ports bind. Default `127.0.0.1`. */
  bindAddress: string;
  /** Host ports, after the port offset. */
  ports: PlatformPorts;
  /**
   * The DAC agentless proxy range, published host = container port, after the port offset.
   * Default: not published.
   */
  proxyPortRange?: { start: number; end: number };
  /** Absolute path of the Community license file, if any. Default: none (upload it in the web UI). */
  licenseFile?: string;
  /** KAC proxy host QueryPie advertises, a bare host name. Default: none (print the hosts-file line). */
  kacProxyHost?: string;
  /** How long to wait for `/readyz` before failing. Default 600. */
  readinessTimeoutSeconds: number;
  /** Login id of the built-in administrator. Default `qp-admin`. */
  adminLoginId: string;
  /**
   * Things that are allowed but worth saying; the AccessPlatform component logs each with
   * `pulumi.log.warn(formatProblem(w))`. Same shape as a problem.
   */
  warnings: ConfigProblem[];
}

export interface PlatformContext {
  namePrefix: string;
  portOffset: number;
  /** Base for a relative `licenseFile`. Default: the project directory. */
  projectDir?: string;
  /** Checks that the license file exists; when absent the check is left to the component. */
  fileExists?: (absolutePath: string) => boolean;
}

export const PLATFORM_KEYS = ["platform"] as const;

const PLATFORM_FIELDS = [
  "enabled",
  "version",
  "images",
  "bindAddress",
  "ports",
  "proxyPortRange",
  "licenseFile",
  "kacProxyHost",
  "readinessTimeoutSeconds",
  "adminLoginId",
] as const;

export const DEFAULT_PORTS: PlatformPorts = {
  web: 8000,
  https: 8443,
  agent: 9000,
  kacProxy: 6443,
  webProxy: 7447,
  tools: 8050,
};

const VERSION = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
// A registry/repository path, then a tag and/or a digest: pinned, so an install is reproducible.
const IMAGE =
  /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?::\d+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const LOGIN_ID = /^[A-Za-z0-9._@-]{1,64}$/;

export function defaultImages(version: string): PlatformImages {
  return {
    mysql: "docker.io/querypie/mysql:8.0.42",
    redis: "docker.io/querypie/redis:7.4.5",
    tools: `docker.io/querypie/querypie-tools:${version}`,
    app: `docker.io/querypie/querypie:${version}`,
  };
}

/** Compares two versions by major.minor.patch; a pre-release sorts before its release. */
export function compareVersions(a: string, b: string): number {
  const pa = VERSION.exec(a);
  const pb = VERSION.exec(b);
  if (!pa || !pb) throw new Error(`not a version: ${pa ? b : a}`);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pa[i]) - Number(pb[i]);
    if (d !== 0) return d;
  }
  if (pa[4] === pb[4]) return 0;
  if (pa[4] === undefined) return 1;
  if (pb[4] === undefined) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPort(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v) && v >= 1 && v <= 65535;
}

export function validatePlatform(raw: RawConfig, ctx: PlatformContext, problems: Problems): PlatformConfig {
  const o = ctx.portOffset;
  const warnings: ConfigProblem[] = [];
  const warn = (key: string, value: unknown, message: string, fix: string) =>
    warnings.push({ key, value, message, fix });

  let p: Record<string, unknown> = {};
  if (raw.platform !== undefined) {
    if (isPlainObject(raw.platform)) p = raw.platform;
    else
      problems.add(
        "platform",
        raw.platform,
        "must be a mapping of platform settings",
        "write it as `platform: {version: 11.4.1, ...}` or leave it unset for the defaults",
      );
  }
  for (const key of Object.keys(p)) {
    if (!(PLATFORM_FIELDS as readonly string[]).includes(key)) {
      problems.add(
        `platform.${key}`,
        p[key],
        "is not a platform setting",
        `use one of ${PLATFORM_FIELDS.join(", ")}`,
      );
    }
  }

  const enabled = p.enabled ?? true;
  if (typeof enabled !== "boolean") {
    problems.add(
      "platform.enabled",
      enabled,
      "must be true or false",
      "use true (install QueryPie) or false",
    );
  }

  let version = DEFAULT_QUERYPIE_VERSION;
  const rawVersion = p.version ?? DEFAULT_QUERYPIE_VERSION;
  if (typeof rawVersion !== "string" || !VERSION.test(rawVersion)) {
    problems.add(
      "platform.version",
      rawVersion,
      "is not a QueryPie version (major.minor.patch with an optional -suffix)",
      `use ${DEFAULT_QUERYPIE_VERSION}`,
    );
  } else if (compareVersions(rawVersion, MIN_QUERYPIE_VERSION) < 0) {
    problems.add(
      "platform.version",
      rawVersion,
      `is older than ${MIN_QUERYPIE_VERSION}, the first version the mysql/redis/tools/app layout supports`,
      `use ${DEFAULT_QUERYPIE_VERSION}`,
    );
  } else {
    version = rawVersion;
    if (compareVersions(version, DEFAULT_QUERYPIE_VERSION) < 0) {
      warn(
        "platform.version",
        version,
        `is older than ${DEFAULT_QUERYPIE_VERSION}, the version of the vendor API file this lab is built against, so its API may lack the /kac/ paths (the readiness step checks and fails clearly if so)`,
        `use ${DEFAULT_QUERYPIE_VERSION} unless you must reproduce the seed's ${SEED_QUERYPIE_VERSION}`,
      );
    } else if (compareVersions(version, DEFAULT_QUERYPIE_VERSION) > 0) {
      warn(
        "platform.version",
        version,
        `is newer than ${DEFAULT_QUERYPIE_VERSION}, the version of the vendor API file this lab is built against; the /kac/ paths are checked at run time`,
        `use ${DEFAULT_QUERYPIE_VERSION} for the tested combination`,
      );
    }
  }

  const images = defaultImages(version);
  if (p.images !== undefined) {
    if (!isPlainObject(p.images)) {
      problems.add(
        "platform.images",
        p.images,
        "must be a mapping of mysql, redis, tools and app image references",
        "write e.g. `images: {app: docker.io/querypie/querypie:11.4.1}` or leave it unset",
      );
    } else {
      for (const [key, value] of Object.entries(p.images)) {
        if (!(key in images)) {
          problems.add(
            `platform.images.${key}`,
            value,
            "is not an image this lab runs",
            "use mysql, redis, tools or app",
          );
        } else if (
          typeof value !== "string" ||
          !IMAGE.test(value) ||
          !/(:[\w][\w.-]*|@sha256:[a-f0-9]{64})$/.test(value)
        ) {
          problems.add(
            `platform.images.${key}`,
            value,
            "must be an image reference pinned by a tag or a digest",
            `use e.g. "${images[key as keyof PlatformImages]}"`,
          );
        } else {
          images[key as keyof PlatformImages] = value;
        }
      }
    }
  }

  const bindAddress = p.bindAddress ?? "127.0.0.1";
  if (typeof bindAddress !== "string" || !IPV4.test(bindAddress)) {
    problems.add(
      "platform.bindAddress",
      bindAddress,
      "must be an IPv4 address of this host",
      'use "127.0.0.1" (this machine only) or "0.0.0.0" (every interface)',
    );
  } else if (bindAddress === "0.0.0.0") {
    warn(
      "platform.bindAddress",
      bindAddress,
      "publishes QueryPie on every interface of this host, including the web UI with the default qp-admin password until the first login changes it",
      'use "127.0.0.1" unless other machines must reach this lab',
    );
  }

  const ports: PlatformPorts = { ...DEFAULT_PORTS };
  if (p.ports !== undefined && !isPlainObject(p.ports)) {
    problems.add(
      "platform.ports",
      p.ports,
      "must be a mapping of port names to host ports (before portOffset)",
      `use keys ${Object.keys(DEFAULT_PORTS).join(", ")}`,
    );
  } else if (p.ports !== undefined) {
    for (const [key, value] of Object.entries(p.ports as Record<string, unknown>)) {
      if (!(key in DEFAULT_PORTS)) {
        problems.add(
          `platform.ports.${key}`,
          value,
          "is not a port QueryPie publishes",
          `use one of ${Object.keys(DEFAULT_PORTS).join(", ")}`,
        );
      } else if (!isPort(value)) {
        problems.add(
          `platform.ports.${key}`,
          value,
          "must be a whole number from 1 to 65535",
          `use e.g. ${DEFAULT_PORTS[key as keyof PlatformPorts]}`,
        );
      } else {
        ports[key as keyof PlatformPorts] = value;
      }
    }
  }
  for (const key of Object.keys(ports) as (keyof PlatformPorts)[]) {
    ports[key] += o;
    if (ports[key] > 65535) {
      problems.add(
        `platform.ports.${key}`,
        ports[key] - o,
        `is above 65535 once portOffset ${o} is added (${ports[key]})`,
        "use a smaller port or a smaller portOffset",
      );
    }
  }
  const seen = new Map<number, string>();
  for (const [key, port] of Object.entries(ports)) {
    const other = seen.get(port);
    if (other) {
      problems.add(
        `platform.ports.${key}`,
        port - o,
        `is the same host port as platform.ports.${other} (${port})`,
        "give every QueryPie port its own host port",
      );
    } else {
      seen.set(port, key);
    }
  }
  if (ports.kacProxy !== DEFAULT_PORTS.kacProxy && enabled !== false) {
    warn(
      "platform.ports.kacProxy",
      ports.kacProxy,
      `differs from 6443, while QueryPie advertises its KAC proxy on port 6443 by default (table k_proxy_setting), so agents would dial the wrong port`,
      `after the bootstrap, set the KAC proxy port to ${ports.kacProxy} in QueryPie's Kubernetes proxy settings, or use portOffset 0 for this stack`,
    );
  }

  let proxyPortRange: PlatformConfig["proxyPortRange"];
  if (p.proxyPortRange !== undefined) {
    const r = p.proxyPortRange;
    if (!isPlainObject(r) || !isPort(r.start) || !isPort(r.end) || r.start > r.end) {
      problems.add(
        "platform.proxyPortRange",
        r,
        "must be {start, end} with whole port numbers and start <= end",
        "use {start: 40000, end: 40030} (the vendor's range) or leave it unset",
      );
    } else if (r.end - r.start > 100) {
      problems.add(
        "platform.proxyPortRange",
        r,
        `spans ${r.end - r.start + 1} ports; each is one published docker port`,
        "keep it to at most 101 ports, e.g. {start: 40000, end: 40030}",
      );
    } else if (r.end + o > 65535) {
      problems.add(
        "platform.proxyPortRange",
        r,
        `ends above 65535 once portOffset ${o} is added`,
        "use a lower range or a smaller portOffset",
      );
    } else {
      proxyPortRange = { start: r.start + o, end: r.end + o };
      for (const [port, key] of seen) {
        if (port >= proxyPortRange.start && port <= proxyPortRange.end) {
          problems.add(
            "platform.proxyPortRange",
            r,
            `contains the host port of platform.ports.${key} (${port})`,
            "move the range or the port so they do not overlap",
          );
        }
      }
    }
  }

  let licenseFile: string | undefined;
  if (p.licenseFile !== undefined) {
    if (typeof p.licenseFile !== "string" || p.licenseFile.trim() === "") {
      problems.add(
        "platform.licenseFile",
        p.licenseFile,
        "must be the path of the Community license file",
        "use e.g. ./querypie-community.license, or leave it unset and upload the license in the web UI",
      );
    } else {
      licenseFile = path.resolve(ctx.projectDir ?? PROJECT_DIR, p.licenseFile);
      if (ctx.fileExists && !ctx.fileExists(licenseFile)) {
        problems.add(
          "platform.licenseFile",
          p.licenseFile,
          `does not exist (looked at ${licenseFile})`,
          "put the license file there, or leave licenseFile unset and upload the license in the web UI",
        );
      }
    }
  }

  let kacProxyHost: string | undefined;
  if (p.kacProxyHost !== undefined) {
    const h = p.kacProxyHost;
    if (typeof h === "string" && /^https?:\/\//i.test(h)) {
      problems.add(
        "platform.kacProxyHost",
        h,
        "must be a bare host name; QueryPie stores it as https://<host>",
        `use "${h.replace(/^https?:\/\//i, "").replace(/[:/].*$/, "")}"`,
      );
    } else if (typeof h !== "string" || !HOSTNAME.test(h)) {
      problems.add(
        "platform.kacProxyHost",
        h,
        "must be a host name of lower-case letters, digits, '-' and '.'",
        'use e.g. "localhost", or leave it unset and add the printed hosts-file line',
      );
    } else {
      kacProxyHost = h;
    }
  }

  const timeout = p.readinessTimeoutSeconds ?? 600;
  if (typeof timeout !== "number" || !Number.isInteger(timeout) || timeout < 30 || timeout > 3600) {
    problems.add(
      "platform.readinessTimeoutSeconds",
      timeout,
      "must be a whole number of seconds from 30 to 3600",
      "use 600 (the first start takes about two minutes, more on a slow machine)",
    );
  }

  const adminLoginId = p.adminLoginId ?? "qp-admin";
  if (typeof adminLoginId !== "string" || !LOGIN_ID.test(adminLoginId)) {
    problems.add(
      "platform.adminLoginId",
      adminLoginId,
      "must be a QueryPie login id (letters, digits, '.', '_', '@', '-')",
      'use "qp-admin", the built-in administrator',
    );
  }

  return {
    enabled: enabled === true,
    version,
    images,
    bindAddress: typeof bindAddress === "string" ? bindAddress : "127.0.0.1",
    ports,
    ...(proxyPortRange ? { proxyPortRange } : {}),
    ...(licenseFile ? { licenseFile } : {}),
    ...(kacProxyHost ? { kacProxyHost } : {}),
    readinessTimeoutSeconds: typeof timeout === "number" ? timeout : 600,
    adminLoginId: typeof adminLoginId === "string" ? adminLoginId : "qp-admin",
    warnings: enabled === false ? [] : warnings,
  };
}

/** Host ports the platform publishes, for the clusters' collision rule. */
export function platformHostPorts(p: PlatformConfig): { port: number; owner: string }[] {
  if (!p.enabled) return [];
  const out = Object.entries(p.ports).map(([k, port]) => ({ port, owner: `QueryPie ${k}` }));
  if (p.proxyPortRange) {
    for (let port = p.proxyPortRange.start; port <= p.proxyPortRange.end; port++) {
      out.push({ port, owner: "QueryPie agentless proxy range" });
    }
  }
  return out;
}
