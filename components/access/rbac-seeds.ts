/**
 * The in-cluster RBAC seeds of seeds 002 and 003 that a lab user practises beside QueryPie:
 * namespaces per environment with Pod Security labels, the `app-reader` ServiceAccount with the
 * `pod-reader` Role and `read-pods` RoleBinding, and the `allow-frontend-access` NetworkPolicy.
 *
 * Seed 003 selects the source namespace by a `name: frontend` label that nothing sets; this uses
 * `kubernetes.io/metadata.name`, which Kubernetes sets on every namespace, so the policy admits
 * exactly the `frontend` namespace. Whether it is enforced depends on the CNI (kind's kindnet
 * enforces NetworkPolicy from kind v0.24).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { PodSecurityLevel, RbacSeedsConfig } from "../config/access";

/** Pod Security Admission labels for one level: enforce, audit and warn alike. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    "pod-security.kubernetes.io/enforce": level,
    "pod-security.kubernetes.io/audit": level,
    "pod-security.kubernetes.io/warn": level,
  };
}

export interface RbacSeedsArgs {
  /** The `k8s.Provider` of the cluster to seed. Required. */
  provider: k8s.Provider;
  /** The validated `rbacSeeds` config (environments, pod reader, network policy). Required. */
  seeds: RbacSeedsConfig;
}

export class RbacSeeds extends pulumi.ComponentResource {
  /** Namespace names created, in config order. */
  readonly namespaces: pulumi.Output<string[]>;
  readonly podReaderServiceAccount: pulumi.Output<string>;
  readonly networkPolicy: pulumi.Output<string>;

  constructor(name: string, args: RbacSeedsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lab:index:RbacSeeds", name, {}, opts);
    const o = { parent: this, provider: args.provider };
    const s = args.seeds;

    const namespaces = new Map<string, k8s.core.v1.Namespace>();
    for (const env of s.environments) {
      namespaces.set(
        env.name,
        new k8s.core.v1.Namespace(
          `${name}-ns-${env.name}`,
          {
            metadata: {
              name: env.name,
              labels: { ...podSecurityLabels(env.podSecurity), "lab.kind-access/environment": env.name },
            },
          },
          o,
        ),
      );
    }
    // Validation guarantees these namespaces are declared environments.
    const nsOf = (n: string) => namespaces.get(n)!.metadata.name;

    const pr = s.podReader;
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-${pr.serviceAccount}`,
      { metadata: { name: pr.serviceAccount, namespace: nsOf(pr.namespace) } },
      o,
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-${pr.role}`,
      {
        metadata: { name: pr.role, namespace: nsOf(pr.namespace) },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
      },
      o,
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-${pr.roleBinding}`,
      {
        metadata: { name: pr.roleBinding, namespace: nsOf(pr.namespace) },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: nsOf(pr.namespace) }],
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
      },
      o,
    );

    const np = s.networkPolicy;
    const policy = new k8s.networking.v1.NetworkPolicy(
      `${name}-${np.name}`,
      {
        metadata: { name: np.name, namespace: nsOf(np.namespace) },
        spec: {
          podSelector: { matchLabels: np.podSelector },
          policyTypes: ["Ingress"],
          ingress: [
            {
              from: [
                { namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": np.fromNamespace } } },
              ],
              ports: [{ protocol: "TCP", port: np.port }],
            },
          ],
        },
      },
      { ...o, dependsOn: [namespaces.get(np.fromNamespace)!] },
    );

    this.namespaces = pulumi.all([...namespaces.values()].map((n) => n.metadata.name));
    this.podReaderServiceAccount = pulumi.interpolate`${sa.metadata.namespace}/${sa.metadata.name}`;
    this.networkPolicy = pulumi.interpolate`${policy.metadata.namespace}/${policy.metadata.name}`;
    this.registerOutputs({
      namespaces: this.namespaces,
      podReaderServiceAccount: this.podReaderServiceAccount,
      networkPolicy: this.networkPolicy,
    });
  }
}
