/**
 * Fake credentials built at runtime (nothing token-shaped is stored in the repo) and a test
 * server per test with the lab's API inputs.
 */
import { randomBytes } from "node:crypto";
import { certificateAuthorityPayload } from "../../components/access/credentials";
import type { ApiInputs } from "../../components/access/providers/common";
import type { ClusterCredentials } from "../../components/access/plan";
import { QueryPieTestServer, type QueryPieTestServerOptions } from "../support/querypie-server";

/** A PEM-shaped certificate of random bytes (QueryPie's fake never parses it). */
export function fakePem(): string {
  const body = randomBytes(96)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n");
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
}

/** A JWT-shaped service-account token. */
export function fakeSaToken(): string {
  const part = () => randomBytes(24).toString("base64url");
  return `eyJ${part()}.${part()}.${part()}`;
}

/** Credentials as the Secret holds them: token plain after decoding, CA as base64 of the PEM. */
export function fakeCredentials(): ClusterCredentials {
  return {
    serviceAccountToken: fakeSaToken(),
    certificateAuthority: Buffer.from(fakePem()).toString("base64"),
  };
}

/** The seed's production cluster as a KAC registration request, with fresh fake credentials. */
export function seedClusterRequest() {
  const creds = fakeCredentials();
  return {
    name: "production-cluster",
    apiUrl: "https://cluster1-control-plane:6443",
    serviceAccountToken: creds.serviceAccountToken,
    certificateAuthority: certificateAuthorityPayload(creds.certificateAuthority, "base64"),
    podSessionRecording: false,
    requestAudit: false,
    tags: [],
  };
}

export async function startServer(options: QueryPieTestServerOptions = {}) {
  const server = await QueryPieTestServer.start(options);
  // Short timeouts and no backoff wait, so failure paths stay fast.
  const api: ApiInputs = {
    apiBaseUrl: server.url,
    apiToken: server.token,
    http: { timeoutMs: 1000, attempts: 3, baseDelayMs: 1 },
  };
  return { server, api };
}
