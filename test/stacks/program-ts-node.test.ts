/**
 * The program loads as Pulumi's language host loads it: CommonJS `require` through ts-node with
 * the project's TypeScript and tsconfig, type-checked. (Vitest's own transform would hide an
 * ESM-only import or a type error that ts-node refuses.)
 */
import { execFileSync } from "node:child_process";
import * as path from "node:path";
import { expect, test } from "vitest";

test("stacks/index.ts loads under ts-node/register and registers the lab's resources", () => {
  const root = path.resolve(__dirname, "..", "..");
  const out = execFileSync(
    process.execPath,
    ["-r", "ts-node/register", path.join("test", "stacks", "load-under-ts-node.ts")],
    { cwd: root, encoding: "utf8", timeout: 90_000 },
  );
  const count = Number(/loaded (\d+)/.exec(out)?.[1]);
  expect(count).toBeGreaterThan(20);
}, 120_000);
