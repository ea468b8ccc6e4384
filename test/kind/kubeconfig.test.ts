import { describe, expect, test } from "vitest";
import {
  caCertificateFromKubeconfig,
  parseServerVersion,
  serverFromKubeconfig,
} from "../../components/kind/kubeconfig";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: ${Buffer.from(PEM).toString("base64")}
    server: https://127.0.0.1:6444
  name: kind-cluster1
contexts:
- context: {cluster: kind-cluster1, user: kind-cluster1}
  name: kind-cluster1
current-context: kind-cluster1
users:
- name: kind-cluster1
  user: {client-key-data: ZmFrZQ==}
`;

describe("reading kind's kubeconfig", () => {
  test("the CA comes out as PEM, decoded from certificate-authority-data", () => {
    expect(caCertificateFromKubeconfig(KUBECONFIG)).toBe(PEM);
  });

  test("the server URL is the host endpoint kind publishes", () => {
    expect(serverFromKubeconfig(KUBECONFIG)).toBe("https://127.0.0.1:6444");
  });

  test.each([
    ["not YAML", "a: [", "kind printed a kubeconfig that is not YAML"],
    ["no clusters", "apiVersion: v1\n", "kind printed a kubeconfig without a cluster entry"],
    ["no CA", "clusters:\n- cluster: {server: https://x}\n", "has no certificate-authority-data"],
  ])("%s: a clear error that does not echo the kubeconfig", (_what, text, message) => {
    expect(() => caCertificateFromKubeconfig(text)).toThrow(message);
  });
});

describe("parseServerVersion", () => {
  test("reads gitVersion from GET /version", () => {
    expect(parseServerVersion('{"major":"1","minor":"33","gitVersion":"v1.33.1"}')).toBe("v1.33.1");
  });

  test("anything else is an error naming what came back", () => {
    expect(() => parseServerVersion("<html>")).toThrow(
      "the API server's /version answer has no gitVersion: <html>",
    );
  });
});
