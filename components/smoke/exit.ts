/**
 * Exiting without losing output. `process.exit` drops whatever a pipe has not taken yet
 * (Node writes to pipes asynchronously on POSIX), and the SmokeSuite reads the JSON report
 * from the script's stdout through a pipe: a report larger than the pipe's buffer (16-64 KiB,
 * e.g. with diagnostics on many failed checks) would reach Pulumi cut off and fail to parse.
 */

/** Exits with `code` once stdout and stderr have flushed; after `graceMs` it exits regardless. */
export function exitWhenFlushed(code: number, graceMs = 10_000): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  // A write's callback runs after every earlier write to that stream has been handed to the OS.
  process.stdout.write("", done);
  process.stderr.write("", done);
  // A reader that never reads must not keep the process alive forever.
  setTimeout(() => process.exit(code), graceMs).unref();
}
