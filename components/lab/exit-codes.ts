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
