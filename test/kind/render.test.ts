import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import { loadLabConfig } from "../../components/config";
import type { ClusterConfig } from "../../components/config/clusters";
import {
  ENCRYPTION_KEY_PLACEHOLDER,
  isAescbcKey,
  renderEncryptionConfig,
} from "../../components/kind/encryption";
import { kindPaths } from "../../components/kind/paths";
import { renderKindConfig } from "../../components/kind/render";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const FIXTURES = path.join(__dirname, "..", "fixtures", "kind");
const STATE_DIR = "/home/alice/kind-access-lab/.lab/lab";

function seedConfig(file: string): Doc {
  const doc = parse(fs.readFileSync(path.join(FIXTURES, file), "utf8")) as Doc;
  return withParsedPatches(doc);
}

/** Patches are YAML inside YAML; compare them as data. */
function withParsedPatches(doc: Doc): Doc {
  for (const node of doc.nodes) {
    if (node.kubeadmConfigPatches)
      node.kubeadmConfigPatches = node.kubeadmConfigPatches.map((p: string) => parse(p));
  }
  return doc;
}

function rendered(cluster: ClusterConfig): Doc {
  const text = renderKindConfig(cluster, {
    encryptionHostDir: kindPaths(STATE_DIR, cluster.kindName).encryptionDir,
  });
  return withParsedPatches(parse(text) as Doc);
}

/**
 * The documented corrections and additions (docs/clusters.md, "What differs from the seed"),
 * undone, so that what is left must equal the seed field for field.
 */
function undoDocumentedChanges(doc: Doc, seedServiceSubnet: string): Doc {
  const d = structuredClone(doc);
  d.networking.serviceSubnet = seedServiceSubnet; // 1. service subnet corrected (LAB-SPEC §2)
  for (const node of d.nodes) delete node.image; // 2. node image pinned by digest
  const cp = d.nodes[0];
  for (const m of cp.extraPortMappings) {
    delete m.listenAddress; // 3. loopback instead of kind's 0.0.0.0
    delete m.protocol;
  }
  delete cp.extraMounts; // 4. encryption config mounted into the control-plane
  cp.kubeadmConfigPatches = cp.kubeadmConfigPatches.slice(0, 1); // 5. encryption and untaint patches
  return d;
}

const lab = loadLabConfig({}, { stack: "lab", projectDir: "/p" });
const [cluster1, cluster2] = lab.clusters;

describe("renderKindConfig against the seed's configs (seed 000)", () => {
  test.each([
    ["production-config.yaml", cluster1, "10.96.0.0/12"],
    ["develop-config.yaml", cluster2, "10.97.0.0/12"],
  ])(
    "%s equals the rendered config field for field, modulo the five documented changes",
    (file, cluster, seedSvc) => {
      expect(undoDocumentedChanges(rendered(cluster), seedSvc)).toEqual(seedConfig(file));
    },
  );

  test("the only correction of a seed value is the service subnet; the rest are additions", () => {
    expect(rendered(cluster1).networking).toEqual({
      apiServerPort: 6444,
      podSubnet: "10.240.0.0/16",
      serviceSubnet: "10.96.0.0/16",
    });
    expect(rendered(cluster2).networking.serviceSubnet).toBe("10.97.0.0/16");
  });
});

describe("renderKindConfig additions", () => {
  const doc = rendered(cluster1);
  const cp = doc.nodes[0];

  test("every node runs the pinned node image", () => {
    expect(doc.nodes.map((n: Doc) => [n.role, n.image])).toEqual([
      ["control-plane", cluster1.nodeImage],
      ["worker", cluster1.nodeImage],
    ]);
  });

  test("port mappings bind loopback unless configured otherwise", () => {
    expect(cp.extraPortMappings).toEqual([
      { containerPort: 80, hostPort: 8080, listenAddress: "127.0.0.1", protocol: "TCP" },
    ]);
  });

  test("the encryption directory is mounted read-only from an absolute host path", () => {
    expect(cp.extraMounts).toEqual([
      {
        hostPath: "/home/alice/kind-access-lab/.lab/lab/cluster1/encryption",
        containerPath: "/etc/kubernetes/encryption",
        readOnly: true,
      },
    ]);
  });

  test("kube-apiserver gets the encryption provider config and a volume for its directory", () => {
    expect(cp.kubeadmConfigPatches[1]).toEqual({
      kind: "ClusterConfiguration",
      apiServer: {
        extraArgs: { "encryption-provider-config": "/etc/kubernetes/encryption/encryption-config.yaml" },
        extraVolumes: [
          {
            name: "encryption-config",
            hostPath: "/etc/kubernetes/encryption",
            mountPath: "/etc/kubernetes/encryption",
            readOnly: true,
            pathType: "Directory",
          },
        ],
      },
    });
  });

  test("the control-plane taint is removed so two nginx replicas can spread over two nodes", () => {
    expect(cp.kubeadmConfigPatches[2]).toEqual({
      kind: "InitConfiguration",
      nodeRegistration: { taints: [] },
    });
  });

  test("no patch carries an apiVersion (kind silently skips a patch whose apiVersion differs)", () => {
    for (const p of cp.kubeadmConfigPatches) expect(p).not.toHaveProperty("apiVersion");
  });

  test("the certSANs name the prefixed control-plane node, the container QueryPie reaches on Linux", () => {
    const alice = loadLabConfig({ namePrefix: "alice-", portOffset: 100 }, { stack: "a", projectDir: "/p" })
      .clusters[0];
    const d = rendered(alice);
    expect(d.name).toBe("alice-cluster1");
    expect(d.networking.apiServerPort).toBe(6544);
    expect(d.nodes[0].kubeadmConfigPatches[0].apiServer.certSANs).toContain("alice-cluster1-control-plane");
    expect(d.nodes[0].extraPortMappings[0].hostPort).toBe(8180);
  });

  test("workers: N gives N worker nodes and no port mappings gives no extraPortMappings key", () => {
    const c: ClusterConfig = { ...cluster1, workers: 3, portMappings: [] };
    const d = rendered(c);
    expect(d.nodes.map((n: Doc) => n.role)).toEqual(["control-plane", "worker", "worker", "worker"]);
    expect(d.nodes[0]).not.toHaveProperty("extraPortMappings");
  });

  test("patches are block literals in the YAML, as a person would write them", () => {
    const text = renderKindConfig(cluster1, { encryptionHostDir: "/x/encryption" });
    expect(text).toContain("kubeadmConfigPatches:\n      - |\n        kind: ClusterConfiguration\n");
    expect(text).not.toMatch(/[&*]a\d/); // no YAML anchors or aliases
  });

  test("a relative encryption directory is refused: kind would resolve it against its own cwd", () => {
    expect(() => renderKindConfig(cluster1, { encryptionHostDir: ".lab/lab/cluster1/encryption" })).toThrow(
      /is not absolute/,
    );
  });
});

describe("renderEncryptionConfig", () => {
  const key = Buffer.alloc(32, 7).toString("base64");

  test("secrets are encrypted with aescbc key1 first, identity last", () => {
    expect(parse(renderEncryptionConfig(key))).toEqual({
      apiVersion: "apiserver.config.k8s.io/v1",
      kind: "EncryptionConfiguration",
      resources: [
        {
          resources: ["secrets"],
          providers: [{ aescbc: { keys: [{ name: "key1", secret: key }] } }, { identity: {} }],
        },
      ],
    });
  });

  test("the placeholder renders so people can read the file without the key", () => {
    expect(renderEncryptionConfig(ENCRYPTION_KEY_PLACEHOLDER)).toContain(ENCRYPTION_KEY_PLACEHOLDER);
  });

  test.each([
    ["16 bytes", Buffer.alloc(16, 1).toString("base64")],
    ["not base64", "not-a-key"],
    ["33 bytes", Buffer.alloc(33, 1).toString("base64")],
  ])("a key of %s is refused without echoing it", (_what, bad) => {
    expect(isAescbcKey(bad)).toBe(false);
    expect(() => renderEncryptionConfig(bad)).toThrow(/not 32 bytes of base64/);
    try {
      renderEncryptionConfig(bad);
    } catch (e) {
      expect((e as Error).message).not.toContain(bad);
    }
  });
});

describe("kindPaths", () => {
  test("every file of a cluster sits under <stateDir>/<kindName>", () => {
    expect(kindPaths("/s", "alice-cluster1")).toEqual({
      clusterDir: "/s/alice-cluster1",
      kubeconfig: "/s/alice-cluster1/kubeconfig",
      encryptionDir: "/s/alice-cluster1/encryption",
      encryptionConfig: "/s/alice-cluster1/encryption/encryption-config.yaml",
    });
  });

  test("a relative stateDir is refused", () => {
    expect(() => kindPaths(".lab/lab", "cluster1")).toThrow(/is not absolute/);
  });
});

describe("renderKindConfig speaks kind v0.29's v1alpha4 (kind decodes strictly: an unknown field fails create)", () => {
  // The yaml tags of pkg/apis/config/v1alpha4/types.go at kind tag v0.29.0.
  const KIND_V1ALPHA4_FIELDS = new Set(
    (
      "apiServerAddress apiServerPort apiVersion containerPath containerPort containerdConfigPatches " +
      "containerdConfigPatchesJSON disableDefaultCNI dnsSearch extraMounts extraPortMappings featureGates group " +
      "hostPath hostPort image ipFamily kind kubeProxyMode kubeadmConfigPatches kubeadmConfigPatchesJSON labels " +
      "listenAddress name networking nodes patch podSubnet propagation protocol readOnly role runtimeConfig " +
      "selinuxRelabel serviceSubnet version"
    ).split(" "),
  );

  function keys(v: unknown, out: Set<string> = new Set()): Set<string> {
    if (Array.isArray(v)) v.forEach((x) => keys(x, out));
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        out.add(k);
        if (k !== "kubeadmConfigPatches") keys(x, out); // patches are kubeadm's, not kind's
      }
    }
    return out;
  }

  test.each([
    ["cluster1", cluster1],
    ["cluster2", cluster2],
  ])("every field of %s's config is a kind v1alpha4 field", (_name, cluster) => {
    const doc = parse(renderKindConfig(cluster, { encryptionHostDir: "/x" }));
    expect([...keys(doc)].filter((k) => !KIND_V1ALPHA4_FIELDS.has(k))).toEqual([]);
  });
});
