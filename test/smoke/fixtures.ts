import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { ExecResult } from "../../components/smoke/adapter";

const DIR = path.resolve(__dirname, "..", "fixtures", "smoke");

/** A recorded output from test/fixtures/smoke. */
export function fx(name: string): string {
  return readFileSync(path.join(DIR, name), "utf8");
}

export const ok = (stdout: string, stderr = ""): ExecResult => ({ stdout, stderr, code: 0 });
export const fail = (code: number, stderr: string, stdout = ""): ExecResult => ({ stdout, stderr, code });
