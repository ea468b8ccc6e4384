/**
 * The pure decisions behind registration and reconciliation: API URL, version, CA encoding,
 * token decoding, the resource plan, grant planning, and the list cache.
 */
import { describe, expect, test } from "vitest";
import { caPem, certificateAuthorityPayload, tokenFromSecretData } from "../../components/access/credentials";
import { planAccess } from "../../components/access/plan";
import { cached, invalidate, resetRunCache, webBaseUrl } from "../../components/access/providers/common";
import { planGrant, wantedExpiry } from "../../components/access/providers/kac-grant";
import { kubernetesVersionFromImage, registrationApiUrl } from "../../components/access/registration-url";
import { validateAccess } from "../../components/config/access";
import { Problems } from "../../components/config/problems";
import { fakePem } from "./fakes";
import { labClusters } from "./lab-clusters";

describe("registrationApiUrl", () => {
  const [c1, c2] = labClusters();
  test.each([
    ["linux, cluster1", c1, "linux", "https://cluster1-control-plane:6443"],
    ["linux, cluster2", c2, "linux", "https://cluster2-control-plane:6443"],
    ["Docker Desktop, cluster1", c1, "docker-desktop", "https://host.docker.internal:6444"],
    ["Docker Desktop, cluster2", c2, "docker-desktop", "https://host.docker.internal:6445"],
  ] as const)("%s -> %s", (_n, cluster, mode, url) => {
    expect(registrationApiUrl(cluster, mode)).toBe(url);
  });

  test("a prefixed kind name (per-developer stack) is the node's name on the kind network", () => {
    expect(registrationApiUrl({ ...c1, kindName: "alice-cluster1" }, "linux")).toBe(
      "https://alice-cluster1-control-plane:6443",
    );
  });

  test("registration.apiUrl overrides both modes", () => {
    const c = { ...c1, registration: { ...c1.registration, apiUrl: "https://10.0.0.5:6443" } };
    expect(registrationApiUrl(c, "linux")).toBe("https://10.0.0.5:6443");
    expect(registrationApiUrl(c, "docker-desktop")).toBe("https://10.0.0.5:6443");
  });
});

describe("kubernetesVersionFromImage", () => {
  test.each([
    ["kindest/node:v1.33.1", "1.33.1"],
    ["kindest/node:v1.33.1@sha256:abc", "1.33.1"],
    ["registry.local:5000/kindest/node:v1.36.0", "1.36.0"],
    ["kindest/node:latest", undefined],
    ["kindest/node", undefined],
  ])("%s -> %s", (image, version) => {
    expect(kubernetesVersionFromImage(image)).toBe(version);
  });
});

describe("CA and token from the token Secret", () => {
  const pem = fakePem();
  const b64 = Buffer.from(pem).toString("base64");

  test.each([
    ["PEM in, base64 out (vendor file)", pem, "base64", b64],
    ["base64 in, base64 out", b64, "base64", b64],
    ["base64 in, PEM out (web form)", b64, "pem", pem],
    ["PEM in, PEM out", pem, "pem", pem],
    ["base64 with line breaks in, base64 out", b64.replace(/(.{76})/g, "$1\n"), "base64", b64],
  ] as const)("%s", (_n, input, encoding, expected) => {
    expect(certificateAuthorityPayload(input, encoding)).toBe(expected);
  });

  test("a CA that is neither PEM nor base64 of PEM is refused without echoing it", () => {
    const junk = "not-a-certificate-SENSITIVE";
    expect(() => caPem(junk)).toThrow(
      "The cluster CA is neither a PEM certificate nor base64 of one, so QueryPie could not verify the API server. Check the `ca.crt` key of Secret querypie/querypie-sa-secret.",
    );
    expect(() => caPem(junk)).not.toThrow(/SENSITIVE/);
  });

  test.each([
    ["filled", { token: Buffer.from("eyJabc.def.ghi").toString("base64") }, "eyJabc.def.ghi"],
    ["not yet filled", {}, undefined],
    ["empty", { token: "" }, undefined],
    ["no data at all", undefined, undefined],
  ])("token: %s", (_n, data, expected) => {
    expect(tokenFromSecretData(data as Record<string, string> | undefined)).toBe(expected);
  });
});

describe("planAccess", () => {
  test("the seed: one role, its policy (made after the role), one link, one grant", () => {
    const problems = new Problems();
    const { access } = validateAccess({}, { clusters: labClusters() }, problems);
    const plan = planAccess(access);
    expect(plan.roles).toEqual([
      { name: "admin-role", description: "Full admin on every lab cluster (seed 000)" },
    ]);
    expect(plan.policies.map((p) => [p.name, p.roles])).toEqual([["product-policy", ["admin-role"]]]);
    expect(
      plan.policies[0].content.startsWith("apiVersion: kubernetes.rbac.querypie.com/v1\nkind: KacPolicy\n"),
    ).toBe(true);
    expect(plan.links).toEqual([{ role: "admin-role", policy: "product-policy" }]);
    expect(plan.grants).toEqual([{ loginId: "qp-admin", roles: ["admin-role"] }]);
  });
});

describe("grant planning", () => {
  const E1 = "2027-11-27T23:59:59Z";
  const E2 = "2027-06-30T23:59:59Z";
  test.each([
    ["nothing granted yet", [], [], ["a"], E1, { revoke: [], grant: ["a"] }],
    [
      "already right (QueryPie's millisecond format)",
      [{ roleUuid: "a", expirationDate: "2027-11-27T23:59:59.000Z" }],
      ["a"],
      ["a"],
      E1,
      { revoke: [], grant: [] },
    ],
    [
      "expiry differs: revoke and grant again",
      [{ roleUuid: "a", expirationDate: E2 }],
      ["a"],
      ["a"],
      E1,
      { revoke: ["a"], grant: ["a"] },
    ],
    [
      "a role dropped from config",
      [
        { roleUuid: "a", expirationDate: E1 },
        { roleUuid: "b", expirationDate: E1 },
      ],
      ["a", "b"],
      ["a"],
      E1,
      { revoke: ["b"], grant: [] },
    ],
    [
      "a role granted by someone else is left alone",
      [{ roleUuid: "x", expirationDate: E2 }],
      [],
      ["a"],
      E1,
      { revoke: [], grant: ["a"] },
    ],
  ])("%s", (_n, live, previous, wanted, expiry, expected) => {
    expect(planGrant(live, previous, wanted, expiry)).toEqual(expected);
  });

  test.each([
    ["configured wins", { expiresAt: E2 }, E1, "2026-11-28T15:00:00Z", E2],
    ["kept while valid", {}, E1, "2027-05-01T00:00:00Z", E1],
    ["renewed once passed", {}, E1, "2027-11-28T00:00:00Z", "2028-11-26T23:59:59Z"],
    ["fresh default when none kept", {}, undefined, "2026-11-28T15:00:00Z", "2027-11-27T23:59:59Z"],
  ])("wantedExpiry: %s", (_n, extra, kept, now, expected) => {
    const news = { apiBaseUrl: "http://x", apiToken: "t", loginId: "qp-admin", roleUuids: ["a"], ...extra };
    expect(wantedExpiry(news, kept, new Date(now))).toBe(expected);
  });
});

describe("the per-process list cache", () => {
  const api = { apiBaseUrl: "http://127.0.0.1:8000", apiToken: "t" };

  test("concurrent readers share one load; a write's invalidate makes the next reader load again", async () => {
    resetRunCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await Promise.all([cached(api, "roles", load), cached(api, "roles", load)])).toEqual([1, 1]);
    expect(await cached(api, "roles", load)).toBe(1);
    invalidate(api, "roles");
    expect(await cached(api, "roles", load)).toBe(2);
  });

  test("a failed load is not kept", async () => {
    resetRunCache();
    await expect(cached(api, "roles", () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await cached(api, "roles", async () => "ok")).toBe("ok");
  });

  test("the same QueryPie named with or without /api/external/v2 shares one cache entry", async () => {
    resetRunCache();
    await cached(api, "clusters", async () => "first");
    expect(
      await cached(
        { ...api, apiBaseUrl: "http://127.0.0.1:8000/api/external/v2/" },
        "clusters",
        async () => "second",
      ),
    ).toBe("first");
    expect(webBaseUrl("http://127.0.0.1:8000/api/external/v2")).toBe("http://127.0.0.1:8000");
  });
});
