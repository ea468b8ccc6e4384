import { describe, expect, test } from "vitest";
import { LabConfigError, loadLabConfig } from "../../components/config";
import {
  DEFAULT_NODE_IMAGE,
  SEED_CLUSTERS,
  clusterDefaults,
  validateClusters,
  type ClusterContext,
} from "../../components/config/clusters";
import { Problems, formatProblem } from "../../components/config/problems";

type Entry = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const seed = (): Entry[] => JSON.parse(JSON.stringify(SEED_CLUSTERS)) as Entry[];
const NO_PLATFORM: ClusterContext = { namePrefix: "", portOffset: 0, reservedHostPorts: [] };

function problemsFor(clusters: unknown, ctx: Partial<ClusterContext> = {}): string[] {
  const problems = new Problems();
  validateClusters({ clusters }, { ...NO_PLATFORM, ...ctx }, problems);
  return problems.list.map(formatProblem);
}

function edit(f: (c: Entry[]) => void): Entry[] {
  const c = seed();
  f(c);
  return c;
}

describe("clusters defaults", () => {
  test("with no clusters key the lab is LAB-SPEC §2's table, with the corrected service subnets", () => {
    const lab = loadLabConfig({}, { stack: "lab", projectDir: "/p" });
    expect(
      lab.clusters.map((c) => [
        c.kindName,
        c.role,
        c.apiServerPort,
        c.podSubnet,
        c.serviceSubnet,
        c.portMappings.map((m) => `${m.containerPort}->${m.hostPort}`),
        c.workers,
      ]),
    ).toEqual([
      ["cluster1", "production", 6444, "10.240.0.0/16", "10.96.0.0/16", ["80->8080"], 1],
      ["cluster2", "develop", 6445, "10.241.0.0/16", "10.97.0.0/16", ["80->8081"], 1],
    ]);
  });

  test("defaults pin kind v0.29.0's node image by digest, bind mappings to loopback, and name registrations <role>-cluster", () => {
    const [c1, c2] = loadLabConfig({}, { stack: "lab", projectDir: "/p" }).clusters;
    expect(c1.nodeImage).toBe(DEFAULT_NODE_IMAGE);
    expect(DEFAULT_NODE_IMAGE).toMatch(/^kindest\/node:v1\.33\.1@sha256:[a-f0-9]{64}$/);
    expect(c1.portMappings[0]).toEqual({
      containerPort: 80,
      hostPort: 8080,
      listenAddress: "127.0.0.1",
      protocol: "TCP",
    });
    expect(c1.registration).toEqual({
      name: "production-cluster",
      requestAudit: false,
      podSessionRecording: false,
      tags: [],
    });
    expect(c2.registration.name).toBe("develop-cluster");
  });

  test("the stack file stacks/Pulumi.lab.yaml gives the same clusters as the defaults", async () => {
    const { readStackFile } = await import("../../components/config/raw");
    const fromFile = loadLabConfig(readStackFile("lab"), { stack: "lab", projectDir: "/p" }).clusters;
    const fromDefaults = loadLabConfig({}, { stack: "lab", projectDir: "/p" }).clusters;
    expect(fromFile).toEqual(fromDefaults);
  });

  test.each([
    ["dev.example", ["alice-cluster1", 6544, 8180], ["alice-cluster2", 6545, 8181]],
    ["ci", ["ci-cluster1", 9444, 11080], ["ci-cluster2", 9445, 11081]],
  ])(
    "the stack file Pulumi.%s.yaml is valid and keeps its names and ports apart from the lab's",
    async (stack, ...want) => {
      const { readStackFile } = await import("../../components/config/raw");
      const lab = loadLabConfig(readStackFile(stack), { stack, projectDir: "/p" });
      expect(lab.clusters.map((c) => [c.kindName, c.apiServerPort, c.portMappings[0].hostPort])).toEqual(
        want,
      );
    },
  );

  test("index defaults are the seed's values for the first two entries, so {name} alone is enough", () => {
    for (const i of [0, 1]) {
      const { nodeImage, ...d } = clusterDefaults(i);
      const { name, role, ...s } = SEED_CLUSTERS[i];
      void name;
      void role;
      expect(nodeImage).toBe(DEFAULT_NODE_IMAGE);
      expect(d).toEqual(s);
    }
    const lab = loadLabConfig(
      { clusters: [{ name: "a" }, { name: "b" }, { name: "c" }] },
      { stack: "t", projectDir: "/p" },
    );
    expect(lab.clusters.map((c) => [c.role, c.apiServerPort, c.podSubnet, c.serviceSubnet])).toEqual([
      ["a", 6444, "10.240.0.0/16", "10.96.0.0/16"],
      ["b", 6445, "10.241.0.0/16", "10.97.0.0/16"],
      ["c", 6446, "10.242.0.0/16", "10.98.0.0/16"],
    ]);
  });

  test("32 entries of {name} alone load: every default pod subnet is valid and its own", () => {
    const lab = loadLabConfig(
      { clusters: Array.from({ length: 32 }, (_, i) => ({ name: `c${i}` })) },
      { stack: "t", projectDir: "/p" },
    );
    const pods = lab.clusters.map((c) => c.podSubnet);
    expect(new Set(pods).size).toBe(32);
    expect([pods[15], pods[16], pods[31]]).toEqual(["10.255.0.0/16", "10.224.0.0/16", "10.239.0.0/16"]);
  });

  test("namePrefix and portOffset derive kind names and every host port, so two stacks share a host", () => {
    const lab = loadLabConfig(
      { namePrefix: "alice-", portOffset: 100 },
      { stack: "alice", projectDir: "/p" },
    );
    expect(
      lab.clusters.map((c) => [c.name, c.kindName, c.apiServerPort, c.portMappings[0].hostPort]),
    ).toEqual([
      ["cluster1", "alice-cluster1", 6544, 8180],
      ["cluster2", "alice-cluster2", 6545, 8181],
    ]);
  });

  test("whole numbers and booleans written as strings (pulumi config set --path) are accepted", () => {
    const c = edit((x) => {
      x[0].apiServerPort = "7000";
      x[0].workers = "2";
      x[0].registration = { requestAudit: "true" };
    });
    const problems = new Problems();
    const [c1] = validateClusters({ clusters: c }, NO_PLATFORM, problems);
    expect(problems.list).toEqual([]);
    expect([c1.apiServerPort, c1.workers, c1.registration.requestAudit]).toEqual([7000, 2, true]);
  });
});

describe("clusters rules: each broken rule gives key, value, what is wrong and the fix", () => {
  const P = "kind-access-lab:";
  test.each<[string, unknown, Partial<ClusterContext>, string[]]>([
    [
      "kind name syntax",
      edit((c) => (c[0].name = "Cluster_1")),
      {},
      [
        `${P}clusters[0].name = "Cluster_1": gives the kind name "Cluster_1", which kind or Docker rejects: names must match ^[a-z0-9.-]+$ and start with a letter or digit. Fix: use lower-case letters, digits, '.' and '-', e.g. "cluster-1".`,
      ],
    ],
    [
      "kind name syntax is judged on the prefixed name",
      edit((c) => (c[0].name = "-x")),
      { namePrefix: "" },
      [
        `${P}clusters[0].name = "-x": gives the kind name "-x", which kind or Docker rejects: names must match ^[a-z0-9.-]+$ and start with a letter or digit. Fix: use lower-case letters, digits, '.' and '-', e.g. "x".`,
      ],
    ],
    [
      "kind name length",
      edit((c) => (c[0].name = "c".repeat(44))),
      { namePrefix: "alice-" },
      [
        `${P}clusters[0].name = "${"c".repeat(44)}": gives the kind name "alice-${"c".repeat(44)}" of 50 characters; at most 49 fit, so that node names such as "<name>-control-plane" stay within Kubernetes' 63-character limit. Fix: use a shorter name or namePrefix.`,
      ],
    ],
    [
      "unique names",
      edit((c) => (c[1].name = "cluster1")),
      {},
      [
        `${P}clusters[1].name = "cluster1": is already the name of clusters[0]. Fix: give every cluster its own name.`,
      ],
    ],
    [
      "name required",
      edit((c) => delete c[1].name),
      {},
      [`${P}clusters[1].name = (not set): is required. Fix: give the cluster a name such as "cluster2".`],
    ],
    [
      "role syntax",
      edit((c) => (c[0].role = "Production")),
      {},
      [
        `${P}clusters[0].role = "Production": must be 1 to 31 lower-case letters, digits and '-', starting with a letter. Fix: use e.g. "production" or "develop".`,
      ],
    ],
    [
      "ports are whole numbers",
      edit((c) => (c[0].apiServerPort = "high")),
      {},
      [`${P}clusters[0].apiServerPort = "high": must be a whole number. Fix: use a port such as 6444.`],
    ],
    [
      "ports stay in 1-65535 after the offset",
      edit((c) => (c[0].apiServerPort = 65500)),
      { portOffset: 100 },
      [
        `${P}clusters[0].apiServerPort = 65500: gives host port 65600 with portOffset 100, outside 1-65535. Fix: use a port from 1 to 65435.`,
      ],
    ],
    [
      "container ports stay in 1-65535",
      edit((c) => (c[0].portMappings[0].containerPort = 0)),
      {},
      [
        `${P}clusters[0].portMappings[0].containerPort = 0: is outside 1-65535. Fix: use a port from 1 to 65535.`,
      ],
    ],
    [
      "no host port equal to a QueryPie port (mapping)",
      edit((c) => (c[0].portMappings[0].hostPort = 8000)),
      {},
      [
        `${P}clusters[0].portMappings[0].hostPort = 8000: gives host port 8000, which QueryPie web publishes. Fix: pick a port nothing else in the lab uses, e.g. 8001.`,
      ],
    ],
    [
      "no host port equal to a QueryPie port (API server: 6443 is the KAC proxy)",
      edit((c) => (c[0].apiServerPort = 6443)),
      {},
      [
        `${P}clusters[0].apiServerPort = 6443: gives host port 6443, which QueryPie kacProxy publishes. Fix: pick a port nothing else in the lab uses, e.g. 6444.`,
      ],
    ],
    [
      "QueryPie's tools port 8050 is reserved too",
      edit((c) => (c[1].portMappings[0].hostPort = 8050)),
      {},
      [
        `${P}clusters[1].portMappings[0].hostPort = 8050: gives host port 8050, which QueryPie tools publishes. Fix: pick a port nothing else in the lab uses, e.g. 8051.`,
      ],
    ],
    [
      "reserved ports move with the offset, and the platform's own list names the owner",
      edit((c) => (c[0].portMappings[0].hostPort = 7900)),
      { portOffset: 100, reservedHostPorts: [{ port: 8000, owner: "QueryPie web" }] },
      [
        `${P}clusters[0].portMappings[0].hostPort = 7900: gives host port 8000, which QueryPie web publishes. Fix: pick a port nothing else in the lab uses, e.g. 7901.`,
      ],
    ],
    [
      "unique host ports across clusters (port mappings)",
      edit((c) => (c[1].portMappings[0].hostPort = 8080)),
      {},
      [
        `${P}clusters[1].portMappings[0].hostPort = 8080: gives host port 8080, already used by clusters[0].portMappings[0].hostPort. Fix: pick a port nothing else in the lab uses, e.g. 8081.`,
      ],
    ],
    [
      "unique host ports across clusters (API port against a mapping)",
      edit((c) => (c[1].apiServerPort = 8080)),
      {},
      [
        `${P}clusters[1].apiServerPort = 8080: gives host port 8080, already used by clusters[0].portMappings[0].hostPort. Fix: pick a port nothing else in the lab uses, e.g. 8082.`,
      ],
    ],
    [
      "canonical CIDRs (the seed's develop service subnet)",
      edit((c) => (c[1].serviceSubnet = "10.97.0.0/12")),
      {},
      [
        `${P}clusters[1].serviceSubnet = "10.97.0.0/12": has host bits set, so kind would silently use 10.96.0.0/12. Fix: write "10.96.0.0/12", or "10.97.0.0/16" if you meant a range starting at 10.97.0.0.`,
      ],
    ],
    [
      "CIDR syntax",
      edit((c) => (c[0].podSubnet = "10.240.0.0")),
      {},
      [`${P}clusters[0].podSubnet = "10.240.0.0": is not an IPv4 CIDR. Fix: write it like "10.240.0.0/16".`],
    ],
    [
      "pod subnet size",
      edit((c) => (c[0].podSubnet = "10.240.0.0/24")),
      {},
      [
        `${P}clusters[0].podSubnet = "10.240.0.0/24": is a /24; a pod subnet needs room for a /24 per node. Fix: use a prefix from /8 to /21, e.g. /16.`,
      ],
    ],
    [
      "service subnet size",
      edit((c) => (c[0].serviceSubnet = "10.0.0.0/8")),
      {},
      [
        `${P}clusters[0].serviceSubnet = "10.0.0.0/8": is a /8; kube-apiserver refuses service ranges wider than /12, and a range narrower than /24 leaves few service IPs. Fix: use a prefix from /12 to /24, e.g. /16.`,
      ],
    ],
    [
      "no pod-subnet overlap between clusters",
      edit((c) => (c[1].podSubnet = "10.240.0.0/16")),
      {},
      [
        `${P}clusters[1].podSubnet = "10.240.0.0/16": overlaps clusters[0].podSubnet 10.240.0.0/16. Fix: give every cluster a pod subnet of its own, e.g. 10.240.0.0/16 for the first and 10.241.0.0/16 for the second.`,
      ],
    ],
    [
      "no pod/service overlap within a cluster",
      edit((c) => (c[0].serviceSubnet = "10.240.0.0/20")),
      {},
      [
        `${P}clusters[0].serviceSubnet = "10.240.0.0/20": overlaps this cluster's podSubnet 10.240.0.0/16. Fix: pick ranges that do not overlap, e.g. podSubnet 10.240.0.0/16 with serviceSubnet 10.96.0.0/16.`,
      ],
    ],
    [
      "at least one worker (the smoke suite's spread check)",
      edit((c) => (c[0].workers = 0)),
      {},
      [
        `${P}clusters[0].workers = 0: must be a whole number from 1 to 5: the smoke suite's spread and pod-network checks need a worker beside the control-plane, and every node is a container of its own. Fix: use 1 (the seed) to 5.`,
      ],
    ],
    [
      "at most five workers",
      edit((c) => (c[0].workers = 6)),
      {},
      [
        `${P}clusters[0].workers = 6: must be a whole number from 1 to 5: the smoke suite's spread and pod-network checks need a worker beside the control-plane, and every node is a container of its own. Fix: use 1 (the seed) to 5.`,
      ],
    ],
    [
      "listenAddress is an IPv4 address",
      edit((c) => (c[0].portMappings[0].listenAddress = "localhost")),
      {},
      [
        `${P}clusters[0].portMappings[0].listenAddress = "localhost": must be an IPv4 address. Fix: use 127.0.0.1 (this host only, the default) or 0.0.0.0 (every interface).`,
      ],
    ],
    [
      "protocol",
      edit((c) => (c[0].portMappings[0].protocol = "SCTP")),
      {},
      [
        `${P}clusters[0].portMappings[0].protocol = "SCTP": must be TCP or UDP. Fix: use TCP (the default) or UDP.`,
      ],
    ],
    [
      "node image has a tag or digest",
      edit((c) => (c[0].nodeImage = "kindest/node")),
      {},
      [
        `${P}clusters[0].nodeImage = "kindest/node": must be an image reference with a tag or digest. Fix: use e.g. "${DEFAULT_NODE_IMAGE}" (kind v0.29.0's default).`,
      ],
    ],
    [
      "node image is older than Kubernetes 1.36 (kubeadm v1beta4 would ignore the encryption patch)",
      edit((c) => (c[0].nodeImage = "kindest/node:v1.36.0")),
      {},
      [
        `${P}clusters[0].nodeImage = "kindest/node:v1.36.0": is Kubernetes 1.36, for which kind renders kubeadm v1beta4, where this lab's encryption patch (extraArgs as a map) does not apply. Fix: use a Kubernetes 1.35 or older node image, e.g. the default kindest/node:v1.33.1.`,
      ],
    ],
    [
      "unknown cluster field (a typo never passes silently)",
      edit((c) => (c[0].apiserverPort = 1)),
      {},
      [
        `${P}clusters[0].apiserverPort = 1: is not a cluster field. Fix: use one of name, role, apiServerPort, podSubnet, serviceSubnet, portMappings, workers, nodeImage, registration.`,
      ],
    ],
    [
      "unknown port mapping field",
      edit((c) => (c[0].portMappings[0].host = 1)),
      {},
      [
        `${P}clusters[0].portMappings[0].host = 1: is not a port mapping field. Fix: use one of containerPort, hostPort, listenAddress, protocol.`,
      ],
    ],
    [
      "unique QueryPie registration names",
      edit((c) => (c[1].role = "production")),
      {},
      [
        `${P}clusters[1].registration.name = "production-cluster": is already the QueryPie name of clusters[0]. Fix: give every cluster its own role or registration.name.`,
      ],
    ],
    [
      "registration apiUrl is https",
      edit((c) => (c[0].registration = { apiUrl: "http://x" })),
      {},
      [
        `${P}clusters[0].registration.apiUrl = "http://x": must be an https URL of the API server, without a path. Fix: use e.g. https://host.docker.internal:6444, or leave it unset to derive it from networkMode.`,
      ],
    ],
    [
      "registration flags are booleans",
      edit((c) => (c[0].registration = { requestAudit: "yes" })),
      {},
      [`${P}clusters[0].registration.requestAudit = "yes": must be true or false. Fix: use true or false.`],
    ],
    [
      "registration tags are key/value pairs",
      edit((c) => (c[0].registration = { tags: ["a"] })),
      {},
      [
        `${P}clusters[0].registration.tags = ["a"]: must be a list of {key, value} pairs of strings. Fix: write e.g. [{key: "environment", value: "production"}].`,
      ],
    ],
    [
      "clusters is a list",
      { name: "x" },
      {},
      [
        `${P}clusters = {"name":"x"}: must be a list of clusters. Fix: write a YAML list with one entry per cluster (see stacks/Pulumi.lab.yaml), or leave it unset for the seed's two.`,
      ],
    ],
    [
      "clusters is not empty",
      [],
      {},
      [
        `${P}clusters = []: must hold at least one cluster. Fix: add a cluster, or leave clusters unset for the seed's cluster1 and cluster2.`,
      ],
    ],
    [
      "a cluster entry is a mapping",
      [seed()[0], "cluster2"],
      {},
      [
        `${P}clusters[1] = "cluster2": must be a mapping with at least a name. Fix: write e.g. {name: cluster2}.`,
      ],
    ],
    [
      "at most 32 clusters",
      // Own pod subnets: past 32 entries the defaults would start to overlap, a second problem.
      Array.from({ length: 33 }, (_, i) => ({ name: `c${i}`, podSubnet: `10.${100 + i}.0.0/16` })),
      {},
      [
        `${P}clusters = "(33 clusters)": holds more than the 32 clusters one host runs comfortably. Fix: remove clusters, or split them across stacks with namePrefix and portOffset.`,
      ],
    ],
  ])("%s", (_rule, clusters, ctx, expected) => {
    expect(problemsFor(clusters, ctx)).toEqual(expected);
  });

  test("every problem is reported at once, and loadLabConfig creates nothing", () => {
    const clusters = edit((c) => {
      c[0].name = "Bad_Name";
      c[1].serviceSubnet = "10.97.0.0/12";
      c[1].portMappings[0].hostPort = 8000;
    });
    expect(problemsFor(clusters)).toHaveLength(3);
    expect(() => loadLabConfig({ clusters }, { stack: "t" })).toThrow(LabConfigError);
    expect(() => loadLabConfig({ clusters }, { stack: "t" })).toThrow(/has 3 problems; nothing was created/);
  });
});
