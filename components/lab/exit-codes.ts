/**
 * Exit codes of `npm run lab` (documented in docs/lifecycle.md) and the error type that
 * carries one: a LabError is printed as its message only, never with a stack trace.
 */
export const EXIT = {
  ok: 0,
  /** Something unexpected; the message says what. */
  unexpected: 1,
  /** Preflight failed, or a tool the command needs (Pulumi CLI, kind, Docker engine) is missing. */
  preflight: 2,
  /** The stack config is invalid or missing; nothing was created. */
  config: 3,
  /** `pulumi up` or `pulumi destroy` failed. */
  pulumi: 4,
  /** The lab is up but the smoke suite failed. */
  smoke: 5,
  /** Teardown left something behind (see the lines above it for what and how to remove it). */
  teardown: 6,
  /** Bad arguments. */
  usage: 64,
  /** Interrupted by SIGINT (128 + 2). */
  sigint: 130,
  /** Interrupted by SIGTERM (128 + 15). */
  sigterm: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT] | number;

/** An error the lab explains in its message; `exitCode` tells the shell what kind it was. */
export class LabError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = "LabError";
  }
}

/**
 * The lines of an error worth showing. A Pulumi CLI failure (the Automation API's CommandError)
 * has the message `code: N\n stdout: ...\n stderr: ...\n err?: ...`: its stderr says what went
 * wrong, so that comes first (else stdout, else the underlying error). Blank lines are dropped.
 */
export function errorLines(e: unknown): string[] {
  const text = e instanceof Error ? e.message || e.name : String(e);
  const cli = /^code: -?\d+\n stdout: ([\s\S]*?)\n stderr: ([\s\S]*?)\n err\?: ([\s\S]*)$/.exec(text);
  const body = cli ? ([cli[2], cli[1], cli[3]].map((p) => (p ?? "").trim()).find((p) => p) ?? text) : text;
  return body
    .split("\n")
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
}

/** What to do when the passphrase does not open a stack's secrets, or is missing. */
export function passphraseHint(lines: string[]): string[] {
  if (!lines.some((l) => /incorrect passphrase|passphrase must be set/i.test(l))) return [];
  return [
    "The passphrase does not open this stack's secrets. A stack file's `encryptionsalt:` (and its",
    "`secure:` values) belong to the passphrase that made them, e.g. on another machine: use that",
    "passphrase (PULUMI_CONFIG_PASSPHRASE_FILE), or delete those lines from stacks/Pulumi.<stack>.yaml",
    "and set the secrets again. Without .lab/passphrase the lab's own stacks cannot be opened.",
  ];
}
