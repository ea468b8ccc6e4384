/**
 * The real effects behind LabDeps: the Automation API workspace, zx for the npm scripts,
 * the process's signals and clock. Kept apart so tests never load any of it.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { $ } from "zx";
import { PROJECT_DIR } from "../config";
import { realHostProbe } from "../host/probe";
import type { LabDeps } from "./commands";
import { automationWorkspace } from "./workspace";

export function realLabDeps(): LabDeps {
  return {
    projectDir: PROJECT_DIR,
    env: process.env,
    probe: realHostProbe,
    workspace: (envVars) => automationWorkspace(PROJECT_DIR, envVars),
    async runScript(script, args, signal) {
      const result = await $({
        cwd: PROJECT_DIR,
        stdio: "inherit",
        nothrow: true,
        signal,
      })`npm run --silent ${script} -- ${args}`;
      return result.exitCode ?? 1;
    },
    scriptExists: (script) => fs.existsSync(path.join(PROJECT_DIR, "scripts", `${script}.ts`)),
    log: (line) => console.log(line),
    now: () => Date.now(),
    randomHex: () => crypto.randomBytes(3).toString("hex"),
    osUser: () => os.userInfo().username,
    signals: process,
    interactive: Boolean(process.stdin.isTTY),
  };
}
