/**
 * automationWorkspace, the one adapter between the lab and the Automation API, against a fake
 * `@pulumi/pulumi/automation` that records what it is asked. It pins the calls and options the
 * real module (3.276) takes: what only a real Pulumi CLI can confirm is that the CLI acts on them.
 */
import { beforeAll, beforeEach, describe, expect, test, vi } from "vitest";
import { SECRET_SIG, SIG_KEY } from "../../components/lab/state";

const calls: { what: string; args: unknown[] }[] = [];
const record = (what: string, ...args: unknown[]) => calls.push({ what, args });
let onSelect: () => void = () => {};
let exported: unknown = {};

vi.mock("@pulumi/pulumi/automation", () => {
  const fakeStack = (name: string) => ({
    name,
    async up(opts: unknown) {
      record("up", opts);
      // What Stack.up returns: outputs from `stack output --show-secrets`, nested secrets in plain text.
      return { outputs: { clusters: { value: [{ endpoint: "PLAINTEXT-NESTED-SECRET" }], secret: false } } };
    },
    async destroy(opts: unknown) {
      record("destroy", opts);
      return {};
    },
    async outputs() {
      record("stack.outputs");
      return {};
    },
  });
  const ws = {
    async listStacks() {
      record("listStacks");
      return [{ name: "org/kind-access-lab/lab", resourceCount: 7 }, { name: "dev-alice" }];
    },
    async setConfig(...args: unknown[]) {
      record("setConfig", ...args);
    },
    async exportStack(stack: string) {
      record("exportStack", stack);
      return { version: 3, deployment: exported };
    },
    async removeStack(...args: unknown[]) {
      record("removeStack", ...args);
    },
    async stackSettings() {
      record("stackSettings");
    },
    async saveStackSettings() {
      record("saveStackSettings");
    },
  };
  return {
    LocalWorkspace: {
      async create(opts: unknown) {
        record("LocalWorkspace.create", opts);
        return ws;
      },
    },
    Stack: {
      async select(name: string) {
        record("Stack.select", name);
        onSelect();
        return fakeStack(name);
      },
      async createOrSelect(name: string) {
        record("Stack.createOrSelect", name);
        return fakeStack(name);
      },
    },
  };
});

let automationWorkspace: typeof import("../../components/lab/workspace").automationWorkspace;
beforeAll(async () => {
  ({ automationWorkspace } = await import("../../components/lab/workspace"));
});
const ENV = {
  PULUMI_BACKEND_URL: "file:///p/.lab/state",
  PULUMI_CONFIG_PASSPHRASE_FILE: "/p/.lab/passphrase",
};
const names = () => calls.map((c) => c.what);
const optionsOf = (what: string) => calls.find((c) => c.what === what)?.args[0] as Record<string, unknown>;

beforeEach(() => {
  calls.length = 0;
  onSelect = () => {};
  exported = {};
});

describe("automationWorkspace", () => {
  test("one LocalWorkspace on the project directory with the backend's variables, and no stack settings of its own", async () => {
    const w = automationWorkspace("/p", ENV);
    await w.createOrSelectStack("lab");
    await w.setConfig("lab", "kind-access-lab:portOffset", "100");
    expect(calls.filter((c) => c.what === "LocalWorkspace.create")).toEqual([
      { what: "LocalWorkspace.create", args: [{ workDir: "/p", envVars: ENV }] },
    ]);
    // LocalWorkspace's stack settings ignore `stackConfigDir: stacks`: they must never be used.
    expect(names()).not.toContain("stackSettings");
    expect(names()).not.toContain("saveStackSettings");
  });

  test("setConfig goes through `pulumi config set` as plaintext, with --path when asked", async () => {
    const w = automationWorkspace("/p", ENV);
    await w.createOrSelectStack("dev-alice");
    await w.setConfig("dev-alice", "kind-access-lab:platform.enabled", "false", { path: true });
    await w.setConfig("dev-alice", "kind-access-lab:namePrefix", "alice-");
    expect(calls.filter((c) => c.what === "setConfig").map((c) => c.args)).toEqual([
      ["dev-alice", "kind-access-lab:platform.enabled", { value: "false", secret: false }, true],
      ["dev-alice", "kind-access-lab:namePrefix", { value: "alice-", secret: false }, false],
    ]);
  });

  test("stackInfo finds a stack by its short name, also when the backend lists org/project/stack", async () => {
    const w = automationWorkspace("/p", ENV);
    expect(await w.stackInfo("lab")).toEqual({ resourceCount: 7 });
    expect(await w.stackInfo("dev-alice")).toEqual({ resourceCount: undefined });
    expect(await w.stackInfo("dev-bob")).toBeUndefined();
  });

  test("up streams events, stdout and stderr, never colour, with the abort signal, and returns the outputs read from the export", async () => {
    exported = {
      resources: [
        {
          urn: "urn:pulumi:lab::kind-access-lab::pulumi:pulumi:Stack::kind-access-lab-lab",
          type: "pulumi:pulumi:Stack",
          custom: false,
          outputs: {
            clusters: [{ endpoint: { [SIG_KEY]: SECRET_SIG, ciphertext: "v1:x" } }],
            kubeconfigs: { [SIG_KEY]: SECRET_SIG, ciphertext: "v1:y" },
          },
        },
      ],
    };
    const w = automationWorkspace("/p", ENV);
    const onEvent = () => {};
    const onOutput = () => {};
    const signal = new AbortController().signal;
    const outputs = await w.up("lab", { onEvent, onOutput, signal });
    expect(optionsOf("up")).toEqual({ onEvent, onOutput, onError: onOutput, signal, color: "never" });
    expect(names()).toEqual(["LocalWorkspace.create", "Stack.select", "up", "exportStack"]);
    expect(outputs).toEqual({
      clusters: { value: [{ endpoint: "[secret]" }], secret: false },
      kubeconfigs: { value: "[secret]", secret: true },
    });
    expect(JSON.stringify(outputs)).not.toContain("PLAINTEXT-NESTED-SECRET");
  });

  test("destroy passes --exclude only when there is something to keep", async () => {
    const w = automationWorkspace("/p", ENV);
    await w.destroy("lab", {}, { exclude: [] });
    await w.destroy("lab", {});
    await w.destroy("lab", {}, { exclude: ["urn:v1", "urn:v2"] });
    const destroys = calls
      .filter((c) => c.what === "destroy")
      .map((c) => c.args[0] as Record<string, unknown>);
    expect(destroys.map((o) => o.exclude)).toEqual([undefined, undefined, ["urn:v1", "urn:v2"]]);
    expect(destroys.every((o) => o.color === "never")).toBe(true);
  });

  test.each(["up", "destroy"] as const)(
    "a signal that arrives while the stack is being selected stops %s before the CLI starts",
    async (op) => {
      const controller = new AbortController();
      onSelect = () => controller.abort();
      const w = automationWorkspace("/p", ENV);
      const run =
        op === "up"
          ? w.up("lab", { signal: controller.signal })
          : w.destroy("lab", { signal: controller.signal });
      await expect(run).rejects.toThrow(/aborted/i);
      expect(names()).not.toContain(op);
    },
  );

  test("resources and outputs come from one export each, without --show-secrets, and no stack selection", async () => {
    exported = {
      resources: [
        { urn: "urn:s", type: "pulumi:pulumi:Stack", custom: false, outputs: { smokePassed: true } },
        { urn: "urn:v", type: "docker:index/volume:Volume", custom: true },
      ],
    };
    const w = automationWorkspace("/p", ENV);
    expect(await w.resources("lab")).toEqual([
      { urn: "urn:s", type: "pulumi:pulumi:Stack", custom: false },
      { urn: "urn:v", type: "docker:index/volume:Volume", custom: true },
    ]);
    expect(await w.outputs("lab")).toEqual({ smokePassed: { value: true, secret: false } });
    expect(names()).toEqual(["LocalWorkspace.create", "exportStack", "exportStack"]);
  });

  test("removeStack passes force and preserveConfig through", async () => {
    const w = automationWorkspace("/p", ENV);
    await w.removeStack("ci-1-a", { force: true, preserveConfig: false });
    expect(calls.at(-1)).toEqual({
      what: "removeStack",
      args: ["ci-1-a", { force: true, preserveConfig: false }],
    });
  });
});
