/**
 * What the access components' resources report after create under the mocks: the token Secret
 * the controller fills in, and the uuids QueryPie hands back. The recorder itself is
 * test/support/pulumi-mocks.ts: `installMocks({ stateFor: accessStateFor(secrets) })`.
 */
import type * as pulumi from "@pulumi/pulumi";
import { fakePem, fakeSaToken } from "./fakes";

/** Token and PEM a mocked token Secret holds. */
export interface MockedSecret {
  token: string;
  pem: string;
}

/** The state function; every token Secret it fills in is put in `secrets` by resource name. */
export function accessStateFor(secrets: Map<string, MockedSecret>) {
  return (args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined => {
    if (args.type === "kubernetes:core/v1:Secret") {
      // What the token controller writes (base64 values, as the API returns them).
      const creds = { token: fakeSaToken(), pem: fakePem() };
      secrets.set(args.name, creds);
      return {
        data: {
          token: Buffer.from(creds.token).toString("base64"),
          "ca.crt": Buffer.from(creds.pem).toString("base64"),
          namespace: Buffer.from("querypie").toString("base64"),
        },
      };
    }
    if (args.type.startsWith("pulumi-nodejs:dynamic/querypie:")) {
      return {
        uuid: `uuid-of-${args.name}`,
        ...(args.type.endsWith(":KacGrant")
          ? { userUuid: "uuid-of-qp-admin", expirationDate: "2027-11-27T23:59:59Z" }
          : {}),
      };
    }
    return undefined;
  };
}

/** Inputs arrive in the mocks as `{<secret sig>: ..., value}` when secret. */
export function isSecretInput(v: unknown): boolean {
  return typeof v === "object" && v !== null && "value" in v && Object.keys(v).length === 2;
}
export function unwrap(v: unknown): unknown {
  return isSecretInput(v) ? (v as { value: unknown }).value : v;
}
