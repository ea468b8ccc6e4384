/**
 * The Pulumi workspace behind a small interface, so the lab's commands are tested with a fake.
 * The real one is the Automation API's LocalWorkspace on the project directory: Pulumi.yaml and
 * the stack files in stacks/ (stackConfigDir) are used exactly as `pulumi up` would. Only CLI
 * commands touch stack files (`pulumi config set`, `stack init`), and the CLI honours
 * stackConfigDir; LocalWorkspace's own stackSettings/saveStackSettings do not (they use
 * `<workDir>/Pulumi.<stack>.yaml`), so the lab never calls them nor passes `stackSettings`.
 */
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { outputsOf, resourcesOf, type StateResource } from "./state";

export type { EngineEvent };

/** A stack's outputs, `{value, secret}` each; secrets (also nested ones) are "[secret]", never plain. */
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
  /**
   * `pulumi config set [--path] <key> --plaintext -- <value>`. The value is a CLI argument, so
   * only non-secret values (namePrefix, portOffset, platform.enabled) may go through here.
   */
  setConfig(stack: string, key: string, value: string, opts?: { path?: boolean }): Promise<void>;
  up(stack: string, hooks: OperationHooks): Promise<OutputMap>;
  /** `exclude`: URNs to leave in place (with their state), e.g. data volumes on `down --keep-data`. */
  destroy(stack: string, hooks: OperationHooks, opts?: { exclude?: string[] }): Promise<void>;
  /** URN, type and custom-ness of every resource in the stack's state. */
  resources(stack: string): Promise<StateResource[]>;
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
    // A missing CLI rejects here (PulumiCommand.get: `spawn pulumi ENOENT`); main.ts says how to install it.
    ws ??= await auto.LocalWorkspace.create({ workDir: projectDir, envVars });
    return { auto, ws };
  };
  const select = async (stack: string) => {
    const { auto, ws } = await workspace();
    return auto.Stack.select(stack, ws);
  };
  // Ciphertext only: no passphrase is used and no secret comes back in plain text.
  const exported = async (stack: string): Promise<unknown> => {
    const { ws } = await workspace();
    return (await ws.exportStack(stack)).deployment;
  };
  const hookOptions = (hooks: OperationHooks) => {
    // The CLI is told to stop through an abort listener added when it starts: a signal that came
    // while the stack was being selected would never reach it, so stop here instead.
    hooks.signal?.throwIfAborted();
    return {
      onEvent: hooks.onEvent,
      onOutput: hooks.onOutput,
      // The CLI's last word on a failure ("error: update failed", ...) is on stderr.
      onError: hooks.onOutput,
      signal: hooks.signal,
      color: "never" as const,
    };
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
      // The result's outputs come from `stack output --show-secrets`: nested secrets in plain text.
      await s.up(hookOptions(hooks));
      return outputsOf(await exported(stack));
    },
    async destroy(stack, hooks, opts) {
      const s = await select(stack);
      await s.destroy({
        ...hookOptions(hooks),
        ...(opts?.exclude?.length ? { exclude: opts.exclude } : {}),
      });
    },
    async resources(stack) {
      return resourcesOf(await exported(stack));
    },
    async outputs(stack) {
      return outputsOf(await exported(stack));
    },
    async removeStack(stack, opts) {
      const { ws } = await workspace();
      await ws.removeStack(stack, { force: opts.force, preserveConfig: opts.preserveConfig });
    },
  };
}
