/**
 * `npm run lab -- <command>`: parses, dispatches, and turns every failure into a message and
 * an exit code. A stack trace is printed only with LAB_DEBUG=1.
 */
import { LAB_USAGE, parseLabArgs } from "./args";
import { ciCmd, delegateCmd, downCmd, preflightCmd, statusCmd, upCmd, type LabDeps } from "./commands";
import { errorLines, EXIT, LabError, passphraseHint } from "./exit-codes";

/** A message for an error nobody planned for: what happened, first lines only, and where to look. */
export function describeUnexpected(e: unknown, debug: boolean): string[] {
  const err = e instanceof Error ? e : new Error(String(e));
  if (debug) return [`lab: ${err.stack ?? err.message}`];
  const text = err.message || err.name;
  if (/ENOENT.*\bpulumi\b|\bpulumi\b.*(ENOENT|not found)/i.test(text)) {
    return [
      "lab: the Pulumi CLI could not be started (not found). Install it: `curl -fsSL https://get.pulumi.com | sh`.",
    ];
  }
  const lines = errorLines(err);
  const shown = lines.slice(0, 12);
  return [
    `lab: ${shown[0] ?? "unknown error"}`,
    ...shown.slice(1).map((l) => `  ${l}`),
    ...(lines.length > shown.length ? [`  ... (${lines.length - shown.length} more lines)`] : []),
    ...passphraseHint(lines),
    "Run again with LAB_DEBUG=1 for the stack trace.",
  ];
}

export async function labMain(argv: string[], deps: LabDeps): Promise<number> {
  const args = parseLabArgs(argv, deps.env);
  if ("help" in args) {
    deps.log(LAB_USAGE);
    return EXIT.ok;
  }
  if ("error" in args) {
    deps.log(`lab: ${args.error}.`);
    deps.log(LAB_USAGE);
    return EXIT.usage;
  }
  try {
    switch (args.command) {
      case "up":
        return await upCmd(args, deps);
      case "down":
        return await downCmd(args, deps);
      case "status":
        return await statusCmd(args, deps);
      case "smoke":
      case "render":
        return await delegateCmd(args.command, args, deps);
      case "preflight":
        return await preflightCmd(args, deps);
      case "ci":
        return await ciCmd(args, deps);
    }
  } catch (e) {
    if (e instanceof LabError) {
      deps.log(`lab: ${e.message}`);
      return e.exitCode;
    }
    describeUnexpected(e, deps.env.LAB_DEBUG === "1").forEach((l) => deps.log(l));
    return EXIT.unexpected;
  }
}
