/**
 * loadLabConfig: the one place the whole stack config is read, defaulted, derived and
 * validated. Pure: it takes a raw key/value map and returns a typed LabConfig, or throws a
 * LabConfigError listing every problem at once. Nothing is created before this passes.
 */
import * as path from "node:path";
import { ACCESS_KEYS, validateAccess, type AccessConfig, type RbacSeedsConfig } from "./access";
import { CLUSTER_KEYS, validateClusters, type ClusterConfig } from "./clusters";
import { PLATFORM_KEYS, platformHostPorts, validatePlatform, type PlatformConfig } from "./platform";
import { LabConfigError, Problems } from "./problems";
import { PROJECT_DIR, SECRET_SET, type RawConfig } from "./raw";
import { SMOKE_KEYS, validateSmoke, type SmokeConfig } from "./smoke";

export * from "./problems";
export { PROJECT_DIR } from "./raw";
export type { RawConfig } from "./raw";
export type { ClusterConfig, PortMapping, ClusterRegistrationConfig } from "./clusters";
export type { PlatformConfig, PlatformPorts } from "./platform";
export type { AccessConfig, RbacSeedsConfig } from "./access";
export type { SmokeConfig } from "./smoke";

export type NetworkMode = "auto" | "linux" | "docker-desktop";

export interface LabConfig {
  /** Pulumi stack name. */
  stack: string;
  /** Prefixed to every kind cluster and container name. Default `""` (lab), `<user>-` for dev stacks. */
  namePrefix: string;
  /** Added to every host port. Default 0. */
  portOffset: number;
  /** How QueryPie reaches the clusters; `auto` picks by host OS at run time. Default `auto`. */
  networkMode: NetworkMode;
  /** Absolute host directory the stack owns (kubeconfigs, encryption configs). Default `<project>/.lab/<stack>`. */
  stateDir: string;
  clusters: ClusterConfig[];
  platform: PlatformConfig;
  access: AccessConfig;
  rbacSeeds: RbacSeedsConfig;
  smoke: SmokeConfig;
  /** True when the secret `querypieApiToken` is set; its value is only ever read as a Pulumi secret. */
  hasApiToken: boolean;
}

const TOP_KEYS = ["namePrefix", "portOffset", "networkMode", "stateDir", "querypieApiToken"] as const;
export const KNOWN_KEYS: readonly string[] = [
  ...TOP_KEYS,
  ...CLUSTER_KEYS,
  ...PLATFORM_KEYS,
  ...ACCESS_KEYS,
  ...SMOKE_KEYS,
];

export interface LoadOptions {
  stack: string;
  /** Base for the default stateDir. Default: the project directory. */
  projectDir?: string;
  /**
   * Checks that a file named in the config exists (`platform.licenseFile`); pass `fs.existsSync`.
   * Default: not checked here (the AccessPlatform component fails when it cannot read the file).
   */
  fileExists?: (absolutePath: string) => boolean;
}

const NAME_PREFIX = /^[a-z0-9.-]*$/;
const NETWORK_MODES: NetworkMode[] = ["auto", "linux", "docker-desktop"];

export function loadLabConfig(raw: RawConfig, opts: LoadOptions): LabConfig {
  const problems = new Problems();

  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) {
      problems.add(key, raw[key], "is not a key this program reads", `use one of ${KNOWN_KEYS.join(", ")}`);
    }
  }

  const namePrefix = raw.namePrefix ?? "";
  if (typeof namePrefix !== "string" || !NAME_PREFIX.test(namePrefix) || namePrefix.length > 20) {
    problems.add(
      "namePrefix",
      namePrefix,
      "must be at most 20 characters of a-z, 0-9, '.' and '-' (kind names allow no others)",
      'use something like "alice-"',
    );
  }
  const portOffset = raw.portOffset ?? 0;
  if (
    typeof portOffset !== "number" ||
    !Number.isInteger(portOffset) ||
    portOffset < 0 ||
    portOffset > 50000
  ) {
    problems.add("portOffset", portOffset, "must be a whole number from 0 to 50000", "use 0, 100, 200, ...");
  }
  const networkMode = (raw.networkMode ?? "auto") as NetworkMode;
  if (!NETWORK_MODES.includes(networkMode)) {
    problems.add(
      "networkMode",
      networkMode,
      "is not a network mode",
      `use one of ${NETWORK_MODES.join(", ")}`,
    );
  }
  const projectDir = opts.projectDir ?? PROJECT_DIR;
  const stateDirRaw = raw.stateDir ?? path.join(".lab", opts.stack);
  if (typeof stateDirRaw !== "string" || stateDirRaw.length === 0) {
    problems.add(
      "stateDir",
      stateDirRaw,
      "must be a directory path",
      'leave it unset or use e.g. ".lab/lab"',
    );
  }
  const token = raw.querypieApiToken;
  if (token !== undefined && token !== SECRET_SET && !(typeof token === "object" && token !== null)) {
    problems.add(
      "querypieApiToken",
      "(a plain value)",
      "is stored in plain text, so it would be readable in the stack file",
      "run `pulumi config rm querypieApiToken` then `pulumi config set --secret querypieApiToken <token>`",
    );
  }

  const ctx = {
    namePrefix: typeof namePrefix === "string" ? namePrefix : "",
    portOffset: typeof portOffset === "number" && Number.isInteger(portOffset) ? portOffset : 0,
  };
  const platform = validatePlatform(raw, { ...ctx, projectDir, fileExists: opts.fileExists }, problems);
  const clusters = validateClusters(
    raw,
    { ...ctx, reservedHostPorts: platformHostPorts(platform) },
    problems,
  );
  const { access, rbacSeeds } = validateAccess(raw, { clusters }, problems);
  const smoke = validateSmoke(raw, problems);

  if (!problems.empty) throw new LabConfigError(problems.list, opts.stack);
  return {
    stack: opts.stack,
    ...ctx,
    networkMode,
    stateDir: path.resolve(projectDir, stateDirRaw as string),
    clusters,
    platform,
    access,
    rbacSeeds,
    smoke,
    hasApiToken: token !== undefined,
  };
}

/** Picks the concrete network mode: Docker Desktop on macOS and Windows, plain Linux otherwise. */
export function resolveNetworkMode(mode: NetworkMode, platform: NodeJS.Platform): "linux" | "docker-desktop" {
  if (mode !== "auto") return mode;
  return platform === "linux" ? "linux" : "docker-desktop";
}
