/**
 * The real Automation API (no fake) when no Pulumi CLI is on PATH: LocalWorkspace.create rejects
 * (PulumiCommand.get runs `pulumi version`), and the lab turns that into its one install line.
 * Plus the other unexpected errors: first lines only, no stack trace unless LAB_DEBUG=1.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { describeUnexpected } from "../../components/lab/main";
import { automationWorkspace } from "../../components/lab/workspace";

const INSTALL =
  "lab: the Pulumi CLI could not be started (not found). Install it: `curl -fsSL https://get.pulumi.com | sh`.";

const savedPath = process.env.PATH;
afterAll(() => {
  process.env.PATH = savedPath;
});

describe("unexpected errors", () => {
  test("no Pulumi CLI on PATH: the real LocalWorkspace.create rejects, and the message is the install line", async () => {
    process.env.PATH = fs.mkdtempSync(path.join(os.tmpdir(), "no-pulumi-"));
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "lab-project-"));
    const error = await automationWorkspace(project, { PULUMI_SKIP_UPDATE_CHECK: "true" })
      .stackInfo("lab")
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    process.env.PATH = savedPath;
    expect((error as Error).name).toBe("CommandError");
    expect(describeUnexpected(error, false)).toEqual([INSTALL]);
  });

  test("a CLI failure shows its first 12 lines, counts the rest, and points at LAB_DEBUG", () => {
    const message = [
      "code: 255",
      " stdout: ",
      ...Array.from({ length: 14 }, (_, i) => ` stderr line ${i}`),
    ].join("\n");
    const lines = describeUnexpected(new Error(message), false);
    expect(lines[0]).toBe("lab: code: 255");
    expect(lines).toHaveLength(1 + 11 + 2);
    expect(lines.at(-2)).toBe("  ... (4 more lines)");
    expect(lines.at(-1)).toBe("Run again with LAB_DEBUG=1 for the stack trace.");
  });

  test("LAB_DEBUG=1 prints the stack trace", () => {
    const [line] = describeUnexpected(new Error("boom"), true);
    expect(line).toMatch(/^lab: Error: boom\n\s+at /);
  });
});
