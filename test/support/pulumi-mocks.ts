/**
 * Pulumi mocks that also record what the engine would see: every registration's inputs,
 * dependencies, provider, ignoreChanges, deleteBeforeReplace and additionalSecretOutputs, read
 * straight from the register request. Call `installMocks()` BEFORE importing a component or
 * program module: resources created before the mocks take effect wait for an engine forever.
 * The one recorder of the test suite; each area passes its own `stateFor` (what its resources
 * report after create) from a small file next to its tests.
 */
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Resource names (last URN segment) this registration depends on. */
  deps: string[];
  /** Provider reference (`urn::id`) when one was passed explicitly. */
  provider?: string;
  /** That provider's resource name (last URN segment), e.g. `cluster1-provider`. */
  providerName?: string;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  additionalSecretOutputs: string[];
  /** Registration order, 0-based. */
  order: number;
}

export interface MockOptions {
  project?: string;
  stack?: string;
  /** Config as `key: value` without the project namespace; values are JSON-encoded like the CLI does. */
  config?: Record<string, unknown>;
  /** Keys of `config` to mark secret. */
  secretKeys?: string[];
  /** Extra state a resource reports after create, by its type and inputs. */
  stateFor?: (args: pulumi.runtime.MockResourceArgs) => Record<string, unknown> | undefined;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getProvider(): string;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  getDeletebeforereplace(): boolean;
  getAdditionalsecretoutputsList(): string[];
}

export interface Mocks {
  registered: Registered[];
  byName(name: string): Registered;
  ofType(type: string): Registered[];
}

const lastSegment = (urn: string) => urn.split("::").pop() ?? urn;

export async function installMocks(opts: MockOptions = {}): Promise<Mocks> {
  const project = opts.project ?? "kind-access-lab";
  const registered: Registered[] = [];
  const pending = new Map<string, Omit<Registered, "inputs" | "order">>();

  const config: Record<string, string> = {};
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    config[`${project}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  pulumi.runtime.setAllConfig(
    config,
    (opts.secretKeys ?? []).map((k) => `${project}:${k}`),
  );

  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const meta = pending.get(`${args.type}::${args.name}`);
        registered.push({
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          deps: meta?.deps ?? [],
          provider: meta?.provider,
          providerName: meta?.providerName,
          ignoreChanges: meta?.ignoreChanges ?? [],
          deleteBeforeReplace: meta?.deleteBeforeReplace ?? false,
          additionalSecretOutputs: meta?.additionalSecretOutputs ?? [],
          order: registered.length,
        });
        const state = { ...args.inputs, ...(opts.stateFor?.(args) ?? {}) };
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    project,
    opts.stack ?? "test",
    false,
  );

  const monitor = pulumi.runtime.getMonitor() as unknown as {
    registerResource(req: RegisterRequest, cb: unknown): unknown;
  };
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const provider = req.getProvider() || undefined;
    pending.set(`${req.getType()}::${req.getName()}`, {
      type: req.getType(),
      name: req.getName(),
      provider,
      // A reference is `<provider urn>::<provider id>`.
      providerName: provider ? lastSegment(provider.split("::").slice(0, -1).join("::")) : undefined,
      deps: req.getDependenciesList().map(lastSegment),
      ignoreChanges: req.getIgnorechangesList(),
      deleteBeforeReplace: req.getDeletebeforereplace(),
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    });
    return original(req, cb);
  };

  return {
    registered,
    byName(name) {
      const r = registered.find((x) => x.name === name);
      if (!r) throw new Error(`no resource named ${name}; have ${registered.map((x) => x.name).join(", ")}`);
      return r;
    },
    ofType: (type) => registered.filter((r) => r.type === type),
  };
}

/** The value of an output, once the mocks resolved it. */
export function valueOf<T>(o: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(o).apply((v) => resolve(v as T)));
}

/** Whether an output is secret. */
export function secretOf<T>(o: pulumi.Output<T>): Promise<boolean> {
  return pulumi.isSecret(o);
}

/** Lets every pending registration reach the mocks. */
export const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));
