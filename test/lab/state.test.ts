/**
 * Reading a stack from its exported state: outputs with secrets masked at any depth, resources,
 * and whether a state is a lab that is up. The deployments are shaped like `pulumi stack export`
 * (deployment v3) without --show-secrets: secrets are ciphertext under the secret signature.
 */
import { describe, expect, test } from "vitest";
import { loadLabConfig } from "../../components/config";
import {
  labResources,
  outputsOf,
  resourcesOf,
  SECRET_SIG,
  SIG_KEY,
  type StateResource,
} from "../../components/lab/state";
import { formatSummary } from "../../components/lab/summary";

const secret = (ciphertext: string) => ({ [SIG_KEY]: SECRET_SIG, ciphertext });
const stackUrn = "urn:pulumi:dev-alice::kind-access-lab::pulumi:pulumi:Stack::kind-access-lab-dev-alice";
const deploymentWith = (outputs: Record<string, unknown>, more: object[] = []) => ({
  manifest: { time: "2026-11-28T00:00:00Z" },
  secrets_providers: { type: "passphrase", state: { salt: "v1:x" } },
  resources: [{ urn: stackUrn, custom: false, type: "pulumi:pulumi:Stack", outputs }, ...more],
});

describe("outputsOf: stack outputs from the export", () => {
  test.each<[string, unknown, { value: unknown; secret: boolean }]>([
    ["a plain string", "http://127.0.0.1:8000", { value: "http://127.0.0.1:8000", secret: false }],
    ["a top-level secret", secret("v1:AAAA"), { value: "[secret]", secret: true }],
    [
      "a secret nested in an object",
      { webUrl: "http://x", token: secret("v1:BBBB") },
      { value: { webUrl: "http://x", token: "[secret]" }, secret: false },
    ],
    [
      "a secret nested in a list",
      [{ endpoint: secret("v1:CCCC") }, "plain"],
      { value: [{ endpoint: "[secret]" }, "plain"], secret: false },
    ],
    ["a boolean", true, { value: true, secret: false }],
  ])("%s", (_, raw, expected) => {
    expect(outputsOf(deploymentWith({ x: raw })).x).toEqual(expected);
  });

  test("no ciphertext survives anywhere in what is returned", () => {
    const outputs = outputsOf(
      deploymentWith({
        kubeconfigs: secret("v1:KUBE"),
        clusters: [{ name: "c1", endpoint: secret("v1:END") }],
      }),
    );
    expect(JSON.stringify(outputs)).not.toMatch(/v1:KUBE|v1:END|ciphertext/);
  });

  test.each<[string, unknown]>([
    ["an empty stack (no resources)", { resources: [] }],
    ["a missing deployment", undefined],
    [
      "a stack resource pending deletion",
      { resources: [{ type: "pulumi:pulumi:Stack", delete: true, outputs: { a: 1 } }] },
    ],
  ])("%s has no outputs", (_, deployment) => {
    expect(outputsOf(deployment)).toEqual({});
  });
});

describe("resourcesOf and labResources: is the lab up?", () => {
  const r = (type: string, custom: boolean): StateResource => ({ urn: `urn:${type}`, type, custom });

  test("reads urn, type and custom; custom defaults to true when the field is missing", () => {
    expect(
      resourcesOf({
        resources: [
          { urn: "urn:a", type: "command:local:Command" },
          { urn: "urn:b", type: "t", custom: false },
        ],
      }),
    ).toEqual([
      { urn: "urn:a", type: "command:local:Command", custom: true },
      { urn: "urn:b", type: "t", custom: false },
    ]);
  });

  test.each<[string, StateResource[], number]>([
    ["nothing", [], 0],
    [
      "what `down --keep-data` leaves: the stack, components, the docker provider and the volume",
      [
        r("pulumi:pulumi:Stack", false),
        r("lab:index:AccessPlatform", false),
        r("pulumi:providers:docker", true),
        r("docker:index/volume:Volume", true),
      ],
      0,
    ],
    [
      "an up lab",
      [
        r("pulumi:pulumi:Stack", false),
        r("command:local:Command", true),
        r("docker:index/container:Container", true),
      ],
      2,
    ],
  ])("%s: %d lab resource(s)", (_, resources, count) => {
    expect(labResources(resources)).toHaveLength(count);
  });
});

describe("the summary of what the program exports, read through the export", () => {
  test("a dev stack's outputs: config names, no kubeconfig printed, nested secrets filled from the config", () => {
    const config = loadLabConfig(
      { namePrefix: "alice-", clusters: [{ name: "cluster1", role: "production" }] },
      { stack: "dev-alice", projectDir: "/p" },
    );
    const outputs = outputsOf(
      deploymentWith({
        clusters: [
          {
            name: "alice-cluster1",
            context: "kind-alice-cluster1",
            // Say a later change derives the endpoint from the kubeconfig: it comes out secret.
            endpoint: secret("v1:ENDPOINT"),
            internalEndpoint: "https://alice-cluster1-control-plane:6443",
            serverVersion: "v1.33.1",
            kubeconfigPath: "/p/.lab/dev-alice/alice-cluster1/kubeconfig",
            useWith: "export KUBECONFIG=/p/.lab/dev-alice/alice-cluster1/kubeconfig",
          },
        ],
        kubeconfigs: secret("v1:KUBECONFIGS"),
        querypie: { webUrl: "http://127.0.0.1:8000", apiBaseUrl: "http://127.0.0.1:8000/api/external/v2" },
        nextSteps: "1. Open http://127.0.0.1:8000\n2. Set the API token",
        access: { clusters: [], roles: {}, policies: {}, grants: [] },
        rbac: [{ namespaces: ["dev"] }],
        smoke: [
          {
            cluster: "alice-cluster1",
            passed: 1,
            failed: 0,
            errors: 0,
            skipped: 0,
            durationMs: 900,
            checks: [{ id: "deployment", status: "passed", durationMs: 900, message: "ok", evidence: {} }],
          },
        ],
        smokePassed: true,
      }),
    );
    const endpoint = `https://127.0.0.1:${config.clusters[0]!.apiServerPort}`;
    expect(formatSummary("dev-alice", outputs, config)).toEqual([
      'Clusters of stack "dev-alice":',
      `  cluster1 (kind alice-cluster1): ${endpoint}, context kind-alice-cluster1`,
      "    KUBECONFIG=/p/.lab/dev-alice/alice-cluster1/kubeconfig kubectl get nodes",
      "QueryPie: http://127.0.0.1:8000",
      "Next steps:",
      "  1. Open http://127.0.0.1:8000",
      "  2. Set the API token",
      "Smoke suite: PASSED",
      "  check       alice-cluster1",
      "  deployment  passed 0.9s",
      "Secret outputs (not shown): kubeconfigs; see them with `pulumi stack output --show-secrets --stack dev-alice` (the plain CLI pointed at the lab's state, docs/lifecycle.md).",
    ]);
  });
});
