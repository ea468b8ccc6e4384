/**
 * The smoke script's exit: its JSON report must reach a pipe whole, even when the reader is
 * slower than the writer (as the Pulumi command provider may be). Real processes, real pipes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, expect, test } from "vitest";

const ROOT = path.resolve(__dirname, "..", "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const SIZE = 1_000_000;
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "smoke-exit-"));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Writes SIZE bytes and a newline to stdout, exits with `exit`, stdout read by a reader that starts 1 s late. */
function bytesThroughSlowPipe(exit: string): { received: number; code: string } {
  const script = path.join(dir, `writer-${Math.random().toString(36).slice(2)}.ts`);
  fs.writeFileSync(
    script,
    `import { exitWhenFlushed } from ${JSON.stringify(path.join(ROOT, "components", "smoke", "exit"))};\n` +
      `void exitWhenFlushed;\n` +
      `process.stdout.write("x".repeat(${SIZE}) + "\\n");\n` +
      `${exit};\n`,
  );
  const rc = path.join(dir, "rc");
  const r = spawnSync(
    "/bin/sh",
    ["-c", `{ "$0" "$1"; echo $? > "$2"; } | { sleep 1; wc -c; }`, TSX, script, rc],
    {
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  return { received: Number(r.stdout.trim()), code: fs.readFileSync(rc, "utf8").trim() };
}

test("premise: process.exit right after a large write loses what the pipe had not taken", () => {
  expect(bytesThroughSlowPipe("process.exit(0)").received).toBeLessThan(SIZE);
});

test("exitWhenFlushed delivers every byte to a slow pipe, then exits with the given code", () => {
  expect(bytesThroughSlowPipe("exitWhenFlushed(3)")).toEqual({ received: SIZE + 1, code: "3" });
});

test("scripts/smoke.ts ends through exitWhenFlushed, never a bare process.exit", () => {
  const source = fs.readFileSync(path.join(ROOT, "scripts", "smoke.ts"), "utf8");
  expect(source).not.toMatch(/process\.exit\(/);
  expect(source.match(/exitWhenFlushed\(/g)).toHaveLength(2);
});
