/**
 * The `npm run smoke` command line, as pure functions: parse the arguments, then plan which
 * clusters to check with which kubeconfig and platform settings. scripts/smoke.ts does the
 * effects (files, processes, exit code).
 */
import { parseArgs } from "node:util";
import type { LabConfig } from "../config";
import { kindPaths } from "../kind/paths";
import { SMOKE_CHECK_IDS, type SmokeCheckId, type SmokeConfig } from "../config/smoke";
import type { SmokeReport } from "./types";

/** Environment variables the suite reads; the component sets them for its command. */
export const ENV = {
  /** Kubeconfig content (single-cluster mode with --kubeconfig-env). */
  kubeconfig: "LAB_SMOKE_KUBECONFIG",
  /** QueryPie API token: platform-access runs only when it is set. */
  token: "QUERYPIE_API_TOKEN",
  /** QueryPie base URL, e.g. http://127.0.0.1:8000. */
  url: "QUERYPIE_URL",
} as const;

export const USAGE = `Usage:
  npm run smoke -- --stack <stack> [--junit <file>] [--markdown <file>] [--json]
  npm run smoke -- --cluster <kind name> (--kubeconfig <file> | --kubeconfig-env <VAR>) [...]

Runs the Kubernetes the Hard Way smoke suite (docs/smoke.md) against the clusters of a stack,
prints a table, and exits 1 when a check failed or errored, 2 on a usage or setup problem.

  --stack <name>            clusters of stacks/Pulumi.<name>.yaml; kubeconfigs from <stateDir>/<kind name>/kubeconfig
  --cluster <kind name>     one cluster (the SmokeSuite component uses this form)
  --kubeconfig <file>       its kubeconfig file
  --kubeconfig-env <VAR>    or the name of an environment variable holding the kubeconfig
  --junit <file>            write JUnit XML (one testsuite per cluster)
  --markdown <file>         write a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)
  --json                    print the report as JSON on stdout (the table goes to stderr)
  --no-fail                 exit 0 even when checks fail (setup problems still exit 2)
  --skip <id,id>            checks not to run; ids: ${SMOKE_CHECK_IDS.join(", ")}
  --check-timeout <s>       per-check bound (default from config: 120)
  --suite-timeout <s>       per-cluster bound (default from config: 600)
  --login-id <id>           QueryPie user for platform-access (default from config: qp-admin)
  --platform-cluster <name> QueryPie registration name of the cluster (--cluster mode)
  --platform-skip-reason <text>  why platform-access cannot run (--cluster mode)

platform-access runs when ${ENV.token} is set (and ${ENV.url}, default from the stack's platform ports).`;

export class UsageError extends Error {
  override name = "UsageError";
}

export interface CliOptions {
  stack?: string;
  cluster?: string;
  kubeconfig?: string;
  kubeconfigEnv?: string;
  json: boolean;
  junit?: string;
  markdown?: string;
  noFail: boolean;
  skip?: SmokeCheckId[];
  checkTimeoutSeconds?: number;
  suiteTimeoutSeconds?: number;
  loginId?: string;
  platformCluster?: string;
  platformSkipReason?: string;
  help: boolean;
}

function seconds(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} ${JSON.stringify(value)}: must be a whole number of seconds from ${min} to ${max}`,
    );
  }
  return n;
}

export function parseCli(argv: string[]): CliOptions {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        stack: { type: "string" },
        cluster: { type: "string" },
        kubeconfig: { type: "string" },
        "kubeconfig-env": { type: "string" },
        json: { type: "boolean" },
        junit: { type: "string" },
        markdown: { type: "string" },
        "no-fail": { type: "boolean" },
        skip: { type: "string" },
        "check-timeout": { type: "string" },
        "suite-timeout": { type: "string" },
        "login-id": { type: "string" },
        "platform-cluster": { type: "string" },
        "platform-skip-reason": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const str = (k: string) => values[k] as string | undefined;
  const opts: CliOptions = {
    stack: str("stack"),
    cluster: str("cluster"),
    kubeconfig: str("kubeconfig"),
    kubeconfigEnv: str("kubeconfig-env"),
    json: values.json === true,
    junit: str("junit"),
    markdown: str("markdown"),
    noFail: values["no-fail"] === true,
    checkTimeoutSeconds: seconds("--check-timeout", str("check-timeout"), 10, 1800),
    suiteTimeoutSeconds: seconds("--suite-timeout", str("suite-timeout"), 30, 7200),
    loginId: str("login-id"),
    platformCluster: str("platform-cluster"),
    platformSkipReason: str("platform-skip-reason"),
    help: values.help === true,
  };
  if (opts.help) return opts;
  const skip = str("skip");
  if (skip !== undefined) {
    const ids = skip
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = ids.filter((id) => !SMOKE_CHECK_IDS.includes(id as SmokeCheckId));
    if (bad.length)
      throw new UsageError(
        `--skip ${bad.join(",")}: not a check id; use one of ${SMOKE_CHECK_IDS.join(", ")}`,
      );
    opts.skip = ids as SmokeCheckId[];
  }
  if (opts.stack !== undefined && opts.cluster !== undefined) {
    throw new UsageError("--stack and --cluster exclude each other: check a whole stack, or one cluster");
  }
  if (opts.stack === undefined && opts.cluster === undefined) {
    throw new UsageError(
      "say what to check: --stack <stack>, or --cluster <kind name> with --kubeconfig <file>",
    );
  }
  if (opts.cluster !== undefined && (opts.kubeconfig === undefined) === (opts.kubeconfigEnv === undefined)) {
    throw new UsageError("--cluster needs exactly one of --kubeconfig <file> or --kubeconfig-env <VAR>");
  }
  if (opts.stack !== undefined && (opts.kubeconfig || opts.kubeconfigEnv || opts.platformCluster)) {
    throw new UsageError(
      "--kubeconfig, --kubeconfig-env and --platform-cluster belong to --cluster; a stack brings its own",
    );
  }
  return opts;
}

export type PlatformPlan =
  { baseUrl: string; token: string; loginId: string; clusterName: string } | { skipReason: string };

export interface ClusterPlan {
  cluster: string;
  kubeconfig: { file: string } | { env: string };
  platform: PlatformPlan;
}

export interface Plan {
  targets: ClusterPlan[];
  checkTimeoutMs: number;
  suiteTimeoutMs: number;
  skip: SmokeCheckId[];
  /** Setup problems found before running anything; non-empty means exit 2. */
  problems: string[];
}

type Env = Record<string, string | undefined>;

/** The web address QueryPieClient wants; `AccessPlatform.apiBaseUrl` (…/api/external/v2) works too. */
export function webBaseUrl(url: string): string {
  return url.replace(/\/+$/, "").replace(/\/api\/external\/v2$/, "");
}

function timing(opts: CliOptions, smoke: SmokeConfig, problems: string[]) {
  const checkTimeoutMs = (opts.checkTimeoutSeconds ?? smoke.checkTimeoutSeconds) * 1000;
  const suiteTimeoutMs = (opts.suiteTimeoutSeconds ?? smoke.suiteTimeoutSeconds) * 1000;
  if (suiteTimeoutMs < checkTimeoutMs) {
    problems.push(
      `the suite timeout (${suiteTimeoutMs / 1000} s) is shorter than one check's (${checkTimeoutMs / 1000} s)`,
    );
  }
  return { checkTimeoutMs, suiteTimeoutMs, skip: opts.skip ?? smoke.skip };
}

/** Plans a stack run from its validated config; `exists` is the file test. */
export function planStack(
  opts: CliOptions,
  lab: LabConfig,
  env: Env,
  exists: (file: string) => boolean,
): Plan {
  const problems: string[] = [];
  if (lab.clusters.length === 0)
    problems.push(`stack "${lab.stack}" declares no clusters (kind-access-lab:clusters)`);
  const loginId = opts.loginId ?? lab.smoke.loginId;
  const host = lab.platform.bindAddress === "0.0.0.0" ? "127.0.0.1" : lab.platform.bindAddress;
  const baseUrl = webBaseUrl(env[ENV.url] || `http://${host}:${lab.platform.ports.web}`);
  const token = env[ENV.token];
  const targets = lab.clusters.map((c): ClusterPlan => {
    // The KindCluster component writes it there (components/kind/paths.ts).
    const file = kindPaths(lab.stateDir, c.kindName).kubeconfig;
    if (!exists(file)) {
      problems.push(
        `no kubeconfig for cluster ${c.kindName} at ${file}: the cluster is not up. Run \`pulumi up -s ${lab.stack}\` first ` +
          "(or set stateDir in the stack file if the state lives elsewhere)",
      );
    }
    const platform: PlatformPlan = !lab.platform.enabled
      ? { skipReason: "the access platform is off (platform.enabled: false)" }
      : !token
        ? {
            skipReason: `no QueryPie API token: set ${ENV.token} (and ${ENV.url}, default ${baseUrl}) to run it outside pulumi up`,
          }
        : { baseUrl, token, loginId, clusterName: c.registration.name };
    return { cluster: c.kindName, kubeconfig: { file }, platform };
  });
  return { targets, ...timing(opts, lab.smoke, problems), problems };
}

/** Plans a one-cluster run (the SmokeSuite component's command). */
export function planSingle(
  opts: CliOptions,
  smoke: SmokeConfig,
  env: Env,
  exists: (file: string) => boolean,
): Plan {
  const problems: string[] = [];
  const cluster = opts.cluster as string;
  let kubeconfig: ClusterPlan["kubeconfig"];
  if (opts.kubeconfigEnv !== undefined) {
    if (!env[opts.kubeconfigEnv])
      problems.push(`the environment variable ${opts.kubeconfigEnv} holds no kubeconfig`);
    kubeconfig = { env: opts.kubeconfigEnv };
  } else {
    const file = opts.kubeconfig as string;
    if (!exists(file)) problems.push(`no kubeconfig file at ${file} for cluster ${cluster}`);
    kubeconfig = { file };
  }
  const token = env[ENV.token];
  const url = env[ENV.url];
  const platform: PlatformPlan =
    token && url && opts.platformCluster
      ? {
          baseUrl: webBaseUrl(url),
          token,
          loginId: opts.loginId ?? smoke.loginId,
          clusterName: opts.platformCluster,
        }
      : {
          skipReason:
            opts.platformSkipReason ??
            (opts.platformCluster
              ? `no QueryPie API token or URL: set ${ENV.token} and ${ENV.url}`
              : "no QueryPie registration given (--platform-cluster)"),
        };
  return { targets: [{ cluster, kubeconfig, platform }], ...timing(opts, smoke, problems), problems };
}

/** 0 when nothing failed or errored (or --no-fail), 1 otherwise. */
export function exitCodeFor(report: SmokeReport, noFail: boolean): number {
  return report.smokePassed || noFail ? 0 : 1;
}
