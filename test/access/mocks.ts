/**
 * Pulumi mocks for the access components that also record what the engine would be told: each
 * registration's inputs, dependencies (explicit and from inputs), provider reference and
 * additionalSecretOutputs, read from the register request. Call `installMocks()` BEFORE
 * importing a component module.
 */
import * as pulumi from "@pulumi/pulumi";
import { fakePem, fakeSaToken } from "./fakes";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  /** Names (last URN segment) of the resources this one depends on. */
  deps: string[];
  /** Name (last URN segment) of the explicit provider, if any. */
  provider?: string;
  additionalSecretOutputs: string[];
  /** Order in which the mocks saw it. */
  order: number;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getDependenciesList(): string[];
  getProvider(): string;
  getAdditionalsecretoutputsList(): string[];
}

export interface Mocks {
  registered: Registered[];
  byName(name: string): Registered;
  /** Token and PEM the mocked token Secrets hold, by Secret resource name. */
  secrets: Map<string, { token: string; pem: string }>;
}

const lastSegment = (urn: string) => urn.split("::").pop() ?? urn;

export async function installMocks(): Promise<Mocks> {
  const registered: Registered[] = [];
  const pending = new Map<string, Omit<Registered, "inputs" | "order">>();
  const secrets = new Map<string, { token: string; pem: string }>();
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
          additionalSecretOutputs: meta?.additionalSecretOutputs ?? [],
          order: registered.length,
        });
        const state: Record<string, unknown> = { ...args.inputs };
        if (args.type === "kubernetes:core/v1:Secret") {
          // What the token controller writes (base64 values, as the API returns them).
          const creds = { token: fakeSaToken(), pem: fakePem() };
          secrets.set(args.name, creds);
          state.data = {
            token: Buffer.from(creds.token).toString("base64"),
            "ca.crt": Buffer.from(creds.pem).toString("base64"),
            namespace: Buffer.from("querypie").toString("base64"),
          };
        }
        if (args.type.startsWith("pulumi-nodejs:dynamic/querypie:")) {
          state.uuid = `uuid-of-${args.name}`;
          if (args.type.endsWith(":KacGrant")) {
            state.userUuid = "uuid-of-qp-admin";
            state.expirationDate = "2027-11-27T23:59:59Z";
          }
        }
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
    const provider = req.getProvider();
    pending.set(`${req.getType()}::${req.getName()}`, {
      type: req.getType(),
      name: req.getName(),
      deps: req.getDependenciesList().map(lastSegment),
      provider: provider ? lastSegment(provider.split("::").slice(0, -1).join("::")) : undefined,
      additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    });
    return original(req, cb);
  };
  const byName = (name: string) => {
    const r = registered.find((x) => x.name === name);
    if (!r) throw new Error(`no resource named ${name}; have ${registered.map((x) => x.name).join(", ")}`);
    return r;
  };
  return { registered, byName, secrets };
}

/** The value of an output once the mocks resolved it. */
export function valueOf<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

/** Lets every pending registration reach the mocks. */
export const settle = () => new Promise((r) => setTimeout(r, 300));

/** Inputs arrive in the mocks as `{<secret sig>: ..., value}` when secret. */
export function isSecretInput(v: unknown): boolean {
  return typeof v === "object" && v !== null && "value" in v && Object.keys(v).length === 2;
}
export function unwrap(v: unknown): unknown {
  return isSecretInput(v) ? (v as { value: unknown }).value : v;
}
