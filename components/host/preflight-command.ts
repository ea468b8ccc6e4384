/**
 * `npm run preflight -- [--stack <name>] [--no-platform]`: checks what a real run needs and
 * prints one line per check. Exit 0 when all pass, 2 when any fails (including the stack
 * config), 64 on bad arguments. The script only wires real dependencies to this function.
 */
import { formatProblem, LabConfigError, loadLabConfig, type LabConfig, type RawConfig } from "../config";
import { readStackFile } from "../config/raw";
import { failures, formatCheck, preflightSummary, type CheckResult } from "./preflight";
import type { HostProbe } from "./probe";
import { runPreflight } from "./run-preflight";

export const EXIT_PREFLIGHT_FAILED = 2;
export const EXIT_USAGE = 64;

export interface PreflightArgs {
  stack: string;
  noPlatform: boolean;
  help: boolean;
}

export const PREFLIGHT_USAGE =
  "Usage: npm run preflight -- [--stack <name>] [--no-platform]\n" +
  "  --stack <name>   stack whose host ports are checked (default: lab)\n" +
  "  --no-platform    leave QueryPie's ports out (clusters only)";

export function parsePreflightArgs(argv: string[]): PreflightArgs | { error: string } {
  const args: PreflightArgs = { stack: "lab", noPlatform: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--stack" || a.startsWith("--stack=")) {
      const value = a === "--stack" ? argv[++i] : a.slice("--stack=".length);
      if (!value) return { error: "--stack needs a stack name" };
      args.stack = value;
    } else if (a === "--no-platform") args.noPlatform = true;
    else if (a === "--help" || a === "-h") args.help = true;
    else return { error: `unknown argument ${JSON.stringify(a)}` };
  }
  return args;
}

/** The raw config with QueryPie switched off, for pipelines without a license. */
export function withoutPlatform(raw: RawConfig): RawConfig {
  const platform = typeof raw.platform === "object" && raw.platform !== null ? raw.platform : {};
  return { ...raw, platform: { ...platform, enabled: false } };
}

/** Loads a stack's config as a check result: the config itself, or a FAIL line naming every problem. */
export function loadConfigCheck(load: () => LabConfig): { config?: LabConfig; result: CheckResult } {
  try {
    const config = load();
    return {
      config,
      result: {
        id: "config",
        title: "stack config",
        status: "ok",
        detail: `stack "${config.stack}": ${config.clusters.length} cluster(s), QueryPie ${config.platform.enabled ? "on" : "off"}, namePrefix ${JSON.stringify(config.namePrefix)}, portOffset ${config.portOffset}`,
      },
    };
  } catch (e) {
    const detail =
      e instanceof LabConfigError
        ? `${e.problems.length} problem(s): ${e.problems.map(formatProblem).join(" ")}`
        : (e as Error).message;
    return {
      result: {
        id: "config",
        title: "stack config",
        status: "fail",
        detail: detail.replace(/\.$/, ""),
        fix: "correct the stack file named above; host ports were not checked",
      },
    };
  }
}

export interface PreflightCommandDeps {
  probe: HostProbe;
  /** Reads a stack's raw config. Default: `readStackFile`. */
  readRaw?: (stack: string) => RawConfig;
  log: (line: string) => void;
}

export async function preflightCommand(argv: string[], deps: PreflightCommandDeps): Promise<number> {
  const args = parsePreflightArgs(argv);
  if ("error" in args) {
    deps.log(`preflight: ${args.error}.\n${PREFLIGHT_USAGE}`);
    return EXIT_USAGE;
  }
  if (args.help) {
    deps.log(PREFLIGHT_USAGE);
    return 0;
  }
  const readRaw = deps.readRaw ?? readStackFile;
  const { config, result } = loadConfigCheck(() => {
    const raw = readRaw(args.stack);
    return loadLabConfig(args.noPlatform ? withoutPlatform(raw) : raw, { stack: args.stack });
  });
  deps.log(`Preflight for stack "${args.stack}":`);
  const results = [result, ...(await runPreflight(deps.probe, { config }))];
  for (const r of results) deps.log(`  ${formatCheck(r)}`);
  deps.log(preflightSummary(results));
  return failures(results).length > 0 ? EXIT_PREFLIGHT_FAILED : 0;
}
