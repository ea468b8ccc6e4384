/**
 * The Pulumi workspace behind a small interface, so the lab's commands are tested with a fake.
 * The real one is the Automation API's LocalWorkspace on the project directory: Pulumi.yaml and
 * the stack files in stacks/ (stackConfigDir) are used exactly as `pulumi up` would.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";

export type { EngineEvent };

/** A stack output as the Automation API reports it; `secret` values are never printed. */
export type OutputMap = Record<string, { value: unknown; secret: boolean }>;

export interface OperationHooks {
  onEvent?: (event: EngineEvent) => void;
  onOutput?: (text: string) => void;
  /** Aborting asks the Pulumi CLI to cancel (it receives SIGINT) and the operation rejects. */
  signal?: AbortSignal;
}

export interface LabWorkspace {
  /** Undefined when the stack does not exist in the backend; else how many resources it holds. */
  stackInfo(stack: string): Promise<{ resourceCount?: number } | undefined>;
  /** Creates the stack in the backend if needed. */
  createOrSelectStack(stack: string): Promise<void>;
  /** `pulumi config set [--path] <key> <value>`; the value goes to the CLI's config file, not a log. */
  setConfig(stack: string, key: string, value: string, opts?: { path?: boolean }): Promise<void>;
  up(stack: string, hooks: OperationHooks): Promise<OutputMap>;
  /** `exclude`: URNs to leave in place (with their state), e.g. data volumes on `down --keep-data`. */
  destroy(stack: string, hooks: OperationHooks, opts?: { exclude?: string[] }): Promise<void>;
  /** URN and type of every resource in the stack's state. */
  resources(stack: string): Promise<{ urn: string; type: string }[]>;
  outputs(stack: string): Promise<OutputMap>;
  removeStack(stack: string, opts: { force: boolean; preserveConfig: boolean }): Promise<void>;
}

/** The real workspace. Imports the Automation API lazily, so commands that need no Pulumi stay fast. */
export function automationWorkspace(projectDir: string, envVars: Record<string, string>): LabWorkspace {
  type Auto = typeof import("@pulumi/pulumi/automation");
  let auto: Auto | undefined;
  let ws: import("@pulumi/pulumi/automation").LocalWorkspace | undefined;
  const workspace = async () => {
    auto ??= await import("@pulumi/pulumi/automation");
    ws ??= await auto.LocalWorkspace.create({ workDir: projectDir, envVars });
    return { auto, ws };
  };
  const select = async (stack: string) => {
    const { auto, ws } = await workspace();
    return auto.Stack.select(stack, ws);
  };
  return {
    async stackInfo(stack) {
      const { ws } = await workspace();
      const found = (await ws.listStacks()).find((s) => s.name === stack || s.name.endsWith(`/${stack}`));
      return found ? { resourceCount: found.resourceCount } : undefined;
    },
    async createOrSelectStack(stack) {
      const { auto, ws } = await workspace();
      await auto.Stack.createOrSelect(stack, ws);
    },
    async setConfig(stack, key, value, opts) {
      const { ws } = await workspace();
      await ws.setConfig(stack, key, { value, secret: false }, opts?.path ?? false);
    },
    async up(stack, hooks) {
      const s = await select(stack);
      const result = await s.up({
        onEvent: hooks.onEvent,
        onOutput: hooks.onOutput,
        signal: hooks.signal,
        color: "never",
      });
      return result.outputs;
    },
    async destroy(stack, hooks, opts) {
      const s = await select(stack);
      await s.destroy({
        onEvent: hooks.onEvent,
        onOutput: hooks.onOutput,
        signal: hooks.signal,
        color: "never",
        ...(opts?.exclude?.length ? { exclude: opts.exclude } : {}),
      });
    },
    async resources(stack) {
      const exported = await (await select(stack)).exportStack();
      const list = (exported.deployment as { resources?: { urn: string; type: string }[] } | undefined)
        ?.resources;
      return (list ?? []).map((r) => ({ urn: r.urn, type: r.type }));
    },
    async outputs(stack) {
      return (await select(stack)).outputs();
    },
    async removeStack(stack, opts) {
      const { ws } = await workspace();
      await ws.removeStack(stack, { force: opts.force, preserveConfig: opts.preserveConfig });
    },
  };
}
