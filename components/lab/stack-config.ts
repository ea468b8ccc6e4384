/**
 * Which config a stack runs with. Named stacks (lab, ...) use their stack file as it is. A new
 * dev stack starts from the committed example `stacks/Pulumi.dev.example.yaml`, a ci stack from
 * `stacks/Pulumi.ci.yaml` (either falls back to the lab's file), and gets its own namePrefix and
 * port offset, written
 * through the Automation API (`pulumi config set`), so two stacks on one host never collide.
 *
 * `planStack` decides (no writes); `applyStackPlan` creates the stack and sets the values.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_NAMESPACE, LabConfigError, loadLabConfig, type LabConfig, type RawConfig } from "../config";
import { readStackFile, stackFilePath, STACKS_DIR } from "../config/raw";
import { withoutPlatform } from "../host/preflight-command";
import type { HostProbe } from "../host/probe";
import { plannedPorts } from "../host/run-preflight";
import { EXIT, LabError } from "./exit-codes";
import { namePrefixFor, type ResolvedStack } from "./naming";
import { choosePortOffset } from "./ports";
import type { LabWorkspace } from "./workspace";

/** Stack files a new stack of each kind starts from, first one present wins. */
export const TEMPLATES: Record<"dev" | "ci", string[]> = {
  dev: ["dev.example", "lab"],
  ci: ["ci", "dev.example", "lab"],
};

export interface StackPlan {
  stack: ResolvedStack;
  /** The validated config the stack will run with. */
  config: LabConfig;
  /** Absolute path of the stack file. */
  stackFile: string;
  /** Set when the stack file does not exist yet: the template to copy into it. */
  templateFile?: string;
  /** Values to set with `pulumi config set` once the stack exists. */
  settings: { key: string; value: string; path: boolean }[];
  /** What was decided, for the log. */
  notes: string[];
}

export interface PlanDeps {
  probe: Pick<HostProbe, "probePort">;
  stacksDir?: string;
  projectDir?: string;
}

function load(raw: RawConfig, stack: string, projectDir: string | undefined): LabConfig {
  try {
    return loadLabConfig(raw, { stack, projectDir });
  } catch (e) {
    if (e instanceof LabConfigError) throw new LabError(e.message, EXIT.config);
    throw e;
  }
}

function readRaw(stack: string, stacksDir: string): RawConfig {
  try {
    return readStackFile(stack, stacksDir);
  } catch (e) {
    throw new LabError((e as Error).message, EXIT.config);
  }
}

/** Host ports every other stack file claims (their stacks may be down now, but will come back). */
export function reservedPortsOfOtherStacks(
  stack: string,
  stacksDir: string,
  projectDir?: string,
): Set<number> {
  const reserved = new Set<number>();
  if (!fs.existsSync(stacksDir)) return reserved;
  for (const file of fs.readdirSync(stacksDir)) {
    const other = /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1];
    if (!other || other === stack || other.endsWith(".example")) continue;
    try {
      const config = loadLabConfig(readStackFile(other, stacksDir), { stack: other, projectDir });
      for (const p of plannedPorts(config)) reserved.add(p.port);
    } catch {
      // A broken stack file is its owner's problem; it reserves nothing here.
    }
  }
  return reserved;
}

export async function planStack(
  stack: ResolvedStack,
  opts: { noPlatform: boolean },
  deps: PlanDeps,
): Promise<StackPlan> {
  const stacksDir = deps.stacksDir ?? STACKS_DIR;
  const stackFile = stackFilePath(stack.name, stacksDir);
  const exists = fs.existsSync(stackFile);
  const notes: string[] = [];
  const settings: StackPlan["settings"] = [];
  const derived = stack.kind === "dev" || stack.kind === "ci";

  if (opts.noPlatform && !derived) {
    throw new LabError(
      `--no-platform would change the config of stack "${stack.name}" for good. ` +
        `Use a dev stack (\`npm run lab -- up --stack dev --no-platform\`) or set platform.enabled: false in ${path.relative(process.cwd(), stackFile)}.`,
      EXIT.usage,
    );
  }
  let raw: RawConfig;
  let templateFile: string | undefined;
  if (exists) {
    raw = readRaw(stack.name, stacksDir);
  } else if (derived) {
    const candidates = TEMPLATES[stack.kind as "dev" | "ci"];
    const template = candidates.find((t) => fs.existsSync(stackFilePath(t, stacksDir))) ?? "lab";
    templateFile = stackFilePath(template, stacksDir);
    raw = readRaw(template, stacksDir);
    notes.push(`new stack "${stack.name}": config from ${path.basename(templateFile)}`);
  } else {
    raw = readRaw(stack.name, stacksDir); // throws the reader's message: no such file, known stacks
  }

  if (derived) {
    if (templateFile || raw.namePrefix === undefined) {
      const prefix = namePrefixFor(stack) as string;
      raw = { ...raw, namePrefix: prefix };
      settings.push({ key: "namePrefix", value: prefix, path: false });
      notes.push(`namePrefix "${prefix}": kind clusters ${prefix}<name>, containers ${prefix}querypie-*`);
    }
    if (templateFile || raw.portOffset === undefined) {
      const base = plannedPorts(load({ ...raw, portOffset: 0 }, stack.name, deps.projectDir));
      const choice = await choosePortOffset({
        stack: stack.name,
        basePorts: base.map((p) => p.port),
        reserved: reservedPortsOfOtherStacks(stack.name, stacksDir, deps.projectDir),
        inUse: async (ports) => {
          const taken: number[] = [];
          for (const [i, port] of ports.entries()) {
            const planned = base[i];
            if (!planned) continue;
            if ((await deps.probe.probePort(port, planned.address, planned.protocol)) !== "free")
              taken.push(port);
          }
          return taken;
        },
      });
      raw = { ...raw, portOffset: choice.offset };
      settings.push({ key: "portOffset", value: String(choice.offset), path: false });
      for (const s of choice.skipped) notes.push(`port offset ${s.offset} passed over: ${s.reason}`);
      notes.push(
        `portOffset ${choice.offset}: every host port of the stack is its base port + ${choice.offset}`,
      );
    }
    if (opts.noPlatform) {
      raw = withoutPlatform(raw);
      settings.push({ key: "platform.enabled", value: "false", path: true });
      notes.push("platform.enabled=false: clusters and smoke only, no QueryPie");
    }
  }
  const config = load(raw, stack.name, deps.projectDir);
  return { stack, config, stackFile, templateFile, settings, notes };
}

/**
 * The template's text for a new stack file: a header, and the template without its own
 * namePrefix and portOffset lines, so that if setting the derived values fails, the next run
 * derives them again instead of taking the example's.
 */
export function stackFileFromTemplate(stack: string, templateName: string, templateText: string): string {
  const header =
    `# Stack "${stack}", made by \`npm run lab\` from ${templateName}.\n` +
    "# namePrefix and portOffset are derived for this stack and set with `pulumi config set`.\n";
  return header + templateText.replace(/^[ \t]*kind-access-lab:(namePrefix|portOffset):.*\r?\n/gm, "");
}

/** Creates the stack file from the template (if new), the stack in the backend, then sets the derived values. */
export async function applyStackPlan(plan: StackPlan, workspace: LabWorkspace): Promise<void> {
  let wroteFile = false;
  if (plan.templateFile && !fs.existsSync(plan.stackFile)) {
    const text = fs.readFileSync(plan.templateFile, "utf8");
    fs.writeFileSync(
      plan.stackFile,
      stackFileFromTemplate(plan.stack.name, path.basename(plan.templateFile), text),
    );
    wroteFile = true;
  }
  try {
    await workspace.createOrSelectStack(plan.stack.name);
    for (const s of plan.settings) {
      await workspace.setConfig(plan.stack.name, `${CONFIG_NAMESPACE}:${s.key}`, s.value, { path: s.path });
    }
  } catch (e) {
    // A half-made stack file would be read next time as if it were complete.
    if (wroteFile) fs.rmSync(plan.stackFile, { force: true });
    throw e;
  }
}
