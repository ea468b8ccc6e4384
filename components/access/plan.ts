/**
 * From validated config to the QueryPie objects to declare, in the order of LAB-SPEC §3:
 * clusters, roles, policies, role-policy links, grants (destroy runs the other way round).
 * Pure; shared by the components and by the test driver that plays Pulumi's part.
 */
import type { AccessConfig, CaEncoding } from "../config/access";
import type { ClusterConfig } from "../config/clusters";
import { certificateAuthorityPayload } from "./credentials";
import { renderPolicyContent } from "./policy";
import type { ApiInputs } from "./providers/common";
import type { KacClusterInputs } from "./providers/kac-cluster";
import type { KacGrantInputs } from "./providers/kac-grant";
import type { KacPolicyInputs } from "./providers/kac-policy";
import type { KacRoleInputs } from "./providers/kac-role";
import type { KacRolePolicyInputs } from "./providers/kac-role-policy";
import { kubernetesVersionFromImage, registrationApiUrl, type ConcreteNetworkMode } from "./registration-url";

export interface PlannedRole {
  name: string;
  description: string;
}
export interface PlannedPolicy {
  name: string;
  description: string;
  /** The document as the YAML sent to QueryPie. */
  content: string;
  /** Roles that list this policy: the policy is made after them and removed before them. */
  roles: string[];
}
export interface PlannedLink {
  role: string;
  policy: string;
}
export interface PlannedGrant {
  loginId: string;
  roles: string[];
  expiresAt?: string;
}
export interface AccessPlan {
  roles: PlannedRole[];
  policies: PlannedPolicy[];
  links: PlannedLink[];
  grants: PlannedGrant[];
}

export function planAccess(access: AccessConfig): AccessPlan {
  return {
    roles: access.roles.map((r) => ({ name: r.name, description: r.description })),
    policies: access.policies.map((p) => ({
      name: p.name,
      description: p.description,
      content: renderPolicyContent(p.document),
      roles: access.roles.filter((r) => r.policies.includes(p.name)).map((r) => r.name),
    })),
    links: access.roles.flatMap((r) => r.policies.map((policy) => ({ role: r.name, policy }))),
    grants: access.grants.map((g) => ({
      loginId: g.loginId,
      roles: g.roles,
      ...(g.expiresAt ? { expiresAt: g.expiresAt } : {}),
    })),
  };
}

/** Pulumi resource name suffixes, stable and readable. */
export const planKeys = {
  role: (name: string) => `role-${name}`,
  policy: (name: string) => `policy-${name}`,
  link: (l: PlannedLink) => `link-${l.role}-${l.policy}`,
  grant: (loginId: string) => `grant-${loginId}`,
};

export function roleInputs(api: ApiInputs, r: PlannedRole): KacRoleInputs {
  return { ...api, name: r.name, description: r.description };
}

export function policyInputs(api: ApiInputs, p: PlannedPolicy): KacPolicyInputs {
  return { ...api, name: p.name, description: p.description, content: p.content };
}

export function linkInputs(
  api: ApiInputs,
  l: PlannedLink,
  roleUuid: string,
  policyUuid: string,
): KacRolePolicyInputs {
  return { ...api, roleUuid, policyUuid, roleName: l.role, policyName: l.policy };
}

export function grantInputs(api: ApiInputs, g: PlannedGrant, roleUuids: string[]): KacGrantInputs {
  return { ...api, loginId: g.loginId, roleUuids, ...(g.expiresAt ? { expiresAt: g.expiresAt } : {}) };
}

export interface ClusterCredentials {
  /** The service account token, plain text (decoded from the Secret). */
  serviceAccountToken: string;
  /** The CA as PEM or base64 of PEM (a Secret's `ca.crt`). */
  certificateAuthority: string;
}

/** What is sent to register one cluster. */
export function clusterInputs(
  api: ApiInputs,
  cluster: ClusterConfig,
  mode: ConcreteNetworkMode,
  encoding: CaEncoding,
  credentials: ClusterCredentials,
): KacClusterInputs {
  const version = kubernetesVersionFromImage(cluster.nodeImage);
  return {
    ...api,
    name: cluster.registration.name,
    apiUrl: registrationApiUrl(cluster, mode),
    serviceAccountToken: credentials.serviceAccountToken,
    certificateAuthority: certificateAuthorityPayload(credentials.certificateAuthority, encoding),
    podSessionRecording: cluster.registration.podSessionRecording,
    requestAudit: cluster.registration.requestAudit,
    tags: cluster.registration.tags,
    ...(version ? { version } : {}),
  };
}
