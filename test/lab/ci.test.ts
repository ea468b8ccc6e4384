import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { labMain } from "../../components/lab/main";
import { HEALTHY, NO_ENGINE } from "../host/fake-probe";
import { harness, type Harness } from "./fakes";

const STACK = "ci-19700101t001640-a1b2c3";

/** The teardown calls, in order, that every ci run must end with once its stack exists. */
function teardown(h: Harness): string[] {
  return h.journal.filter((l) => /^(destroy|removeStack|kind delete)/.test(l));
}

describe("lab ci: a uniquely named throwaway stack", () => {
  test("names the stack ci-<run>-<random>, prefixes its clusters, and uses GITHUB_RUN_ID when there is one", async () => {
    const h = harness();
    await labMain(["ci"], h.deps);
    expect(h.journal).toContain(`createOrSelectStack ${STACK}`);
    expect(h.journal).toContain(`setConfig ${STACK} kind-access-lab:namePrefix=ci-a1b2c3-`);
    const gh = harness({ env: { GITHUB_RUN_ID: "987654", GITHUB_RUN_ATTEMPT: "2" } });
    await labMain(["ci"], gh.deps);
    expect(gh.journal).toContain("createOrSelectStack ci-987654.2-a1b2c3");
  });

  test("on success: up, smoke with JUnit and Markdown, then destroy and remove; exit 0", async () => {
    const h = harness();
    expect(await labMain(["ci"], h.deps)).toBe(0);
    const reports = path.join(h.projectDir, ".lab", "reports");
    expect(h.journal.filter((l) => /^(up|script|destroy|removeStack)/.test(l))).toEqual([
      `up ${STACK}`,
      `script smoke --stack ${STACK} --junit ${path.join(reports, "smoke-junit.xml")} --markdown ${path.join(reports, "smoke-summary.md")}`,
      `destroy ${STACK}`,
      `removeStack ${STACK} force=true preserveConfig=false`,
    ]);
    expect(fs.existsSync(path.join(h.stacksDir, `Pulumi.${STACK}.yaml`))).toBe(false);
  });

  test("on a failed up: still destroys, deletes the kind clusters as a backstop, removes; exit 4 and a failure report", async () => {
    const h = harness();
    h.workspace.upBehaviour = "fail";
    h.workspace.destroyBehaviour = "fail";
    expect(await labMain(["ci", "--junit", "out/j.xml", "--markdown", "out/s.md"], h.deps)).toBe(4);
    expect(teardown(h)).toEqual([
      `destroy ${STACK}`,
      expect.stringMatching(/^kind delete cluster --name ci-a1b2c3-cluster1 /),
      expect.stringMatching(/^kind delete cluster --name ci-a1b2c3-cluster2 /),
      `removeStack ${STACK} force=true preserveConfig=false`,
    ]);
    expect(h.journal.some((l) => l.startsWith("script smoke"))).toBe(false);
    const junit = fs.readFileSync(path.join(h.projectDir, "out", "j.xml"), "utf8");
    expect(junit).toContain('<testcase classname="lab" name="up"');
    expect(junit).toContain('<failure message="pulumi up failed">');
    expect(fs.readFileSync(path.join(h.projectDir, "out", "s.md"), "utf8")).toContain(
      `Stack \`${STACK}\` failed at **up**: pulumi up failed`,
    );
  });

  test("on a failed smoke: destroys and removes; exit 5", async () => {
    const h = harness();
    h.smokeCodes.push(1);
    expect(await labMain(["ci"], h.deps)).toBe(5);
    expect(teardown(h)).toEqual([`destroy ${STACK}`, `removeStack ${STACK} force=true preserveConfig=false`]);
  });

  test.each(["SIGINT", "SIGTERM"] as const)(
    "on %s during up: cancels, then destroys and removes; signals during teardown do not stop it",
    async (signal) => {
      const h = harness();
      h.workspace.upBehaviour = "hang-until-abort";
      h.workspace.onOperationStart = (op) => {
        if (op === "up") setImmediate(() => h.signals.emit(signal));
        else h.signals.emit(signal); // a second one, while teardown runs
      };
      expect(await labMain(["ci"], h.deps)).toBe(signal === "SIGINT" ? 130 : 143);
      expect(teardown(h)).toEqual([
        `destroy ${STACK}`,
        `removeStack ${STACK} force=true preserveConfig=false`,
      ]);
      expect(h.text()).toContain(`${signal}: stopping; the stack is torn down next.`);
      expect(h.text()).toContain(`${signal}: teardown is running and will finish`);
      expect(h.signals.listenerCount(signal)).toBe(0);
    },
  );

  test("on a signal during smoke: destroys and removes; exit 130", async () => {
    const h = harness();
    h.deps.runScript = async (script, args) => {
      h.journal.push(`script ${script} ${args[0]} ${args[1]}`);
      h.signals.emit("SIGINT");
      return 130;
    };
    expect(await labMain(["ci"], h.deps)).toBe(130);
    expect(teardown(h)).toEqual([`destroy ${STACK}`, `removeStack ${STACK} force=true preserveConfig=false`]);
  });

  test("--no-platform sets platform.enabled=false through the workspace and leaves QueryPie's ports out", async () => {
    const h = harness();
    expect(await labMain(["ci", "--no-platform"], h.deps)).toBe(0);
    expect(h.journal).toContain(`setConfig ${STACK} kind-access-lab:platform.enabled=false --path`);
    expect(h.text()).toMatch(/OK {3}host ports: 4 free/);
  });

  test("a failed preflight stops before anything exists: nothing to tear down; exit 2", async () => {
    const h = harness({ probe: { ...HEALTHY, commands: { ...HEALTHY.commands, "docker info": NO_ENGINE } } });
    expect(await labMain(["ci"], h.deps)).toBe(2);
    expect(h.journal.some((l) => /createOrSelectStack|^up|destroy|removeStack/.test(l))).toBe(false);
  });

  test("when the stack cannot even be created, the backstop still runs and the stack file is removed", async () => {
    const h = harness();
    h.workspace.createOrSelectStack = async () => {
      throw new Error("backend unreachable");
    };
    expect(await labMain(["ci"], h.deps)).toBe(1);
    expect(h.text()).toContain("CI step failed: backend unreachable");
    expect(h.text()).toContain(`Teardown of "${STACK}" (always).`);
    expect(fs.existsSync(path.join(h.stacksDir, `Pulumi.${STACK}.yaml`))).toBe(false);
  });

  test("a CLI failure at setup is reported by its stderr line, in the log and in the failure report", async () => {
    const h = harness();
    h.workspace.createOrSelectStack = async () => {
      // The Automation API's CommandError message: code, stdout, stderr, err.
      throw new Error("code: 255\n stdout: \n stderr: error: failed to load checkpoint\n err?: \n");
    };
    expect(await labMain(["ci"], h.deps)).toBe(1);
    expect(h.text()).toContain("CI step failed: error: failed to load checkpoint");
    const md = fs.readFileSync(path.join(h.projectDir, ".lab", "reports", "smoke-summary.md"), "utf8");
    expect(md).toContain("error: failed to load checkpoint");
    expect(md).not.toContain("code: 255");
  });

  test("--stack is refused: ci makes its own", async () => {
    const h = harness();
    expect(await labMain(["ci", "--stack", "lab"], h.deps)).toBe(64);
    expect(h.lines[0]).toBe("lab: ci makes its own uniquely named stack; leave --stack out.");
  });
});
