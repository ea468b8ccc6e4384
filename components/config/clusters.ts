/**
 * The `clusters` key: the kind clusters of the lab. Owner: foundation (issue 2).
 * Pure: reads the raw list, applies defaults, derives kind names and host ports from
 * `namePrefix` and `portOffset`, and reports every broken rule through `Problems`.
 */
import {
  canonicalCidr,
  cidrsOverlap,
  formatIpv4,
  isCanonical,
  parseCidr,
  parseIpv4,
  type Cidr,
} from "./cidr";
import { Problems } from "./problems";
import type { RawConfig } from "./raw";

export interface PortMapping {
  /** Port inside the control-plane node container. */
  containerPort: number;
  /** Host port, after the stack's port offset. */
  hostPort: number;
  /** Host address the mapping binds. Default `127.0.0.1` (kind itself would bind 0.0.0.0). */
  listenAddress: string;
  protocol: "TCP" | "UDP";
}

/** QueryPie registration settings of one cluster (see issue 4). */
export interface ClusterRegistrationConfig {
  /** Name in QueryPie. Default `<role>-cluster` (seed: production-cluster, develop-cluster). */
  name: string;
  /** API URL QueryPie uses; undefined means derived from the network mode. */
  apiUrl?: string;
  /** Default false (the seed leaves "Logging Options" off; the API requires a value). */
  requestAudit: boolean;
  /** Default false (as above). */
  podSessionRecording: boolean;
  /** Default `[]` (the API requires the list, empty is allowed). */
  tags: { key: string; value: string }[];
}

export interface ClusterConfig {
  /** Name as declared in config, e.g. `cluster1`. */
  name: string;
  /** Name given to kind: namePrefix + name. */
  kindName: string;
  /** Environment label, e.g. `production`. */
  role: string;
  /** Host port of the API server, after the port offset. */
  apiServerPort: number;
  podSubnet: string;
  serviceSubnet: string;
  /** Worker nodes beside the one control-plane. */
  workers: number;
  nodeImage: string;
  portMappings: PortMapping[];
  registration: ClusterRegistrationConfig;
}

export interface ClusterContext {
  namePrefix: string;
  portOffset: number;
  /** Host ports other parts of the lab publish, with their owner for messages. */
  reservedHostPorts: { port: number; owner: string }[];
}

export const CLUSTER_KEYS = ["clusters"] as const;

/** kind v0.29.0's default node image (pkg/apis/config/defaults/image.go at tag v0.29.0), pinned by digest. */
export const DEFAULT_NODE_IMAGE =
  "kindest/node:v1.33.1@sha256:050072256b9a903bd914c0b2866828150cb229cea0efe5892e2b644d5dd3b34f";
export const DEFAULT_LISTEN_ADDRESS = "127.0.0.1";
/**
 * 32 so that a big CI host can run many kind clusters (and `npm run bench` can build the program
 * for 32); a laptop is comfortable with far fewer (each cluster is 2+ node containers).
 */
export const MAX_CLUSTERS = 32;
export const MAX_WORKERS = 5;
/** `<name>-control-plane` must fit Kubernetes' 63-character label limit (node names become labels). */
export const MAX_KIND_NAME_LENGTH = 63 - "-control-plane".length;

/** QueryPie's default host ports (LAB-SPEC §3), reserved even when the platform reports fewer. */
export const QUERYPIE_DEFAULT_PORTS: readonly { port: number; owner: string }[] = [
  { port: 6443, owner: "QueryPie kacProxy" },
  { port: 8000, owner: "QueryPie web" },
  { port: 8443, owner: "QueryPie https" },
  { port: 9000, owner: "QueryPie agent" },
  { port: 7447, owner: "QueryPie webProxy" },
  { port: 8050, owner: "QueryPie tools" },
];

/** The seed lab (seed 000) with the service-subnet correction of LAB-SPEC §2. */
export const SEED_CLUSTERS: readonly Record<string, unknown>[] = [
  {
    name: "cluster1",
    role: "production",
    apiServerPort: 6444,
    podSubnet: "10.240.0.0/16",
    serviceSubnet: "10.96.0.0/16",
    portMappings: [{ containerPort: 80, hostPort: 8080 }],
    workers: 1,
  },
  {
    name: "cluster2",
    role: "develop",
    apiServerPort: 6445,
    podSubnet: "10.241.0.0/16",
    serviceSubnet: "10.97.0.0/16",
    portMappings: [{ containerPort: 80, hostPort: 8081 }],
    workers: 1,
  },
];

const CLUSTER_FIELDS = [
  "name",
  "role",
  "apiServerPort",
  "podSubnet",
  "serviceSubnet",
  "portMappings",
  "workers",
  "nodeImage",
  "registration",
];
const MAPPING_FIELDS = ["containerPort", "hostPort", "listenAddress", "protocol"];
const REGISTRATION_FIELDS = ["name", "apiUrl", "requestAudit", "podSessionRecording", "tags"];

const KIND_NAME = /^[a-z0-9.-]+$/;
const ROLE = /^[a-z][a-z0-9-]{0,30}$/;
const IMAGE_REF = /^[a-z0-9]+([._/:-][a-z0-9]+)*(:[\w][\w.-]{0,127})?(@sha256:[a-f0-9]{64})?$/;
const K8S_TAG = /:v1\.(\d+)(\.\d+)?/;
/** kind >= 0.32 renders kubeadm v1beta4 (extraArgs as a list) from Kubernetes 1.36 on. */
const FIRST_V1BETA4_MINOR = 36;

/** Defaults for the i-th entry of a given list; for i = 0, 1 they are the seed's values. */
export function clusterDefaults(i: number): {
  apiServerPort: number;
  podSubnet: string;
  serviceSubnet: string;
  portMappings: { containerPort: number; hostPort: number }[];
  workers: number;
  nodeImage: string;
} {
  return {
    apiServerPort: 6444 + i,
    // 10.240-255 for the first 16 entries (the seed's 10.240 and 10.241 first), then 10.224-239.
    podSubnet: `10.${i < 16 ? 240 + i : 208 + i}.0.0/16`,
    serviceSubnet: `10.${96 + i}.0.0/16`,
    portMappings: [{ containerPort: 80, hostPort: 8080 + i }],
    workers: 1,
    nodeImage: DEFAULT_NODE_IMAGE,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Whole numbers may come as strings from `pulumi config set --path`. */
function asInt(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && /^\d{1,6}$/.test(v)) return Number(v);
  return undefined;
}

function asBool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  return undefined;
}

function suggestKindName(name: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, "-")
    .replace(/^[^a-z0-9]+/, "");
  return s || "cluster1";
}

function reportUnknownFields(
  entry: Record<string, unknown>,
  known: string[],
  key: string,
  what: string,
  problems: Problems,
): void {
  for (const k of Object.keys(entry)) {
    if (!known.includes(k)) {
      problems.add(`${key}.${k}`, entry[k], `is not a ${what} field`, `use one of ${known.join(", ")}`);
    }
  }
}

interface HostPortUse {
  key: string;
  raw: unknown;
  port: number;
  protocol: string;
}

function readPort(
  value: unknown,
  key: string,
  offset: number,
  problems: Problems,
  example: number,
): number | undefined {
  const n = asInt(value);
  if (n === undefined) {
    problems.add(key, value, "must be a whole number", `use a port such as ${example}`);
    return undefined;
  }
  const port = n + offset;
  if (port < 1 || port > 65535) {
    const fix = `use a port from 1 to ${65535 - offset}`;
    const msg =
      offset === 0
        ? "is outside 1-65535"
        : `gives host port ${port} with portOffset ${offset}, outside 1-65535`;
    problems.add(key, value, msg, fix);
    return undefined;
  }
  return port;
}

function readCidr(value: unknown, key: string, example: string, problems: Problems): Cidr | undefined {
  const c = typeof value === "string" ? parseCidr(value) : undefined;
  if (!c) {
    problems.add(key, value, "is not an IPv4 CIDR", `write it like "${example}"`);
    return undefined;
  }
  if (!isCanonical(c)) {
    const canonical = canonicalCidr(c);
    const tightest = 32 - trailingZeroBits(c.address);
    problems.add(
      key,
      value,
      `has host bits set, so kind would silently use ${canonical}`,
      `write "${canonical}", or "${formatIpv4(c.address)}/${tightest}" if you meant a range starting at ${formatIpv4(c.address)}`,
    );
    return undefined;
  }
  return c;
}

function trailingZeroBits(n: number): number {
  if (n === 0) return 32;
  let bits = 0;
  while ((n & 1) === 0) {
    n >>>= 1;
    bits++;
  }
  return bits;
}

function readPrefixRange(
  c: Cidr | undefined,
  value: unknown,
  key: string,
  [min, max]: [number, number],
  why: string,
  problems: Problems,
): Cidr | undefined {
  if (!c) return undefined;
  if (c.prefix < min || c.prefix > max) {
    problems.add(key, value, `is a /${c.prefix}; ${why}`, `use a prefix from /${min} to /${max}, e.g. /16`);
    return undefined;
  }
  return c;
}

function readRegistration(
  value: unknown,
  key: string,
  role: string,
  problems: Problems,
): ClusterRegistrationConfig {
  const fallback: ClusterRegistrationConfig = {
    name: `${role}-cluster`,
    requestAudit: false,
    podSessionRecording: false,
    tags: [],
  };
  if (value === undefined) return fallback;
  if (!isRecord(value)) {
    problems.add(key, value, "must be a mapping", `write e.g. {name: "${fallback.name}"} or leave it unset`);
    return fallback;
  }
  reportUnknownFields(value, REGISTRATION_FIELDS, key, "registration", problems);
  const reg = { ...fallback };
  if (value.name !== undefined) {
    if (typeof value.name !== "string" || value.name.trim() === "" || value.name.length > 100) {
      problems.add(
        `${key}.name`,
        value.name,
        "must be a name of 1 to 100 characters",
        `use e.g. "${fallback.name}"`,
      );
    } else reg.name = value.name;
  }
  if (value.apiUrl !== undefined) {
    if (typeof value.apiUrl !== "string" || !/^https:\/\/[^\s/]+(:\d+)?\/?$/.test(value.apiUrl)) {
      problems.add(
        `${key}.apiUrl`,
        value.apiUrl,
        "must be an https URL of the API server, without a path",
        "use e.g. https://host.docker.internal:6444, or leave it unset to derive it from networkMode",
      );
    } else reg.apiUrl = value.apiUrl;
  }
  for (const flag of ["requestAudit", "podSessionRecording"] as const) {
    if (value[flag] === undefined) continue;
    const b = asBool(value[flag]);
    if (b === undefined)
      problems.add(`${key}.${flag}`, value[flag], "must be true or false", "use true or false");
    else reg[flag] = b;
  }
  if (value.tags !== undefined) {
    const tags = value.tags;
    const ok =
      Array.isArray(tags) &&
      tags.every(
        (t) =>
          isRecord(t) &&
          typeof t.key === "string" &&
          t.key !== "" &&
          typeof t.value === "string" &&
          Object.keys(t).every((k) => k === "key" || k === "value"),
      );
    if (!ok) {
      problems.add(
        `${key}.tags`,
        tags,
        "must be a list of {key, value} pairs of strings",
        'write e.g. [{key: "environment", value: "production"}]',
      );
    } else reg.tags = (tags as { key: string; value: string }[]).map((t) => ({ key: t.key, value: t.value }));
  }
  return reg;
}

function readPortMappings(
  value: unknown,
  key: string,
  offset: number,
  uses: HostPortUse[],
  problems: Problems,
): PortMapping[] {
  if (!Array.isArray(value)) {
    problems.add(
      key,
      value,
      "must be a list of port mappings",
      "write e.g. [{containerPort: 80, hostPort: 8080}] or []",
    );
    return [];
  }
  const out: PortMapping[] = [];
  value.forEach((m: unknown, j) => {
    const mk = `${key}[${j}]`;
    if (!isRecord(m)) {
      problems.add(mk, m, "must be a mapping", "write e.g. {containerPort: 80, hostPort: 8080}");
      return;
    }
    reportUnknownFields(m, MAPPING_FIELDS, mk, "port mapping", problems);
    const containerPort = readPort(m.containerPort, `${mk}.containerPort`, 0, problems, 80);
    const hostPort = readPort(m.hostPort, `${mk}.hostPort`, offset, problems, 8080);
    const listenAddress = m.listenAddress ?? DEFAULT_LISTEN_ADDRESS;
    let addressOk = true;
    if (typeof listenAddress !== "string" || parseIpv4(listenAddress) === undefined) {
      problems.add(
        `${mk}.listenAddress`,
        listenAddress,
        "must be an IPv4 address",
        "use 127.0.0.1 (this host only, the default) or 0.0.0.0 (every interface)",
      );
      addressOk = false;
    }
    const protocol = m.protocol ?? "TCP";
    if (protocol !== "TCP" && protocol !== "UDP") {
      problems.add(`${mk}.protocol`, protocol, "must be TCP or UDP", "use TCP (the default) or UDP");
      return;
    }
    if (containerPort === undefined || hostPort === undefined || !addressOk) return;
    uses.push({ key: `${mk}.hostPort`, raw: m.hostPort, port: hostPort, protocol });
    out.push({ containerPort, hostPort, listenAddress: listenAddress as string, protocol });
  });
  return out;
}

function readNodeImage(value: unknown, key: string, problems: Problems): string {
  if (value === undefined) return DEFAULT_NODE_IMAGE;
  if (typeof value !== "string" || !IMAGE_REF.test(value) || !/[:@]/.test(value.replace(/^[^/]*\//, ""))) {
    problems.add(
      key,
      value,
      "must be an image reference with a tag or digest",
      `use e.g. "${DEFAULT_NODE_IMAGE}" (kind v0.29.0's default)`,
    );
    return DEFAULT_NODE_IMAGE;
  }
  const minor = Number(K8S_TAG.exec(value)?.[1] ?? 0);
  if (minor >= FIRST_V1BETA4_MINOR) {
    problems.add(
      key,
      value,
      `is Kubernetes 1.${minor}, for which kind renders kubeadm v1beta4, where this lab's encryption patch (extraArgs as a map) does not apply`,
      "use a Kubernetes 1.35 or older node image, e.g. the default kindest/node:v1.33.1",
    );
  }
  return value;
}

interface ParsedCluster {
  index: number;
  config: ClusterConfig;
  pod?: Cidr;
  service?: Cidr;
}

function readCluster(
  entry: unknown,
  i: number,
  ctx: ClusterContext,
  uses: HostPortUse[],
  problems: Problems,
): ParsedCluster | undefined {
  const key = `clusters[${i}]`;
  if (!isRecord(entry)) {
    problems.add(key, entry, "must be a mapping with at least a name", `write e.g. {name: cluster${i + 1}}`);
    return undefined;
  }
  reportUnknownFields(entry, CLUSTER_FIELDS, key, "cluster", problems);
  const d = clusterDefaults(i);

  let name = `cluster${i + 1}`;
  let nameOk = false;
  if (entry.name === undefined) {
    problems.add(
      `${key}.name`,
      undefined,
      "is required",
      `give the cluster a name such as "cluster${i + 1}"`,
    );
  } else if (typeof entry.name !== "string" || entry.name === "") {
    problems.add(`${key}.name`, entry.name, "must be a non-empty string", `use e.g. "cluster${i + 1}"`);
  } else {
    name = entry.name;
    const kindName = ctx.namePrefix + name;
    // A bad namePrefix is reported once, on its own key; judge the name alone then.
    const judged = KIND_NAME.test(ctx.namePrefix || "x") ? kindName : name;
    if (!KIND_NAME.test(judged) || !/^[a-z0-9]/.test(judged)) {
      problems.add(
        `${key}.name`,
        entry.name,
        `gives the kind name "${kindName}", which kind or Docker rejects: names must match ^[a-z0-9.-]+$ and start with a letter or digit`,
        `use lower-case letters, digits, '.' and '-', e.g. "${suggestKindName(name)}"`,
      );
    } else if (kindName.length > MAX_KIND_NAME_LENGTH) {
      problems.add(
        `${key}.name`,
        entry.name,
        `gives the kind name "${kindName}" of ${kindName.length} characters; at most ${MAX_KIND_NAME_LENGTH} fit, so that node names such as "<name>-control-plane" stay within Kubernetes' 63-character limit`,
        "use a shorter name or namePrefix",
      );
    } else nameOk = true;
  }

  let role = name;
  if (entry.role !== undefined) {
    if (typeof entry.role !== "string" || !ROLE.test(entry.role)) {
      problems.add(
        `${key}.role`,
        entry.role,
        "must be 1 to 31 lower-case letters, digits and '-', starting with a letter",
        'use e.g. "production" or "develop"',
      );
    } else role = entry.role;
  }

  const apiServerPort = readPort(
    entry.apiServerPort ?? d.apiServerPort,
    `${key}.apiServerPort`,
    ctx.portOffset,
    problems,
    d.apiServerPort,
  );
  if (apiServerPort !== undefined) {
    uses.push({
      key: `${key}.apiServerPort`,
      raw: entry.apiServerPort ?? d.apiServerPort,
      port: apiServerPort,
      protocol: "TCP",
    });
  }

  const podRaw = entry.podSubnet ?? d.podSubnet;
  const pod = readPrefixRange(
    readCidr(podRaw, `${key}.podSubnet`, d.podSubnet, problems),
    podRaw,
    `${key}.podSubnet`,
    [8, 21],
    "a pod subnet needs room for a /24 per node",
    problems,
  );
  const serviceRaw = entry.serviceSubnet ?? d.serviceSubnet;
  const service = readPrefixRange(
    readCidr(serviceRaw, `${key}.serviceSubnet`, d.serviceSubnet, problems),
    serviceRaw,
    `${key}.serviceSubnet`,
    [12, 24],
    "kube-apiserver refuses service ranges wider than /12, and a range narrower than /24 leaves few service IPs",
    problems,
  );
  if (pod && service && cidrsOverlap(pod, service)) {
    problems.add(
      `${key}.serviceSubnet`,
      serviceRaw,
      `overlaps this cluster's podSubnet ${canonicalCidr(pod)}`,
      "pick ranges that do not overlap, e.g. podSubnet 10.240.0.0/16 with serviceSubnet 10.96.0.0/16",
    );
  }

  let workers = d.workers;
  if (entry.workers !== undefined) {
    const w = asInt(entry.workers);
    if (w === undefined || w < 1 || w > MAX_WORKERS) {
      problems.add(
        `${key}.workers`,
        entry.workers,
        `must be a whole number from 1 to ${MAX_WORKERS}: the smoke suite's spread and pod-network checks need a worker beside the control-plane, and every node is a container of its own`,
        `use 1 (the seed) to ${MAX_WORKERS}`,
      );
    } else workers = w;
  }

  const nodeImage = readNodeImage(entry.nodeImage, `${key}.nodeImage`, problems);
  const portMappings = readPortMappings(
    entry.portMappings ?? d.portMappings,
    `${key}.portMappings`,
    ctx.portOffset,
    uses,
    problems,
  );
  const registration = readRegistration(entry.registration, `${key}.registration`, role, problems);

  if (!nameOk) return undefined;
  return {
    index: i,
    pod,
    service,
    config: {
      name,
      kindName: ctx.namePrefix + name,
      role,
      apiServerPort: apiServerPort ?? 0,
      podSubnet: pod ? canonicalCidr(pod) : String(podRaw),
      serviceSubnet: service ? canonicalCidr(service) : String(serviceRaw),
      workers,
      nodeImage,
      portMappings,
      registration,
    },
  };
}

/** The lowest port above `from` that nothing uses, in the user's terms (before the offset). */
function freePortAfter(from: number, taken: Set<number>, offset: number): number {
  let p = from + 1;
  while (taken.has(p) && p < 65535) p++;
  return p - offset;
}

function checkHostPorts(uses: HostPortUse[], ctx: ClusterContext, problems: Problems): void {
  const reserved = new Map<number, string>();
  for (const r of [
    ...ctx.reservedHostPorts,
    ...QUERYPIE_DEFAULT_PORTS.map((q) => ({ port: q.port + ctx.portOffset, owner: q.owner })),
  ]) {
    if (!reserved.has(r.port)) reserved.set(r.port, r.owner);
  }
  const taken = new Set<number>([...reserved.keys(), ...uses.map((u) => u.port)]);
  const seen = new Map<string, HostPortUse>();
  for (const u of uses) {
    const owner = reserved.get(u.port);
    const fix = `pick a port nothing else in the lab uses, e.g. ${freePortAfter(u.port, taken, ctx.portOffset)}`;
    if (owner !== undefined) {
      problems.add(u.key, u.raw, `gives host port ${u.port}, which ${owner} publishes`, fix);
      continue;
    }
    const id = `${u.port}/${u.protocol}`;
    const first = seen.get(id);
    if (first) {
      problems.add(u.key, u.raw, `gives host port ${u.port}, already used by ${first.key}`, fix);
      continue;
    }
    seen.set(id, u);
  }
}

function checkAcrossClusters(parsed: ParsedCluster[], problems: Problems, raw: unknown[]): void {
  const names = new Map<string, number>();
  const registrations = new Map<string, number>();
  for (const p of parsed) {
    const other = names.get(p.config.name);
    if (other !== undefined) {
      problems.add(
        `clusters[${p.index}].name`,
        p.config.name,
        `is already the name of clusters[${other}]`,
        "give every cluster its own name",
      );
    } else names.set(p.config.name, p.index);

    const otherReg = registrations.get(p.config.registration.name);
    if (otherReg !== undefined) {
      problems.add(
        `clusters[${p.index}].registration.name`,
        p.config.registration.name,
        `is already the QueryPie name of clusters[${otherReg}]`,
        "give every cluster its own role or registration.name",
      );
    } else registrations.set(p.config.registration.name, p.index);
  }
  for (let a = 0; a < parsed.length; a++) {
    for (let b = a + 1; b < parsed.length; b++) {
      const pa = parsed[a].pod;
      const pb = parsed[b].pod;
      if (pa && pb && cidrsOverlap(pa, pb)) {
        const ib = parsed[b].index;
        const rawB = isRecord(raw[ib]) ? (raw[ib] as Record<string, unknown>).podSubnet : undefined;
        problems.add(
          `clusters[${ib}].podSubnet`,
          rawB ?? parsed[b].config.podSubnet,
          `overlaps clusters[${parsed[a].index}].podSubnet ${canonicalCidr(pa)}`,
          "give every cluster a pod subnet of its own, e.g. 10.240.0.0/16 for the first and 10.241.0.0/16 for the second",
        );
      }
    }
  }
}

export function validateClusters(raw: RawConfig, ctx: ClusterContext, problems: Problems): ClusterConfig[] {
  const list = raw.clusters === undefined ? SEED_CLUSTERS : raw.clusters;
  if (!Array.isArray(list)) {
    problems.add(
      "clusters",
      list,
      "must be a list of clusters",
      "write a YAML list with one entry per cluster (see stacks/Pulumi.lab.yaml), or leave it unset for the seed's two",
    );
    return [];
  }
  if (list.length === 0) {
    problems.add(
      "clusters",
      list,
      "must hold at least one cluster",
      "add a cluster, or leave clusters unset for the seed's cluster1 and cluster2",
    );
    return [];
  }
  if (list.length > MAX_CLUSTERS) {
    problems.add(
      "clusters",
      `(${list.length} clusters)`,
      `holds more than the ${MAX_CLUSTERS} clusters one host runs comfortably`,
      "remove clusters, or split them across stacks with namePrefix and portOffset",
    );
  }
  const uses: HostPortUse[] = [];
  const parsed = list
    .map((entry: unknown, i) => readCluster(entry, i, ctx, uses, problems))
    .filter((p): p is ParsedCluster => p !== undefined);
  checkHostPorts(uses, ctx, problems);
  checkAcrossClusters(parsed, problems, list);
  return parsed.map((p) => p.config);
}
