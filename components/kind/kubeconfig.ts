/**
 * Reading what kind prints: the cluster CA from a kubeconfig and the server version from
 * `/version`. Pure; errors never echo the kubeconfig (it holds a client key).
 */
import { parse } from "yaml";

interface Kubeconfig {
  clusters?: { name?: string; cluster?: { server?: string; "certificate-authority-data"?: string } }[];
}

function firstCluster(kubeconfig: string): { server?: string; "certificate-authority-data"?: string } {
  let doc: Kubeconfig;
  try {
    doc = (parse(kubeconfig) ?? {}) as Kubeconfig;
  } catch {
    throw new Error(
      "kind printed a kubeconfig that is not YAML; run `kind get kubeconfig --name <name>` to see why.",
    );
  }
  const cluster = doc.clusters?.[0]?.cluster;
  if (!cluster) throw new Error("kind printed a kubeconfig without a cluster entry; is the cluster running?");
  return cluster;
}

/** The cluster CA as PEM, decoded from `certificate-authority-data`. */
export function caCertificateFromKubeconfig(kubeconfig: string): string {
  const data = firstCluster(kubeconfig)["certificate-authority-data"];
  const pem = data ? Buffer.from(data, "base64").toString("utf8") : "";
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new Error("the kubeconfig kind printed has no certificate-authority-data with a PEM certificate.");
  }
  return pem;
}

/** The API server URL the kubeconfig points at. */
export function serverFromKubeconfig(kubeconfig: string): string {
  const server = firstCluster(kubeconfig).server;
  if (!server) throw new Error("the kubeconfig kind printed has no server URL.");
  return server;
}

/** `gitVersion` from the JSON of `GET /version`, e.g. `v1.33.1`. */
export function parseServerVersion(versionJson: string): string {
  try {
    const v = JSON.parse(versionJson) as { gitVersion?: unknown };
    if (typeof v.gitVersion === "string") return v.gitVersion;
  } catch {
    // fall through to the error below
  }
  throw new Error(`the API server's /version answer has no gitVersion: ${versionJson.slice(0, 200)}`);
}
