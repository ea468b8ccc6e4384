/**
 * One kind cluster made reachable through QueryPie: the in-cluster service account QueryPie acts
 * as (QueryPieServiceAccount, through that cluster's provider), then the cluster registered in
 * QueryPie KAC with the API URL that works from the QueryPie container on this host. The
 * registration waits for the service-account token (its inputs are the token Secret's outputs).
 */
import type * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { CaEncoding } from "../config/access";
import type { ClusterConfig } from "../config/clusters";
import { certificateAuthorityPayload } from "./credentials";
import { KacCluster } from "./querypie-resources";
import { QueryPieServiceAccount } from "./querypie-service-account";
import { kubernetesVersionFromImage, registrationApiUrl, type ConcreteNetworkMode } from "./registration-url";

/** Where QueryPie's API is and the API token (a Pulumi secret). */
export interface QueryPieConnectionArgs {
  /** QueryPie web base URL, e.g. `http://127.0.0.1:8000`. */
  apiBaseUrl: pulumi.Input<string>;
  /** The API token; made secret here whatever is passed. */
  token: pulumi.Input<string>;
}

export interface ClusterRegistrationArgs {
  /** The validated cluster (kindName, apiServerPort, nodeImage, registration settings). Required. */
  cluster: ClusterConfig;
  /** The `k8s.Provider` of that cluster; every in-cluster object uses it. Required. */
  provider: k8s.Provider;
  /** How QueryPie reaches the cluster (`resolveNetworkMode`); decides the API URL. Required. */
  networkMode: ConcreteNetworkMode;
  /** QueryPie's API. Required. */
  connection: QueryPieConnectionArgs;
  /** How the CA is sent (`access.certificateAuthorityEncoding`). Default `base64`. */
  certificateAuthorityEncoding?: CaEncoding;
  /**
   * What the registration must wait for besides the token, e.g. the QueryPie app attached to the
   * `kind` network. (A component's own dependsOn does not reach its children.) Default none.
   */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

export class ClusterRegistration extends pulumi.ComponentResource {
  /** QueryPie's uuid of the cluster. */
  readonly clusterUuid: pulumi.Output<string>;
  /** The name in QueryPie, e.g. `production-cluster`. */
  readonly registeredName: pulumi.Output<string>;
  /** The API URL QueryPie uses. */
  readonly apiUrl: pulumi.Output<string>;
  readonly serviceAccount: QueryPieServiceAccount;
  readonly kacCluster: KacCluster;

  constructor(name: string, args: ClusterRegistrationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("lab:index:ClusterRegistration", name, {}, opts);
    const c = args.cluster;

    this.serviceAccount = new QueryPieServiceAccount(
      `${name}-sa`,
      { provider: args.provider },
      { parent: this },
    );
    const encoding = args.certificateAuthorityEncoding ?? "base64";
    const version = kubernetesVersionFromImage(c.nodeImage);

    this.kacCluster = new KacCluster(
      `${name}-kac`,
      {
        apiBaseUrl: args.connection.apiBaseUrl,
        apiToken: args.connection.token,
        name: c.registration.name,
        apiUrl: registrationApiUrl(c, args.networkMode),
        serviceAccountToken: this.serviceAccount.token,
        certificateAuthority: this.serviceAccount.certificateAuthority.apply((pem) =>
          certificateAuthorityPayload(pem, encoding),
        ),
        podSessionRecording: c.registration.podSessionRecording,
        requestAudit: c.registration.requestAudit,
        tags: c.registration.tags,
        ...(version ? { version } : {}),
      },
      {
        parent: this,
        // The binding must exist before QueryPie impersonates through the account.
        dependsOn: [
          ...(args.dependsOn ?? []),
          this.serviceAccount.clusterRoleBinding,
          this.serviceAccount.tokenSecret,
        ],
      },
    );

    this.clusterUuid = this.kacCluster.uuid;
    this.registeredName = this.kacCluster.name;
    this.apiUrl = this.kacCluster.apiUrl;
    this.registerOutputs({
      clusterUuid: this.clusterUuid,
      registeredName: this.registeredName,
      apiUrl: this.apiUrl,
    });
  }
}
