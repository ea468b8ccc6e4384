/**
 * Pulumi mocks for the platform tests that also record what the engine would see: every
 * registration's inputs, dependencies, ignoreChanges and deleteBeforeReplace, straight from the
 * register request. Call `installMocks()` BEFORE importing a component module.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Resource names (last URN segment) this registration depends on. */
  deps: string[];
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
}

// A 32-hex-character fake, built at run time.
export const MOCK_AGENT_SECRET = "0123456789abcdef".repeat(2);

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
}

export interface Mocks {
  registered: Registered[];
  byName: (name: string) => Registered;
}

export async function installMocks(): Promise<Mocks> {
  const registered: Registered[] = [];
  const pending = new Map<string, Omit<Registered, "inputs">>();
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const meta = pending.get(`${args.type}::${args.name}`);
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          deps: meta?.deps ?? [],
          ignoreChanges: meta?.ignoreChanges ?? [],
          deleteBeforeReplace: meta?.deleteBeforeReplace ?? false,
          additionalSecretOutputs: meta?.additionalSecretOutputs ?? [],
        });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "random:index/randomPassword:RandomPassword") {
          state.result = args.name.endsWith("agent-secret") ? MOCK_AGENT_SECRET : `mock-secret-${args.name}`;
        }
        if (args.type === "docker:index/remoteImage:RemoteImage")
          state.imageId = `sha256-of-${args.inputs.name}`;
        if (args.type === "command:local:Command") state.stdout = "";
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "kind-access-lab",
    "test",
    false,
  );
  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): unknown;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    pending.set(`${req.getType()}::${req.getName()}`, {
      type: req.getType(),
      name: req.getName(),
      deps: req.getDependenciesList().map((urn) => urn.split("::").pop() ?? urn),
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    });
    return original(req, cb);
  };
  const byName = (name: string) => {
    const r = registered.find((x) => x.name === name);
    if (!r) throw new Error(`no resource named ${name}; have ${registered.map((x) => x.name).join(", ")}`);
    return r;
  };
  return { registered, byName };
}

/** The value of an output, once the mocks resolved it. */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

/** Whether an output is secret. */
export function secretOf<T>(o: pulumi.Output<T>): Promise<boolean> {
  return pulumi.isSecret(o);
}

/** Lets every pending registration reach the mocks. */
export const settle = () => new Promise((r) => setTimeout(r, 200));
