/**
 * The `access` and `rbacSeeds` keys: QueryPie roles, policies and grants, and in-cluster
 * RBAC seeds. Owner: access control (issue 4).
 * STUB: shape fixed loosely, validation rules still to be written.
 */
import type { ClusterConfig } from "./clusters";
import { Problems } from "./problems";
import type { RawConfig } from "./raw";

export interface AccessConfig {
  roles: { name: string; description: string; policies: string[] }[];
  policies: { name: string; description: string; document: Record<string, unknown> }[];
  grants: { loginId: string; roles: string[]; expiresAt?: string }[];
}

export interface RbacSeedsConfig {
  enabled: boolean;
}

export const ACCESS_KEYS = ["access", "rbacSeeds"] as const;

export function validateAccess(
  raw: RawConfig,
  ctx: { clusters: ClusterConfig[] },
  problems: Problems,
): { access: AccessConfig; rbacSeeds: RbacSeedsConfig } {
  void raw;
  void ctx;
  void problems;
  return { access: { roles: [], policies: [], grants: [] }, rbacSeeds: { enabled: false } };
}
