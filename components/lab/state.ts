/**
 * What the lab reads from a stack's exported state (`pulumi stack export`, without
 * --show-secrets): its resources, and its outputs with every secret replaced by "[secret]",
 * however deeply it is nested. The export holds secrets only as ciphertext, so nothing read here
 * can print one. (`pulumi stack output --show-secrets`, which the Automation API's
 * `stack.outputs()` runs, flags only top-level secrets and hands nested ones over in plain text.)
 * Pure.
 */
import type { OutputMap } from "./workspace";

/** The key and value Pulumi marks a secret with in serialised state. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** What a secret is shown as, like `pulumi stack output` does. */
export const SECRET_SHOWN = "[secret]";
export const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
/** Docker volumes the stack declares (QueryPie's database); what `down --keep-data` keeps. */
export const DATA_VOLUME_TYPE = "docker:index/volume:Volume";

export interface StateResource {
  urn: string;
  type: string;
  /** False for component resources and the stack itself. */
  custom: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isSecret = (v: unknown): boolean => isObj(v) && v[SIG_KEY] === SECRET_SIG;

function masked(v: unknown): unknown {
  if (isSecret(v)) return SECRET_SHOWN;
  if (Array.isArray(v)) return v.map(masked);
  if (isObj(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, masked(x)]));
  return v;
}

interface RawResource {
  urn?: unknown;
  type?: unknown;
  custom?: unknown;
  delete?: unknown;
  outputs?: unknown;
}

function rawResources(deployment: unknown): RawResource[] {
  const list = isObj(deployment) ? deployment.resources : undefined;
  return Array.isArray(list) ? list.filter(isObj) : [];
}

/** Every resource in the state (the stack itself included), as `{urn, type, custom}`. */
export function resourcesOf(deployment: unknown): StateResource[] {
  return rawResources(deployment).map((r) => ({
    urn: String(r.urn ?? ""),
    type: String(r.type ?? ""),
    // Missing would be a format change; count it as a real resource rather than hide it.
    custom: r.custom !== false,
  }));
}

/** The stack outputs, `{value, secret}` each, secrets (top-level or nested) as "[secret]". */
export function outputsOf(deployment: unknown): OutputMap {
  const root = rawResources(deployment).find((r) => r.type === ROOT_STACK_TYPE && r.delete !== true);
  const outputs = isObj(root?.outputs) ? root.outputs : {};
  return Object.fromEntries(
    Object.entries(outputs).map(([k, v]) => [k, { value: masked(v), secret: isSecret(v) }]),
  );
}

/**
 * Resources that make a lab "up": real ones, not providers and not the data volumes that
 * `down --keep-data` leaves in the state (Pulumi keeps their provider, parents and the stack too).
 */
export function labResources(resources: StateResource[]): StateResource[] {
  return resources.filter(
    (r) => r.custom && !r.type.startsWith("pulumi:providers:") && r.type !== DATA_VOLUME_TYPE,
  );
}
