/**
 * What the mocked resources report after create, so the whole program resolves its outputs:
 * kubeconfigs with a CA, a server version, a smoke report, token Secrets, QueryPie uuids.
 * All values are fakes built at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { SmokeReport } from "../../components/smoke/types";

const PEM = ["-----BEGIN CERTIFICATE-----", "ZmFrZS1jYQ==", "-----END CERTIFICATE-----", ""].join("\n");

function fakeKubeconfig(kindName: string, internal: boolean): string {
  const server = internal ? `https://${kindName}-control-plane:6443` : "https://127.0.0.1:6444";
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- cluster:",
    `    certificate-authority-data: ${Buffer.from(PEM).toString("base64")}`,
    `    server: ${server}`,
    `  name: kind-${kindName}`,
    "",
  ].join("\n");
}

function smokeReport(cluster: string): string {
  const report: SmokeReport = {
    smokePassed: true,
    clusters: [
      {
        cluster,
        passed: 1,
        failed: 0,
        errors: 0,
        skipped: 0,
        durationMs: 10,
        checks: [{ id: "deployment", status: "passed", durationMs: 10, message: "available", evidence: {} }],
      },
    ],
  };
  return JSON.stringify(report) + "\n";
}

export function programState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
  const inputs = args.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  switch (args.type) {
    case "command:local:Command": {
      const kindName = String(inputs.environment?.LAB_KIND_NAME ?? "");
      if (args.name.endsWith("-internal-kubeconfig")) return { stdout: fakeKubeconfig(kindName, true) };
      if (args.name.endsWith("-kubeconfig")) return { stdout: fakeKubeconfig(kindName, false) };
      if (args.name.endsWith("-ready")) return { stdout: '{"gitVersion":"v1.33.1"}' };
      if (args.name.endsWith("-run")) {
        return { stdout: smokeReport(/--cluster (\S+)/.exec(String(inputs.create))?.[1] ?? "?") };
      }
      return { stdout: "" };
    }
    case "random:index/randomBytes:RandomBytes":
      return { base64: Buffer.alloc(32, 7).toString("base64"), hex: "07".repeat(32) };
    case "random:index/randomPassword:RandomPassword":
      return {
        result: args.name.endsWith("agent-secret") ? "0123456789abcdef".repeat(2) : `pw-${args.name}`,
      };
    case "kubernetes:core/v1:Secret":
      return {
        data: {
          ...(inputs.data ?? {}),
          token: Buffer.from("fake-sa-token").toString("base64"),
          "ca.crt": Buffer.from(PEM).toString("base64"),
        },
        metadata: { ...inputs.metadata, uid: `${args.name}-uid` },
      };
    default:
      if (args.type.startsWith("pulumi-nodejs:dynamic")) {
        return {
          uuid: `uuid-of-${args.name}`,
          userUuid: "uuid-of-qp-admin",
          expirationDate: "2027-11-27T23:59:59Z",
        };
      }
      if (args.type.startsWith("kubernetes:"))
        return { metadata: { ...inputs.metadata, uid: `${args.name}-uid` } };
      return undefined;
  }
}
