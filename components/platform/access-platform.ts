/**
 * AccessPlatform: QueryPie Community as docker resources, the same four containers as the vendor's
 * compose file, with three differences: MySQL and Redis live on an internal network with no
 * published ports, the app's ports bind 127.0.0.1 by default, and every wait is a real readiness
 * check (no fixed sleeps). It does not know about the clusters: attaching the app to the `kind`
 * network is PlatformNetworkAttachment's job, so the platform's first start overlaps cluster creation.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { PlatformConfig } from "../config/platform";
import { formatProblem } from "../config/problems";
import { PROJECT_DIR } from "../config/raw";
import {
  apiBaseUrl,
  appEnv,
  appPortBindings,
  goDuration,
  hostsLine,
  kacProxyEndpoint,
  mysqlEnv,
  mysqlInitSql,
  nextStepsText,
  platformNames,
  redisConf,
  redisEnv,
  stepCommand,
  toolsEnv,
  toolsPortBindings,
  toolsUrl,
  webUrl,
  type PlatformSecrets,
} from "./platform-render";

// Inputs of the random resources: ignored after creation, so no code change can ever re-roll a
// credential (a new KEY_ENCRYPTION_KEY would make QueryPie's stored data unreadable).
const RANDOM_INPUTS = [
  "length",
  "lower",
  "upper",
  "numeric",
  "special",
  "overrideSpecial",
  "minLower",
  "minUpper",
  "minNumeric",
  "minSpecial",
  "keepers",
];

export interface AccessPlatformArgs {
  /** The validated `platform` section of the stack config (components/config/platform.ts). */
  platform: PlatformConfig;
  /** Prefixed to every docker object name, e.g. `alice-` gives `alice-querypie-app`. */
  namePrefix: string;
  /**
   * The QueryPie API token (a secret). Default: none, and then `nextSteps` tells a person how to
   * create one; the version gate also uses it when the instance's API description needs auth.
   */
  apiToken?: pulumi.Input<string>;
  /** Stack name shown in the `nextSteps` commands. Default: `pulumi.getStack()`. */
  stack?: string;
  /** Directory for the full migration logs. Default: none (only their last lines are printed). */
  logDir?: string;
}

export class AccessPlatform extends pulumi.ComponentResource {
  /** `http://<bind address>:<web port>` (loopback when bound on 0.0.0.0). */
  readonly webUrl: pulumi.Output<string>;
  /** `<webUrl>/api/external/v2`. */
  readonly apiBaseUrl: pulumi.Output<string>;
  /** QueryPie version that runs. */
  readonly version: pulumi.Output<string>;
  /** `https://<kac proxy host>:<kac proxy port>`, the endpoint agents dial. */
  readonly kacProxyEndpoint: pulumi.Output<string>;
  readonly appContainerName: pulumi.Output<string>;
  /** Changes whenever the app container is replaced; PlatformNetworkAttachment reconnects then. */
  readonly appContainerId: pulumi.Output<string>;
  readonly toolsContainerName: pulumi.Output<string>;
  /** The last readiness step (after the license and KAC host are set): depend on it to use the API. */
  readonly ready: pulumi.Resource;
  /** The /etc/hosts line to add when no `kacProxyHost` is set; undefined otherwise. */
  readonly hostsLine: pulumi.Output<string | undefined>;
  /** While no API token is configured: the one-time bootstrap a person does. Undefined otherwise. */
  readonly nextSteps: pulumi.Output<string | undefined>;

  constructor(name: string, args: AccessPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lab:index:AccessPlatform", name, {}, opts);
    const p = args.platform;
    const names = platformNames(args.namePrefix);
    const child = { parent: this };
    for (const w of p.warnings) pulumi.log.warn(formatProblem(w), this);

    // Credentials: generated once, secret, stable across updates.
    const password = (part: string, length: number) =>
      new random.RandomPassword(
        `${name}-${part}`,
        { length, special: false },
        { ...child, ignoreChanges: RANDOM_INPUTS },
      ).result;
    // 32 hex characters: the only "special" characters allowed are the hex digits.
    const agentSecret = new random.RandomPassword(
      `${name}-agent-secret`,
      {
        length: 32,
        lower: false,
        upper: false,
        numeric: false,
        special: true,
        overrideSpecial: "0123456789abcdef",
      },
      { ...child, ignoreChanges: RANDOM_INPUTS },
    ).result;
    const secrets: pulumi.Output<PlatformSecrets> = pulumi
      .all([
        password("db-password", 24),
        password("mysql-root-password", 24),
        password("redis-password", 24),
        agentSecret,
        password("key-encryption-key", 32),
      ])
      .apply(([dbPassword, mysqlRootPassword, redisPassword, agent, keyEncryptionKey]) => ({
        dbPassword,
        mysqlRootPassword,
        redisPassword,
        agentSecret: agent,
        keyEncryptionKey,
      }));
    const secretList = (render: (s: PlatformSecrets) => string[]) => pulumi.secret(secrets.apply(render));

    // Networks and storage. The db network is internal: no route out, nothing published from it.
    const dbNetwork = new docker.Network(
      `${name}-db-network`,
      { name: names.dbNetwork, driver: "bridge", internal: true },
      { ...child, deleteBeforeReplace: true },
    );
    const appNetwork = new docker.Network(
      `${name}-app-network`,
      { name: names.appNetwork, driver: "bridge" },
      { ...child, deleteBeforeReplace: true },
    );
    const dataVolume = new docker.Volume(
      `${name}-mysql-data`,
      { name: names.dataVolume },
      { ...child, deleteBeforeReplace: true },
    );

    const image = (part: keyof PlatformConfig["images"]) =>
      new docker.RemoteImage(`${name}-${part}-image`, { name: p.images[part], keepLocally: true }, child);
    const mysqlImage = image("mysql");
    const redisImage = image("redis");
    const toolsImage = image("tools");
    const appImage = image("app");

    // Fixed container names: a replacement must delete the old container first.
    const containerOpts = { ...child, deleteBeforeReplace: true, additionalSecretOutputs: ["envs"] };
    const withUploadsOpts = { ...containerOpts, additionalSecretOutputs: ["envs", "uploads"] };

    const mysql = new docker.Container(
      `${name}-mysql`,
      {
        name: names.mysql,
        image: mysqlImage.imageId,
        restart: "unless-stopped",
        envs: secretList(mysqlEnv),
        networksAdvanced: [{ name: dbNetwork.name }],
        volumes: [{ volumeName: dataVolume.name, containerPath: "/var/lib/mysql" }],
        uploads: [{ file: "/docker-entrypoint-initdb.d/init.sql", content: mysqlInitSql() }],
        // TCP to 127.0.0.1 fails while the entrypoint's init server (socket only) runs. Durations
        // in Go's spelling everywhere, as the provider reads them back (goDuration).
        healthcheck: {
          tests: ["CMD", "mysqladmin", "ping", "-h", "127.0.0.1", "--silent"],
          interval: goDuration(5),
          timeout: goDuration(5),
          startPeriod: goDuration(120),
          retries: 12,
        },
        wait: true,
        waitTimeout: 300,
        destroyGraceSeconds: 30,
      },
      withUploadsOpts,
    );

    const redis = new docker.Container(
      `${name}-redis`,
      {
        name: names.redis,
        image: redisImage.imageId,
        restart: "unless-stopped",
        command: ["redis-server", "/usr/local/etc/redis/redis.conf"],
        envs: secretList((s) => redisEnv(s.redisPassword)),
        uploads: [
          {
            file: "/usr/local/etc/redis/redis.conf",
            content: pulumi.secret(secrets.apply((s) => redisConf(s.redisPassword))),
          },
        ],
        networksAdvanced: [{ name: dbNetwork.name }],
        healthcheck: {
          tests: ["CMD-SHELL", "redis-cli ping | grep -q PONG"],
          interval: goDuration(5),
          timeout: goDuration(5),
          retries: 12,
        },
        wait: true,
        waitTimeout: 120,
      },
      withUploadsOpts,
    );

    const hosts = [{ host: "host.docker.internal", ip: "host-gateway" }];

    // Tools: migrations, and the license upload API, published on loopback only.
    const tools = new docker.Container(
      `${name}-tools`,
      {
        name: names.tools,
        image: toolsImage.imageId,
        restart: "unless-stopped",
        envs: secretList((s) => toolsEnv(p.version, names, s)),
        networksAdvanced: [{ name: appNetwork.name }, { name: dbNetwork.name }],
        ports: toolsPortBindings(p),
        hosts,
        healthcheck: {
          tests: [
            "CMD-SHELL",
            "curl -fsS -o /dev/null http://127.0.0.1:8050/health || wget -q -O /dev/null http://127.0.0.1:8050/health",
          ],
          interval: goDuration(10),
          timeout: goDuration(5),
          startPeriod: goDuration(60),
          retries: 6,
        },
      },
      { ...containerOpts, dependsOn: [mysql] },
    );

    const migrate = new command.local.Command(
      `${name}-migrate`,
      {
        create: stepCommand("migrate"),
        dir: PROJECT_DIR,
        environment: {
          QP_TOOLS_URL: toolsUrl(p),
          QP_TOOLS_CONTAINER: tools.name,
          QP_TIMEOUT_SECONDS: String(p.readinessTimeoutSeconds),
          ...(args.logDir ? { QP_LOG_DIR: args.logDir } : {}),
        },
        // Once per tools image (= per version), and again on a fresh data volume.
        triggers: [p.images.tools, dataVolume.name],
        logging: "stdoutAndStderr",
      },
      { ...child, dependsOn: [tools, mysql] },
    );

    const app = new docker.Container(
      `${name}-app`,
      {
        name: names.app,
        image: appImage.imageId,
        restart: "unless-stopped",
        envs: secretList((s) => appEnv(p.version, names, s)),
        networksAdvanced: [{ name: appNetwork.name }, { name: dbNetwork.name }],
        ports: appPortBindings(p),
        hosts,
        // As the vendor does: keep ephemeral ports below the agentless proxy range.
        sysctls: { "net.ipv4.ip_local_port_range": "10000 39999" },
        // `readyz` ships in the image (the vendor's installer runs it with docker exec).
        healthcheck: {
          tests: ["CMD", "readyz"],
          interval: goDuration(15),
          timeout: goDuration(10),
          startPeriod: goDuration(240),
          retries: 4,
        },
      },
      { ...containerOpts, dependsOn: [migrate, redis] },
    );

    const url = webUrl(p);
    const waitEnv: Record<string, pulumi.Input<string>> = {
      QP_URL: url,
      QP_APP_CONTAINER: app.name,
      QP_VERSION: p.version,
      QP_TIMEOUT_SECONDS: String(p.readinessTimeoutSeconds),
    };
    let ready: pulumi.Resource = new command.local.Command(
      `${name}-ready`,
      {
        create: stepCommand("wait"),
        dir: PROJECT_DIR,
        // The token only serves the version gate when the API description needs auth.
        environment: {
          ...waitEnv,
          ...(args.apiToken !== undefined ? { QP_API_TOKEN: pulumi.secret(args.apiToken) } : {}),
        },
        triggers: [app.id],
        logging: "stdoutAndStderr",
      },
      { ...child, dependsOn: [app] },
    );

    if (p.licenseFile || p.kacProxyHost) {
      ready = new command.local.Command(
        `${name}-configure`,
        {
          create: stepCommand("configure"),
          dir: PROJECT_DIR,
          // No token here: setting one later must not restart the app.
          environment: {
            ...waitEnv,
            QP_TOOLS_URL: toolsUrl(p),
            QP_MYSQL_CONTAINER: mysql.name,
            ...(p.licenseFile ? { QP_LICENSE_FILE: p.licenseFile } : {}),
            ...(p.kacProxyHost ? { QP_KAC_PROXY_HOST: p.kacProxyHost } : {}),
          },
          // Both settings live in the database: redo them only when they change.
          triggers: [
            p.licenseFile ? licenseDigest(p.licenseFile) : "",
            p.kacProxyHost ?? "",
            dataVolume.name,
          ],
          logging: "stdoutAndStderr",
        },
        { ...child, dependsOn: [ready] },
      );
    }

    this.webUrl = pulumi.output(url);
    this.apiBaseUrl = pulumi.output(apiBaseUrl(p));
    this.version = pulumi.output(p.version);
    this.kacProxyEndpoint = pulumi.output(kacProxyEndpoint(p));
    this.appContainerName = app.name;
    this.appContainerId = app.id;
    this.toolsContainerName = tools.name;
    this.ready = ready;
    this.hostsLine = pulumi.output(hostsLine(p));
    this.nextSteps = pulumi.output(
      args.apiToken === undefined
        ? nextStepsText({
            webUrl: url,
            adminLoginId: p.adminLoginId,
            stack: args.stack ?? pulumi.getStack(),
            hostsLine: hostsLine(p),
            licenseFile: p.licenseFile,
          })
        : undefined,
    );

    this.registerOutputs({
      webUrl: this.webUrl,
      apiBaseUrl: this.apiBaseUrl,
      version: this.version,
      kacProxyEndpoint: this.kacProxyEndpoint,
      appContainerName: this.appContainerName,
      appContainerId: this.appContainerId,
      toolsContainerName: this.toolsContainerName,
      hostsLine: this.hostsLine,
      nextSteps: this.nextSteps,
    });
  }
}

/** The license's SHA-256, so a new license file re-runs the upload; the file itself stays out of the state. */
function licenseDigest(file: string): string {
  try {
    return crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch (e) {
    throw new Error(
      `platform.licenseFile ${file} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)}). ` +
        "Put the Community license file there, or unset platform.licenseFile and upload it in the web UI.",
    );
  }
}
