/**
 * The `platform` key: QueryPie Community beside the clusters. Owner: access platform (issue 3).
 * STUB: shape fixed, validation rules still to be written.
 */
import { Problems } from "./problems";
import type { RawConfig } from "./raw";

export interface PlatformPorts {
  web: number;
  https: number;
  agent: number;
  kacProxy: number;
  webProxy: number;
}

export interface PlatformConfig {
  enabled: boolean;
  /** QueryPie image version. */
  version: string;
  /** Host address the published ports bind. */
  bindAddress: string;
  /** Host ports, after the port offset. */
  ports: PlatformPorts;
  /** Absolute path of the Community license file, if any. */
  licenseFile?: string;
  /** KAC proxy host QueryPie advertises. */
  kacProxyHost?: string;
}

export interface PlatformContext {
  namePrefix: string;
  portOffset: number;
}

export const PLATFORM_KEYS = ["platform"] as const;

export function validatePlatform(raw: RawConfig, ctx: PlatformContext, problems: Problems): PlatformConfig {
  void raw;
  void problems;
  const o = ctx.portOffset;
  return {
    enabled: true,
    version: "11.4.1",
    bindAddress: "127.0.0.1",
    ports: { web: 8000 + o, https: 8443 + o, agent: 9000 + o, kacProxy: 6443 + o, webProxy: 7447 + o },
  };
}

/** Host ports the platform publishes, for the clusters' collision rule. */
export function platformHostPorts(p: PlatformConfig): { port: number; owner: string }[] {
  if (!p.enabled) return [];
  return Object.entries(p.ports).map(([k, port]) => ({ port, owner: `QueryPie ${k}` }));
}
