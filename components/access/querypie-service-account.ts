/**
 * What seed 000's `generate_kubepie_sa.sh` makes in a cluster, as Kubernetes resources: the
 * account the QueryPie KAC proxy acts as, allowed only to impersonate the users, groups and
 * service accounts that QueryPie policies name.
 *
 * The token Secret is filled by the cluster's token controller a moment after it is created.
 * @pulumi/kubernetes has no built-in wait for that, so the Secret carries the provider's
 * `pulumi.com/waitFor: jsonpath={.data.token}` annotation: creation completes only once the token
 * is there (bounded by `tokenTimeout`), and the Secret's outputs then hold token and CA. No kubectl,
 * no polling script.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { caPem, tokenFromSecretData } from "./credentials";

export const QUERYPIE_SA = {
  namespace: "querypie",
  serviceAccount: "querypie-sa",
  clusterRole: "querypie-role",
  clusterRoleBinding: "querypie-crb",
  secret: "querypie-sa-secret",
} as const;

/** The only rule QueryPie needs: impersonation (LAB-SPEC §3). */
export const IMPERSONATE_RULE = {
  apiGroups: [""],
  resources: ["users", "groups", "serviceaccounts"],
  verbs: ["impersonate"],
};

export interface QueryPieServiceAccountArgs {
  /** The `k8s.Provider` of the cluster to create the objects in. Required. */
  provider: k8s.Provider;
  /** How long to wait for the token controller to fill the Secret. Default `"2m"`. */
  tokenTimeout?: string;
}

export class QueryPieServiceAccount extends pulumi.ComponentResource {
  /** The service-account token (a JWT), a Pulumi secret. */
  readonly token: pulumi.Output<string>;
  /** The cluster CA as PEM, a Pulumi secret. */
  readonly certificateAuthority: pulumi.Output<string>;
  /** The token Secret (outputs are secret). */
  readonly tokenSecret: k8s.core.v1.Secret;
  readonly clusterRoleBinding: k8s.rbac.v1.ClusterRoleBinding;

  constructor(name: string, args: QueryPieServiceAccountArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lab:index:QueryPieServiceAccount", name, {}, opts);
    const o = { parent: this, provider: args.provider };

    const ns = new k8s.core.v1.Namespace(
      `${name}-namespace`,
      { metadata: { name: QUERYPIE_SA.namespace } },
      o,
    );
    const sa = new k8s.core.v1.ServiceAccount(
      `${name}-sa`,
      { metadata: { name: QUERYPIE_SA.serviceAccount, namespace: ns.metadata.name } },
      o,
    );
    const role = new k8s.rbac.v1.ClusterRole(
      `${name}-role`,
      { metadata: { name: QUERYPIE_SA.clusterRole }, rules: [IMPERSONATE_RULE] },
      o,
    );
    this.clusterRoleBinding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-crb`,
      {
        metadata: { name: QUERYPIE_SA.clusterRoleBinding },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: sa.metadata.name, namespace: ns.metadata.name }],
      },
      o,
    );
    this.tokenSecret = new k8s.core.v1.Secret(
      `${name}-token`,
      {
        metadata: {
          name: QUERYPIE_SA.secret,
          namespace: ns.metadata.name,
          annotations: {
            "kubernetes.io/service-account.name": sa.metadata.name,
            // Creation waits until the token controller has written the token.
            "pulumi.com/waitFor": "jsonpath={.data.token}",
          },
        },
        type: "kubernetes.io/service-account-token",
      },
      {
        ...o,
        dependsOn: [sa],
        customTimeouts: { create: args.tokenTimeout ?? "2m", update: args.tokenTimeout ?? "2m" },
      },
    );

    const where = `Secret ${QUERYPIE_SA.namespace}/${QUERYPIE_SA.secret}`;
    this.token = pulumi.secret(
      this.tokenSecret.data.apply((data) => {
        const token = tokenFromSecretData(data);
        if (!token) {
          throw new Error(
            `${where} has no token: the cluster's token controller did not fill it. ` +
              "Check kube-controller-manager in the control-plane node, then run `pulumi up` again",
          );
        }
        return token;
      }),
    );
    this.certificateAuthority = pulumi.secret(
      this.tokenSecret.data.apply((data) => {
        if (!data?.["ca.crt"])
          throw new Error(`${where} has no ca.crt: the token controller did not fill it`);
        return caPem(data["ca.crt"]);
      }),
    );

    this.registerOutputs({ token: this.token, certificateAuthority: this.certificateAuthority });
  }
}
