/**
 * Argument parsing for `npm run lab -- <command> [options]`. Pure: argv in, a typed command
 * (or a usage error with the reason) out.
 */

export const COMMANDS = ["up", "down", "status", "smoke", "render", "preflight", "ci"] as const;
export type LabCommand = (typeof COMMANDS)[number];

export interface LabArgs {
  command: LabCommand;
  /** As given with --stack (or LAB_STACK); resolved and sanitised later. */
  stack?: string;
  /** down: keep QueryPie's data volumes (left in the stack's state) and the stack's state directory. */
  keepData: boolean;
  /** down: remove the stack from the backend afterwards. */
  rm: boolean;
  /** ci, up, preflight: clusters and smoke only, `platform.enabled=false`. */
  noPlatform: boolean;
  /** up: skip the smoke step after the update. */
  noSmoke: boolean;
  /** ci: JUnit XML report path. */
  junit?: string;
  /** ci: Markdown summary path. */
  markdown?: string;
  /** Print Pulumi's own output while it runs. */
  verbose: boolean;
  /** smoke, render: arguments handed on unchanged. */
  passThrough: string[];
}

export const LAB_USAGE = `Usage: npm run lab -- <command> [--stack <name>] [options]

Commands:
  up          preflight, then create or update the stack, then smoke, then a summary
  down        destroy everything of the stack, kind clusters included
  status      the stack's outputs, or "not up"
  smoke       run the smoke suite against the stack (npm run smoke)
  render      write the kind configs the stack would use (npm run render)
  preflight   check this host can run the stack
  ci          a throwaway stack: up, smoke reports, then always down and removed

Options:
  --stack <name>      lab (default), dev (= dev-$USER), dev-<name>, or any stack in stacks/
  --no-platform       clusters and smoke only, no QueryPie (up, ci, preflight)
  --no-smoke          up: skip the smoke step
  --keep-data         down: keep QueryPie's data volumes and the stack's state directory
  --rm                down: also remove the stack from the state backend
  --junit <file>      ci: JUnit XML of the smoke suite (default .lab/reports/smoke-junit.xml)
  --markdown <file>   ci: Markdown summary (default .lab/reports/smoke-summary.md)
  --verbose           show Pulumi's own output
  Arguments after "--" go to the smoke and render scripts unchanged.

Exit codes: 0 ok, 1 unexpected, 2 preflight or missing tool, 3 stack config, 4 pulumi up/destroy,
5 smoke failed, 6 teardown incomplete, 64 usage, 130/143 interrupted.`;

const VALUE_FLAGS = ["--stack", "--junit", "--markdown"] as const;

export function parseLabArgs(
  argv: string[],
  env: Record<string, string | undefined> = {},
): LabArgs | { error: string } | { help: true } {
  const args: Omit<LabArgs, "command"> & { command?: LabCommand } = {
    keepData: false,
    rm: false,
    noPlatform: false,
    noSmoke: false,
    verbose: false,
    passThrough: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? "";
    if (a === "--") {
      args.passThrough.push(...argv.slice(i + 1));
      break;
    }
    if (a === "--help" || a === "-h" || a === "help") return { help: true };
    const valueFlag = VALUE_FLAGS.find((f) => a === f || a.startsWith(`${f}=`));
    if (valueFlag) {
      const value = a === valueFlag ? argv[++i] : a.slice(valueFlag.length + 1);
      if (!value || value.startsWith("--")) return { error: `${valueFlag} needs a value` };
      if (valueFlag === "--stack") args.stack = value;
      else if (valueFlag === "--junit") args.junit = value;
      else args.markdown = value;
      continue;
    }
    if (a === "--keep-data") args.keepData = true;
    else if (a === "--rm") args.rm = true;
    else if (a === "--no-platform") args.noPlatform = true;
    else if (a === "--no-smoke") args.noSmoke = true;
    else if (a === "--verbose" || a === "-v") args.verbose = true;
    else if (a.startsWith("-")) {
      // smoke and render have options of their own: hand unknown ones on.
      if (args.command === "smoke" || args.command === "render") args.passThrough.push(a);
      else return { error: `unknown option ${a}` };
    } else if (!args.command) {
      if (!(COMMANDS as readonly string[]).includes(a)) {
        return { error: `unknown command ${JSON.stringify(a)}; use one of ${COMMANDS.join(", ")}` };
      }
      args.command = a as LabCommand;
    } else if (args.command === "smoke" || args.command === "render") {
      args.passThrough.push(a);
    } else {
      return { error: `unexpected argument ${JSON.stringify(a)}` };
    }
  }
  if (!args.command) return { error: `no command; use one of ${COMMANDS.join(", ")}` };
  const onlyFor: [keyof LabArgs, boolean, LabCommand[]][] = [
    ["keepData", args.keepData, ["down"]],
    ["rm", args.rm, ["down"]],
    ["noSmoke", args.noSmoke, ["up"]],
    ["noPlatform", args.noPlatform, ["up", "ci", "preflight"]],
    ["junit", args.junit !== undefined, ["ci"]],
    ["markdown", args.markdown !== undefined, ["ci"]],
  ];
  for (const [name, given, commands] of onlyFor) {
    if (given && !commands.includes(args.command)) {
      const flag = `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
      return { error: `${flag} only applies to ${commands.join(", ")}` };
    }
  }
  if (args.keepData && args.rm) {
    return {
      error: "--keep-data keeps volumes in the stack's state, which --rm would delete; use one of them",
    };
  }
  if (args.command === "ci" && args.stack !== undefined) {
    return { error: "ci makes its own uniquely named stack; leave --stack out" };
  }
  if (args.stack === undefined && env.LAB_STACK && args.command !== "ci") args.stack = env.LAB_STACK;
  return args as LabArgs;
}
