/**
 * The real Automation API (no fake) when no Pulumi CLI is on PATH: LocalWorkspace.create rejects
 * (PulumiCommand.get runs `pulumi version`), and the lab turns that into its one install line.
 * Plus the other unexpected errors: first lines only, no stack trace unless LAB_DEBUG=1.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { errorLines } from "../../components/lab/exit-codes";
import { describeUnexpected } from "../../components/lab/main";
import { explainFailure } from "../../components/lab/operation";
import { automationWorkspace } from "../../components/lab/workspace";

const INSTALL =
  "lab: the Pulumi CLI could not be started (not found). Install it: `curl -fsSL https://get.pulumi.com | sh`.";

/** A real CommandError, made the way the Automation API makes one when a CLI command fails. */
async function cliError(code: number, stdout: string, stderr: string): Promise<Error> {
  type Make = { createCommandError(r: unknown): Error };
  type Result = { CommandResult: new (o: string, e: string, c: number) => unknown };
  const { createCommandError } = (await import("@pulumi/pulumi/automation/errors")) as unknown as Make;
  const { CommandResult } = (await import("@pulumi/pulumi/automation/cmd")) as unknown as Result;
  return createCommandError(new CommandResult(stdout, stderr, code));
}

const WRONG_PASSPHRASE =
  'error: getting secrets manager: constructing secrets manager of type "passphrase": incorrect passphrase\n';

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

  test("a CLI failure is shown by its stderr, not by its `code: N` line", async () => {
    const error = await cliError(255, "Selecting stack lab\n", "error: no Pulumi.yaml project file found\n");
    expect(error.message.split("\n")[0]).toBe("code: 255");
    expect(errorLines(error)).toEqual(["error: no Pulumi.yaml project file found"]);
    expect(describeUnexpected(error, false)).toEqual([
      "lab: error: no Pulumi.yaml project file found",
      "Run again with LAB_DEBUG=1 for the stack trace.",
    ]);
  });

  test.each<[string, string, string, string[]]>([
    ["stderr first", "out\n", "err line\n", ["err line"]],
    ["stdout when stderr is empty", "only out\n", "", ["only out"]],
  ])("errorLines of a CLI failure: %s", async (_, stdout, stderr, lines) => {
    expect(errorLines(await cliError(1, stdout, stderr))).toEqual(lines);
  });

  test("errorLines of any other error: its message lines, blank ones dropped", () => {
    expect(errorLines(new Error("first\n\n  second  "))).toEqual(["first", "  second"]);
  });

  test("a wrong passphrase says whose encryptionsalt it is and what to do, at setup and during an operation", async () => {
    const error = await cliError(255, "", WRONG_PASSPHRASE);
    const text = describeUnexpected(error, false).join("\n");
    expect(text).toContain("lab: error: getting secrets manager:");
    expect(text).toContain("A stack file's `encryptionsalt:` (and its");
    expect(text).toContain("delete those lines from stacks/Pulumi.<stack>.yaml");
    const explained = explainFailure(error, [], ["Updating (lab):", WRONG_PASSPHRASE.trim()]).join("\n");
    expect(explained).toContain("The passphrase does not open this stack's secrets.");
    expect(explainFailure(new Error("boom"), ["error: kind failed"], []).join("\n")).not.toContain(
      "passphrase",
    );
  });

  test("LAB_DEBUG=1 prints the stack trace", () => {
    const [line] = describeUnexpected(new Error("boom"), true);
    expect(line).toMatch(/^lab: Error: boom\n\s+at /);
  });
});
