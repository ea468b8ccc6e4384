/**
 * Docs that match the code: every stack-config example in the README and docs/ (a ```yaml block
 * that starts with `config:`) loads through loadLabConfig without a problem, and so does every
 * committed stack file.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { describe, expect, test } from "vitest";
import { loadLabConfig, PROJECT_DIR } from "../../components/config";
import { rawFromNamespaced, readStackFile } from "../../components/config/raw";

const docs = [
  "README.md",
  ...fs.readdirSync(path.join(PROJECT_DIR, "docs")).map((f) => path.join("docs", f)),
];
const examples = docs.flatMap((doc) => {
  const text = fs.readFileSync(path.join(PROJECT_DIR, doc), "utf8");
  return [...text.matchAll(/```yaml\n(config:\n[\s\S]*?)```/g)].map((m, i) => ({
    name: `${doc} example ${i + 1}`,
    yaml: m[1],
  }));
});

describe("config examples in the docs", () => {
  test("there are examples to check (README and docs/)", () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });

  test.each(examples.map((e) => [e.name, e.yaml]))("%s loads without a problem", (_name, yaml) => {
    const doc = parse(yaml as string) as { config: Record<string, unknown> };
    const raw = rawFromNamespaced(doc.config);
    expect(() => loadLabConfig(raw, { stack: "docs", fileExists: () => true })).not.toThrow();
  });
});

describe("committed stack files", () => {
  const stacks = fs
    .readdirSync(path.join(PROJECT_DIR, "stacks"))
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => Boolean(s));

  test.each(stacks)("stacks/Pulumi.%s.yaml loads without a problem", (stack) => {
    expect(() => loadLabConfig(readStackFile(stack), { stack })).not.toThrow();
  });
});
