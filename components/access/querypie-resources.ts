/**
 * The QueryPie objects as Pulumi resources: thin `pulumi.dynamic.Resource` classes over the
 * providers in `providers/`. Type tokens read `pulumi-nodejs:dynamic/querypie:<Kind>`.
 * Secret outputs (the API token, the credentials digest) are listed in additionalSecretOutputs.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  kacClusterProvider,
  KAC_CLUSTER_SECRET_OUTPUTS,
  type RequestAuditType,
} from "./providers/kac-cluster";
import { kacGrantProvider, KAC_GRANT_SECRET_OUTPUTS } from "./providers/kac-grant";
import { kacPolicyProvider, KAC_POLICY_SECRET_OUTPUTS } from "./providers/kac-policy";
import { kacRoleProvider, KAC_ROLE_SECRET_OUTPUTS } from "./providers/kac-role";
import { kacRolePolicyProvider, KAC_ROLE_POLICY_SECRET_OUTPUTS } from "./providers/kac-role-policy";

const MODULE = "querypie";

/** How to reach QueryPie; `apiToken` must be a secret. */
export interface QueryPieApiArgs {
  apiBaseUrl: pulumi.Input<string>;
  apiToken: pulumi.Input<string>;
}

function secretOpts(
  opts: pulumi.CustomResourceOptions | undefined,
  secrets: string[],
): pulumi.CustomResourceOptions {
  return { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secrets] };
}

/** The API inputs, with the token forced secret whatever the caller passed. */
function apiProps(api: QueryPieApiArgs) {
  return { apiBaseUrl: api.apiBaseUrl, apiToken: pulumi.secret(api.apiToken) };
}

export interface KacClusterArgs extends QueryPieApiArgs {
  name: pulumi.Input<string>;
  apiUrl: pulumi.Input<string>;
  serviceAccountToken: pulumi.Input<string>;
  certificateAuthority: pulumi.Input<string>;
  podSessionRecording: pulumi.Input<boolean>;
  requestAudit: pulumi.Input<boolean>;
  requestAuditTypes?: pulumi.Input<RequestAuditType[]>;
  tags: pulumi.Input<{ key: string; value: string }[]>;
  version?: pulumi.Input<string>;
}

export class KacCluster extends pulumi.dynamic.Resource {
  declare readonly uuid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly apiUrl: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: KacClusterArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      kacClusterProvider,
      name,
      {
        ...args,
        ...apiProps(args),
        serviceAccountToken: pulumi.secret(args.serviceAccountToken),
        certificateAuthority: pulumi.secret(args.certificateAuthority),
        uuid: undefined,
        adopted: undefined,
        credentialsDigest: undefined,
      },
      secretOpts(opts, KAC_CLUSTER_SECRET_OUTPUTS),
      MODULE,
      "KacCluster",
    );
  }
}

export interface KacRoleArgs extends QueryPieApiArgs {
  name: pulumi.Input<string>;
  description: pulumi.Input<string>;
}

export class KacRole extends pulumi.dynamic.Resource {
  declare readonly uuid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: KacRoleArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      kacRoleProvider,
      name,
      { ...args, ...apiProps(args), uuid: undefined, adopted: undefined },
      secretOpts(opts, KAC_ROLE_SECRET_OUTPUTS),
      MODULE,
      "KacRole",
    );
  }
}

export interface KacPolicyArgs extends QueryPieApiArgs {
  name: pulumi.Input<string>;
  description: pulumi.Input<string>;
  /** KacPolicy YAML. */
  content: pulumi.Input<string>;
}

export class KacPolicy extends pulumi.dynamic.Resource {
  declare readonly uuid: pulumi.Output<string>;
  declare readonly name: pulumi.Output<string>;
  declare readonly content: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: KacPolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      kacPolicyProvider,
      name,
      { ...args, ...apiProps(args), uuid: undefined, version: undefined, adopted: undefined },
      secretOpts(opts, KAC_POLICY_SECRET_OUTPUTS),
      MODULE,
      "KacPolicy",
    );
  }
}

export interface KacRolePolicyArgs extends QueryPieApiArgs {
  roleUuid: pulumi.Input<string>;
  policyUuid: pulumi.Input<string>;
  roleName?: pulumi.Input<string>;
  policyName?: pulumi.Input<string>;
}

export class KacRolePolicy extends pulumi.dynamic.Resource {
  declare readonly roleUuid: pulumi.Output<string>;
  declare readonly policyUuid: pulumi.Output<string>;

  constructor(name: string, args: KacRolePolicyArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      kacRolePolicyProvider,
      name,
      { ...args, ...apiProps(args), adopted: undefined },
      secretOpts(opts, KAC_ROLE_POLICY_SECRET_OUTPUTS),
      MODULE,
      "KacRolePolicy",
    );
  }
}

export interface KacGrantArgs extends QueryPieApiArgs {
  loginId: pulumi.Input<string>;
  roleUuids: pulumi.Input<pulumi.Input<string>[]>;
  /** ISO-8601; unset: now + 364 days at end of day UTC, fixed at first grant. */
  expiresAt?: pulumi.Input<string>;
}

export class KacGrant extends pulumi.dynamic.Resource {
  declare readonly userUuid: pulumi.Output<string>;
  declare readonly expirationDate: pulumi.Output<string>;
  declare readonly roleUuids: pulumi.Output<string[]>;

  constructor(name: string, args: KacGrantArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      kacGrantProvider,
      name,
      { ...args, ...apiProps(args), userUuid: undefined, expirationDate: undefined, granted: undefined },
      secretOpts(opts, KAC_GRANT_SECRET_OUTPUTS),
      MODULE,
      "KacGrant",
    );
  }
}
