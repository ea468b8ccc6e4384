/**
 * Test doubles for the lab's commands: a workspace that records every call in one shared
 * journal (with the preflight probe and the scripts), and LabDeps over a temporary project.
 */
import { EventEmitter } from "node:events";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { LabDeps } from "../../components/lab/commands";
import { ROOT_STACK_TYPE, type StateResource } from "../../components/lab/state";
import type { EngineEvent, LabWorkspace, OperationHooks, OutputMap } from "../../components/lab/workspace";
import { FakeProbe, HEALTHY, type FakeProbeSpec } from "../host/fake-probe";

export type Behaviour = "ok" | "fail" | "hang-until-abort";

/** A small but true-to-shape state after `up`: the stack, a provider, components, their children. */
export function upState(stack: string): StateResource[] {
  const urn = (chain: string, name: string) => `urn:pulumi:${stack}::kind-access-lab::${chain}::${name}`;
  return [
    { urn: urn(ROOT_STACK_TYPE, `kind-access-lab-${stack}`), type: ROOT_STACK_TYPE, custom: false },
    { urn: urn("pulumi:providers:docker", "default_5_2_0"), type: "pulumi:providers:docker", custom: true },
    { urn: urn("lab:index:KindCluster", "cluster1"), type: "lab:index:KindCluster", custom: false },
    {
      urn: urn("lab:index:KindCluster$command:local:Command", "cluster1-create"),
      type: "command:local:Command",
      custom: true,
    },
    { urn: urn("lab:index:AccessPlatform", "querypie"), type: "lab:index:AccessPlatform", custom: false },
    {
      urn: urn("lab:index:AccessPlatform$docker:index/volume:Volume", "querypie-data"),
      type: "docker:index/volume:Volume",
      custom: true,
    },
  ];
}

export class FakeWorkspace implements LabWorkspace {
  stacks = new Map<string, { resources: number; config: Record<string, string> }>();
  upBehaviour: Behaviour = "ok";
  destroyBehaviour: Behaviour = "ok";
  upOutputs: OutputMap = {};
  upEvents: EngineEvent[] = [];
  envVars: Record<string, string> = {};
  /** Called when an operation starts, e.g. to send a signal in the middle of it. */
  onOperationStart?: (op: "up" | "destroy") => void;

  constructor(readonly journal: string[]) {}

  async stackInfo(stack: string) {
    this.journal.push(`stackInfo ${stack}`);
    const s = this.stacks.get(stack);
    return s ? { resourceCount: s.resources } : undefined;
  }
  async createOrSelectStack(stack: string) {
    this.journal.push(`createOrSelectStack ${stack}`);
    if (!this.stacks.has(stack)) this.stacks.set(stack, { resources: 0, config: {} });
  }
  async setConfig(stack: string, key: string, value: string, opts?: { path?: boolean }) {
    this.journal.push(`setConfig ${stack} ${key}=${value}${opts?.path ? " --path" : ""}`);
    const s = this.stacks.get(stack);
    if (!s) throw new Error(`no stack ${stack}`);
    s.config[key] = value;
  }
  private async operate(op: "up" | "destroy", behaviour: Behaviour, hooks: OperationHooks): Promise<void> {
    this.onOperationStart?.(op);
    for (const e of op === "up" ? this.upEvents : []) hooks.onEvent?.(e);
    if (behaviour === "fail") {
      hooks.onEvent?.({
        sequence: 99,
        timestamp: 0,
        diagnosticEvent: {
          message: `${op} went wrong: kind create cluster exited 1\n`,
          color: "never",
          severity: "error",
        },
      });
      throw new Error(`code: 255\n stderr: error: ${op} failed`);
    }
    if (behaviour === "hang-until-abort") {
      await new Promise<void>((resolve) => {
        if (hooks.signal?.aborted) resolve();
        hooks.signal?.addEventListener("abort", () => resolve());
      });
      throw new Error(`${op} was cancelled`);
    }
  }
  async up(stack: string, hooks: OperationHooks) {
    this.journal.push(`up ${stack}`);
    await this.operate("up", this.upBehaviour, hooks);
    const s = this.stacks.get(stack);
    if (s) s.resources = 12;
    this.resourceList = upState(stack);
    return this.upOutputs;
  }
  resourceList: StateResource[] = [];
  async resources(stack: string) {
    this.journal.push(`resources ${stack}`);
    return this.resourceList;
  }
  async destroy(stack: string, hooks: OperationHooks, opts?: { exclude?: string[] }) {
    this.journal.push(
      `destroy ${stack}${opts?.exclude?.length ? ` --exclude ${opts.exclude.join(",")}` : ""}`,
    );
    await this.operate("destroy", this.destroyBehaviour, hooks);
    // As Pulumi does: an excluded resource stays, with what it depends on (its provider, its
    // parents, the stack and the stack's last outputs).
    const kept = new Set(opts?.exclude ?? []);
    this.resourceList = kept.size
      ? this.resourceList.filter(
          (r) => kept.has(r.urn) || !r.custom || r.type.startsWith("pulumi:providers:"),
        )
      : [];
    const s = this.stacks.get(stack);
    if (s) s.resources = this.resourceList.length;
  }
  async outputs(stack: string) {
    this.journal.push(`outputs ${stack}`);
    return this.upOutputs;
  }
  async removeStack(stack: string, opts: { force: boolean; preserveConfig: boolean }) {
    this.journal.push(`removeStack ${stack} force=${opts.force} preserveConfig=${opts.preserveConfig}`);
    this.stacks.delete(stack);
  }
}

/** A probe that journals the commands the lab runs (kind delete, docker rm, ...). */
export class JournalProbe extends FakeProbe {
  constructor(
    spec: FakeProbeSpec,
    private readonly journal: string[],
  ) {
    super(spec);
  }
  override async run(command: string, args: string[]) {
    const outcome = await super.run(command, args);
    if (command === "pulumi" && args[0] === "version") this.journal.push("preflight pulumi");
    if (command === "docker" && args[0] === "info") this.journal.push("preflight docker");
    if (command === "kind" && args[0] === "delete") this.journal.push(`kind ${args.join(" ")}`);
    if (command === "docker" && (args[0] === "rm" || args[1] === "rm"))
      this.journal.push(`docker ${args.join(" ")}`);
    return outcome;
  }
}

export interface Harness {
  deps: LabDeps;
  journal: string[];
  lines: string[];
  text: () => string;
  workspace: FakeWorkspace;
  probe: JournalProbe;
  signals: EventEmitter;
  projectDir: string;
  stacksDir: string;
  /** Exit codes the smoke script returns, in order (default 0). */
  smokeCodes: number[];
  scripts: Set<"smoke" | "render">;
}

const REAL_LAB_FILE = path.resolve(__dirname, "..", "..", "stacks", "Pulumi.lab.yaml");

/** A temporary project with stacks/Pulumi.lab.yaml and a healthy host, unless told otherwise. */
export function harness(opts: { probe?: FakeProbeSpec; env?: Record<string, string> } = {}): Harness {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-test-"));
  const stacksDir = path.join(projectDir, "stacks");
  fs.mkdirSync(stacksDir);
  fs.copyFileSync(REAL_LAB_FILE, path.join(stacksDir, "Pulumi.lab.yaml"));
  const journal: string[] = [];
  const lines: string[] = [];
  const workspace = new FakeWorkspace(journal);
  const signals = new EventEmitter();
  const kindClusters = new Set<string>();
  const probe = new JournalProbe(
    opts.probe ?? {
      ...HEALTHY,
      commands: {
        ...HEALTHY.commands,
        "kind get clusters": () => ({ code: 0, stdout: [...kindClusters].join("\n"), stderr: "" }),
        "kind delete": (args) => {
          kindClusters.delete(args[args.indexOf("--name") + 1] ?? "");
          return { code: 0, stdout: "", stderr: "" };
        },
      },
    },
    journal,
  );
  const smokeCodes: number[] = [];
  const scripts = new Set<"smoke" | "render">(["smoke", "render"]);
  const h: Harness = {
    journal,
    lines,
    text: () => lines.join("\n"),
    workspace,
    probe,
    signals,
    projectDir,
    stacksDir,
    smokeCodes,
    scripts,
    deps: {
      projectDir,
      stacksDir,
      env: { USER: "Alice", ...opts.env },
      probe,
      workspace: (envVars) => {
        workspace.envVars = envVars;
        return workspace;
      },
      async runScript(script, args) {
        journal.push(`script ${script} ${args.join(" ")}`);
        return script === "smoke" ? (smokeCodes.shift() ?? 0) : 0;
      },
      scriptExists: (script) => scripts.has(script),
      log: (line) => lines.push(line),
      now: () => 1_000_000,
      randomHex: () => "a1b2c3",
      osUser: () => "fallback",
      signals: { on: (s, f) => signals.on(s, f), off: (s, f) => signals.off(s, f) },
      heartbeatMs: 0,
    },
  };
  // Clusters "exist" once up ran, so the backstop has something to find when destroy leaves them.
  const up = workspace.up.bind(workspace);
  workspace.up = async (stack, hooks) => {
    for (const k of ["cluster1", "cluster2"])
      kindClusters.add(stack.startsWith("ci-") ? `ci-a1b2c3-${k}` : k);
    return up(stack, hooks);
  };
  const destroy = workspace.destroy.bind(workspace);
  workspace.destroy = async (stack, hooks, opts) => {
    await destroy(stack, hooks, opts);
    kindClusters.clear(); // a destroy that works removes the clusters itself
  };
  return h;
}
