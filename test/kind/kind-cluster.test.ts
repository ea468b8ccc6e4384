/**
 * KindCluster under Pulumi mocks: the wiring (types, names, parents, stdin, replacement,
 * secrecy, provider, dependencies). Nothing here runs kind; test/kind/scripts.test.ts runs
 * the shell, and a Docker host runs the real thing.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { loadLabConfig } from "../../components/config";
import type { ClusterConfig } from "../../components/config/clusters";
import { renderKindConfig } from "../../components/kind/render";
import { installMocks, valueOf as value, type Mocks } from "../support/pulumi-mocks";

type Any = any; // eslint-disable-line @typescript-eslint/no-explicit-any

const PEM = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";
const KEY = Buffer.alloc(32, 9).toString("base64");
const STATE_DIR = "/home/alice/kind-access-lab/.lab/lab";

/** What `kind get kubeconfig` would print, different per cluster so the tests can tell them apart. */
function fakeKubeconfig(resourceName: string): string {
  const cluster = resourceName.replace(/-(internal-)?kubeconfig$/, "");
  const server = resourceName.includes("internal")
    ? `https://${cluster}-control-plane:6443`
    : `https://127.0.0.1/${cluster}`;
  return [
    "apiVersion: v1",
    "clusters:",
    "- cluster:",
    `    certificate-authority-data: ${Buffer.from(PEM).toString("base64")}`,
    `    server: ${server}`,
    `  name: kind-${cluster}`,
    "",
  ].join("\n");
}

/** What the cluster's resources report after create: the key, the kubeconfigs, the server version. */
function kindStateFor(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> | undefined {
  if (args.type === "random:index/randomBytes:RandomBytes") return { base64: KEY };
  if (args.type !== "command:local:Command") return undefined;
  if (args.name.endsWith("kubeconfig")) return { stdout: fakeKubeconfig(args.name) };
  if (args.name.endsWith("-ready")) return { stdout: '{"gitVersion":"v1.33.1"}' };
  return { stdout: "" };
}

let mocks: Mocks;
interface Recorded {
  type: string;
  name: string;
  props: Any;
  opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions;
}
const recorded = new Map<string, Recorded>();
const record: pulumi.ResourceTransformation = ({ type, name, props, opts }) => {
  recorded.set(name, { type, name, props, opts });
  return undefined;
};

let KindCluster: typeof import("../../components/kind/kind-cluster").KindCluster;
let cluster1: Any;
let cluster2: Any;
let cluster3: Any;
const lab = loadLabConfig(
  {
    clusters: [
      { name: "cluster1", role: "production" },
      { name: "cluster2", role: "develop" },
      { name: "cluster3" },
    ],
  },
  { stack: "lab", projectDir: "/home/alice/kind-access-lab" },
);
const [cfg1, cfg2, cfg3] = lab.clusters;

beforeAll(async () => {
  // setMocks must take effect before the component module loads.
  mocks = await installMocks({ stack: "lab", stateFor: kindStateFor });
  ({ KindCluster } = await import("../../components/kind/kind-cluster"));
  cluster1 = new KindCluster(
    "cluster1",
    { cluster: cfg1, stateDir: STATE_DIR },
    { transformations: [record] },
  );
  cluster2 = new KindCluster(
    "cluster2",
    { cluster: cfg2, stateDir: STATE_DIR },
    { transformations: [record] },
  );
  cluster3 = new KindCluster(
    "cluster3",
    { cluster: cfg3, stateDir: STATE_DIR },
    { transformations: [record], dependsOn: [cluster1, cluster2] },
  );
  await value(cluster3.serverVersion);
  await value(cluster2.clusterCaCertificate);
  await value(cluster1.clusterCaCertificate);
});

const child = (name: string): Recorded => {
  const r = recorded.get(name);
  if (!r) throw new Error(`no resource named ${name}; have ${[...recorded.keys()].join(", ")}`);
  return r;
};

async function resolved(input: unknown): Promise<unknown> {
  return pulumi.Output.isInstance(input) ? value(input) : input;
}

describe("KindCluster resources", () => {
  test("types and names: one component, its key, four commands around the cluster, and a provider", () => {
    const mine = [...recorded.values()]
      .filter((r) => r.name === "cluster1" || r.name.startsWith("cluster1-"))
      .map((r) => [r.type, r.name]);
    expect(mine).toEqual([
      ["lab:index:KindCluster", "cluster1"],
      ["random:index/randomBytes:RandomBytes", "cluster1-encryption-key"],
      ["command:local:Command", "cluster1-encryption-config"],
      ["command:local:Command", "cluster1-create"],
      ["command:local:Command", "cluster1-ready"],
      ["command:local:Command", "cluster1-kubeconfig"],
      ["command:local:Command", "cluster1-internal-kubeconfig"],
      ["pulumi:providers:kubernetes", "cluster1-provider"],
    ]);
  });

  test("every child has the component as parent", () => {
    for (const r of recorded.values()) {
      if (r.name.startsWith("cluster1-")) expect(r.opts.parent, r.name).toBe(cluster1);
    }
  });

  test("the encryption key is 32 random bytes, and a secret", () => {
    expect(child("cluster1-encryption-key").props.length).toBe(32);
    expect(child("cluster1-encryption-key").opts.additionalSecretOutputs).toEqual(["base64", "hex"]);
    expect(child("cluster1-encryption-key").props.keepers).toBeUndefined(); // stable across updates
  });

  test("the EncryptionConfiguration reaches its file through stdin, as a secret, never in argv or env", async () => {
    const enc = child("cluster1-encryption-config");
    expect(await pulumi.isSecret(enc.props.stdin)).toBe(true);
    expect(await value(enc.props.stdin)).toContain(`secret: ${KEY}`);
    expect(enc.props.create).not.toContain(KEY);
    expect(JSON.stringify(enc.props.environment)).not.toContain(KEY);
    expect(enc.props.environment).toEqual({
      LAB_ENCRYPTION_DIR: `${STATE_DIR}/cluster1/encryption`,
      LAB_ENCRYPTION_CONFIG: `${STATE_DIR}/cluster1/encryption/encryption-config.yaml`,
    });
  });

  test("create gets the rendered kind config on stdin, exactly what `npm run render` shows", () => {
    const create = child("cluster1-create");
    expect(create.props.stdin).toBe(
      renderKindConfig(cfg1, { encryptionHostDir: `${STATE_DIR}/cluster1/encryption` }),
    );
    expect(create.props.create).toContain(
      'kind create cluster --name "$LAB_KIND_NAME" --config - --kubeconfig "$LAB_KUBECONFIG"',
    );
    expect(create.props.delete).toContain(
      'kind delete cluster --name "$LAB_KIND_NAME" --kubeconfig "$LAB_KUBECONFIG"',
    );
    expect(create.props.environment).toMatchObject({
      LAB_KIND_NAME: "cluster1",
      LAB_KUBECONFIG: `${STATE_DIR}/cluster1/kubeconfig`,
    });
  });

  test("create is replaced (delete first) when the rendered config or node image changes, with timeouts", () => {
    const create = child("cluster1-create");
    const config = create.props.stdin as string;
    expect(create.props.triggers).toEqual([
      createHash("sha256").update(config).digest("hex"),
      cfg1.nodeImage,
      "cluster1",
      `${STATE_DIR}/cluster1/kubeconfig`,
    ]);
    expect(create.opts.deleteBeforeReplace).toBe(true);
    expect(create.opts.replaceOnChanges).toEqual(expect.arrayContaining(["stdin", "triggers[*]"]));
    expect(create.opts.customTimeouts).toEqual({ create: "15m", update: "2m", delete: "5m" });
  });

  test("a different config gives a different trigger, so the cluster is replaced", () => {
    const other: ClusterConfig = { ...cfg1, workers: 2 };
    const a = renderKindConfig(cfg1, { encryptionHostDir: "/x" });
    const b = renderKindConfig(other, { encryptionHostDir: "/x" });
    expect(createHash("sha256").update(a).digest("hex")).not.toBe(
      createHash("sha256").update(b).digest("hex"),
    );
  });

  test("the encryption file is written before the cluster is created", () => {
    const deps = child("cluster1-create").opts.dependsOn as pulumi.Resource[];
    expect(deps.map((d) => (d as Any).__name)).toEqual(["cluster1-encryption-config"]);
  });

  test("the readiness check runs on every up, after create, naming the create URN for its fix", async () => {
    const ready = child("cluster1-ready");
    expect(ready.props.create).toContain("wait --for=condition=Ready nodes --all");
    expect(ready.props.update).toBe(ready.props.create);
    expect(ready.props.environment.LAB_EXPECTED_NODES).toBe("2");
    expect(ready.props.environment.LAB_READY_TIMEOUT).toBe("300");
    expect(ready.props.environment.LAB_CHECKED_AT).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await resolved(ready.props.environment.LAB_CREATE_URN)).toContain("cluster1-create");
    expect((ready.opts.dependsOn as Any[]).map((d) => d.__name)).toEqual(["cluster1-create"]);
  });

  test("kubeconfig commands keep stdout out of the logs and mark it secret", () => {
    for (const part of ["kubeconfig", "internal-kubeconfig"]) {
      const r = child(`cluster1-${part}`);
      expect(r.props.logging).toBe("stderr");
      expect(r.opts.additionalSecretOutputs).toEqual(["stdout"]);
    }
    expect(child("cluster1-internal-kubeconfig").props.create).toContain("--internal");
  });
});

describe("KindCluster outputs", () => {
  test("names and endpoints", async () => {
    expect(await value(cluster1.kindName)).toBe("cluster1");
    expect(await value(cluster1.contextName)).toBe("kind-cluster1");
    expect(await value(cluster1.endpoint)).toBe("https://127.0.0.1:6444");
    expect(await value(cluster1.internalEndpoint)).toBe("https://cluster1-control-plane:6443");
    expect(await value(cluster1.kubeconfigPath)).toBe(`${STATE_DIR}/cluster1/kubeconfig`);
    expect(await value(cluster1.serverVersion)).toBe("v1.33.1");
    expect(await value(cluster1.nodeCount)).toBe(2);
  });

  test("both kubeconfigs are secret; the CA certificate is public PEM", async () => {
    expect(await pulumi.isSecret(cluster1.kubeconfig)).toBe(true);
    expect(await pulumi.isSecret(cluster1.internalKubeconfig)).toBe(true);
    expect(await value(cluster1.internalKubeconfig)).toContain("https://cluster1-control-plane:6443");
    expect(await pulumi.isSecret(cluster1.clusterCaCertificate)).toBe(false);
    expect(await value(cluster1.clusterCaCertificate)).toBe(PEM);
  });

  test("the provider gets this cluster's own kubeconfig content, as a secret, after the readiness check", async () => {
    const p = child("cluster1-provider");
    expect(await pulumi.isSecret(p.props.kubeconfig)).toBe(true);
    expect(await value(p.props.kubeconfig)).toBe(fakeKubeconfig("cluster1-kubeconfig"));
    expect(await value(child("cluster2-provider").props.kubeconfig)).toBe(
      fakeKubeconfig("cluster2-kubeconfig"),
    );
    expect(p.props.context).toBeUndefined();
    expect((p.opts.dependsOn as Any[]).map((d) => d.__name)).toEqual(["cluster1-ready"]);
    expect(p.opts.replaceOnChanges).toEqual(["kubeconfig"]);
    expect(cluster1.provider).toBeInstanceOf((await import("@pulumi/kubernetes")).Provider);
  });
});

describe("KindCluster dependencies", () => {
  async function dependencyNames(r: Recorded): Promise<string[]> {
    const names = new Set<string>();
    const deps = r.opts.dependsOn;
    for (const d of Array.isArray(deps) ? deps : deps ? [deps] : []) names.add((d as Any).__name);
    const visit = async (v: unknown): Promise<void> => {
      if (pulumi.Output.isInstance(v)) {
        for (const res of await (v as Any).allResources()) names.add(res.__name);
      } else if (Array.isArray(v)) for (const x of v) await visit(x);
      else if (v && typeof v === "object") for (const x of Object.values(v)) await visit(x);
    };
    await visit(r.props);
    return [...names];
  }

  test("the two seed clusters do not depend on each other, so they are created in parallel", async () => {
    // The probe sees dependencies at all: through dependsOn and through Output inputs.
    expect(await dependencyNames(child("cluster1-ready"))).toEqual(
      expect.arrayContaining(["cluster1-create"]),
    );
    expect(await dependencyNames(child("cluster1-provider"))).toEqual(
      expect.arrayContaining(["cluster1-ready", "cluster1-kubeconfig"]),
    );
    for (const [mine, other] of [
      ["cluster1", "cluster2"],
      ["cluster2", "cluster1"],
    ]) {
      for (const r of recorded.values()) {
        if (!r.name.startsWith(`${mine}-`)) continue;
        const deps = await dependencyNames(r);
        expect(
          deps.filter((d) => d === other || d.startsWith(`${other}-`)),
          r.name,
        ).toEqual([]);
      }
    }
  });

  test("a batch dependency given to the component (kindBatches) reaches the first child", () => {
    const deps = child("cluster3-encryption-config").opts.dependsOn as Any[];
    expect(deps.map((d) => d.__name)).toEqual(["cluster1", "cluster2"]);
  });

  test("no registered input holds the encryption key or a kubeconfig in plain text", () => {
    for (const r of mocks.registered) {
      const text = JSON.stringify(r.inputs);
      if (r.name.endsWith("-encryption-config") || r.type === "pulumi:providers:kubernetes") continue;
      expect(text, r.name).not.toContain(KEY);
      expect(text, r.name).not.toContain("certificate-authority-data");
    }
  });
});
