/**
 * The QueryPie access objects declared under `access`: roles, policies (with their KacPolicy
 * documents), role-policy links and grants, in the order of LAB-SPEC §3 so that destroy runs
 * grants, links, policies, roles, clusters:
 *
 * - roles wait for the cluster registrations (`dependsOn`);
 * - each policy waits for the roles that list it (as in seed 000, role first, then policy);
 * - a link needs its role and policy (their uuids are its inputs);
 * - a grant needs its roles (uuids) and their links, so a user never holds a role whose policies
 *   are not attached yet, and on destroy the grant goes first.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AccessConfig } from "../config/access";
import type { QueryPieConnectionArgs } from "./cluster-registration";
import { planAccess, planKeys } from "./plan";
import { KacGrant, KacPolicy, KacRole, KacRolePolicy } from "./querypie-resources";

export interface AccessControlArgs {
  /** The validated `access` config. Required. */
  access: AccessConfig;
  /** QueryPie's API. Required. */
  connection: QueryPieConnectionArgs;
  /** The cluster registrations (policies name their clusters). Default none. */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export interface GrantOutput {
  loginId: string;
  userUuid: string;
  roles: string[];
  expirationDate: string;
}

export class AccessControl extends pulumi.ComponentResource {
  /** Role name -> QueryPie uuid. */
  readonly roleUuids: pulumi.Output<Record<string, string>>;
  /** Policy name -> QueryPie uuid. */
  readonly policyUuids: pulumi.Output<Record<string, string>>;
  /** One entry per grant, with the expiry fixed when it was first made. */
  readonly grants: pulumi.Output<GrantOutput[]>;
  readonly roles: Map<string, KacRole> = new Map();
  readonly policies: Map<string, KacPolicy> = new Map();
  readonly links: KacRolePolicy[] = [];
  readonly grantResources: KacGrant[] = [];

  constructor(name: string, args: AccessControlArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lab:index:AccessControl", name, {}, opts);
    const api = { apiBaseUrl: args.connection.apiBaseUrl, apiToken: pulumi.secret(args.connection.token) };
    const plan = planAccess(args.access);
    const after = args.dependsOn ?? [];

    for (const r of plan.roles) {
      this.roles.set(
        r.name,
        new KacRole(
          `${name}-${planKeys.role(r.name)}`,
          { ...api, name: r.name, description: r.description },
          { parent: this, dependsOn: after },
        ),
      );
    }
    for (const p of plan.policies) {
      this.policies.set(
        p.name,
        new KacPolicy(
          `${name}-${planKeys.policy(p.name)}`,
          { ...api, name: p.name, description: p.description, content: p.content },
          { parent: this, dependsOn: [...after, ...p.roles.map((r) => this.roles.get(r)!)] },
        ),
      );
    }
    const linksOfRole = new Map<string, KacRolePolicy[]>();
    for (const l of plan.links) {
      const role = this.roles.get(l.role)!;
      const policy = this.policies.get(l.policy)!;
      const link = new KacRolePolicy(
        `${name}-${planKeys.link(l)}`,
        { ...api, roleUuid: role.uuid, policyUuid: policy.uuid, roleName: l.role, policyName: l.policy },
        { parent: this },
      );
      this.links.push(link);
      linksOfRole.set(l.role, [...(linksOfRole.get(l.role) ?? []), link]);
    }
    for (const g of plan.grants) {
      this.grantResources.push(
        new KacGrant(
          `${name}-${planKeys.grant(g.loginId)}`,
          {
            ...api,
            loginId: g.loginId,
            roleUuids: g.roles.map((r) => this.roles.get(r)!.uuid),
            ...(g.expiresAt ? { expiresAt: g.expiresAt } : {}),
          },
          { parent: this, dependsOn: g.roles.flatMap((r) => linksOfRole.get(r) ?? []) },
        ),
      );
    }

    const byName = (m: Map<string, KacRole | KacPolicy>) =>
      pulumi
        .all([...m].map(([n, res]) => res.uuid.apply((u) => [n, u] as const)))
        .apply((pairs) => Object.fromEntries(pairs));
    this.roleUuids = byName(this.roles);
    this.policyUuids = byName(this.policies);
    this.grants = pulumi.all(
      this.grantResources.map((res, i) =>
        pulumi.all([res.userUuid, res.expirationDate]).apply(([userUuid, expirationDate]) => ({
          loginId: plan.grants[i].loginId,
          userUuid,
          roles: plan.grants[i].roles,
          expirationDate,
        })),
      ),
    );
    this.registerOutputs({ roleUuids: this.roleUuids, policyUuids: this.policyUuids, grants: this.grants });
  }
}
