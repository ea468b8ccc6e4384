/**
 * Pure readers of `kubectl ... -o json` output: only the fields the verdicts and the
 * diagnostics need. They throw a plain Error on text that is not the expected JSON.
 */

function parseJson(text: string, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === "object" && v !== null) return v as Record<string, unknown>;
  } catch {
    // fall through to the message below
  }
  throw new Error(`expected ${what} as JSON, got: ${text.trim().slice(0, 120) || "(nothing)"}`);
}

// kubectl JSON is loosely typed here on purpose: missing fields read as undefined.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;

export interface ContainerInfo {
  name: string;
  ready: boolean;
  restartCount: number;
  /** running | waiting | terminated | unknown */
  state: string;
  reason?: string;
  message?: string;
}

export interface PodInfo {
  name: string;
  phase: string;
  nodeName?: string;
  podIP?: string;
  ready: boolean;
  deleting: boolean;
  containers: ContainerInfo[];
  /** Reason of the PodScheduled=False condition, e.g. Unschedulable. */
  unschedulable?: string;
}

export function parsePods(text: string): PodInfo[] {
  const list = parseJson(text, "a pod list") as Loose;
  return ((list.items ?? []) as Loose[]).map((p) => {
    const conditions = (p.status?.conditions ?? []) as Loose[];
    const scheduled = conditions.find((c) => c.type === "PodScheduled");
    return {
      name: p.metadata?.name ?? "?",
      phase: p.status?.phase ?? "Unknown",
      nodeName: p.spec?.nodeName || undefined,
      podIP: p.status?.podIP || undefined,
      ready: conditions.some((c) => c.type === "Ready" && c.status === "True"),
      deleting: Boolean(p.metadata?.deletionTimestamp),
      containers: ((p.status?.containerStatuses ?? []) as Loose[]).map((c) => {
        const [state, detail] = Object.entries(c.state ?? {})[0] ?? ["unknown", {}];
        const d = detail as Loose;
        return {
          name: c.name,
          ready: Boolean(c.ready),
          restartCount: c.restartCount ?? 0,
          state,
          reason: d?.reason,
          message: d?.message,
        };
      }),
      unschedulable:
        scheduled && scheduled.status === "False"
          ? `${scheduled.reason ?? "Unschedulable"}: ${scheduled.message ?? ""}`.trim()
          : undefined,
    };
  });
}

/** Running, ready, not being deleted, with a node and an IP; sorted by name so probes agree. */
export function readyPods(pods: PodInfo[]): PodInfo[] {
  return pods
    .filter((p) => p.phase === "Running" && p.ready && !p.deleting && p.nodeName && p.podIP)
    .sort((a, b) => a.name.localeCompare(b.name));
}

export interface NodeInfo {
  name: string;
  ready: boolean;
  internalIP?: string;
  taints: string[];
}

export function parseNodes(text: string): NodeInfo[] {
  const list = parseJson(text, "a node list") as Loose;
  return ((list.items ?? []) as Loose[]).map((n) => ({
    name: n.metadata?.name ?? "?",
    ready: ((n.status?.conditions ?? []) as Loose[]).some((c) => c.type === "Ready" && c.status === "True"),
    internalIP: ((n.status?.addresses ?? []) as Loose[]).find((a) => a.type === "InternalIP")?.address,
    taints: ((n.spec?.taints ?? []) as Loose[]).map((t) => `${t.key}:${t.effect}`),
  }));
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface DeploymentInfo {
  name: string;
  image?: string;
  specReplicas: number;
  generation: number;
  observedGeneration: number;
  /** Pods of any revision (old ones linger during a rollout). */
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  conditions: Condition[];
}

export function parseDeployment(text: string): DeploymentInfo {
  const d = parseJson(text, "a deployment") as Loose;
  return {
    name: d.metadata?.name ?? "?",
    image: d.spec?.template?.spec?.containers?.[0]?.image,
    specReplicas: d.spec?.replicas ?? 1,
    generation: d.metadata?.generation ?? 0,
    observedGeneration: d.status?.observedGeneration ?? 0,
    replicas: d.status?.replicas ?? 0,
    updatedReplicas: d.status?.updatedReplicas ?? 0,
    readyReplicas: d.status?.readyReplicas ?? 0,
    availableReplicas: d.status?.availableReplicas ?? 0,
    conditions: ((d.status?.conditions ?? []) as Loose[]).map((c) => ({
      type: c.type,
      status: c.status,
      reason: c.reason,
      message: c.message,
    })),
  };
}

/** What `kubectl rollout status` waits for: the current spec rolled out, no old pods left. */
export function rolloutComplete(d: DeploymentInfo): boolean {
  return (
    d.observedGeneration >= d.generation &&
    d.updatedReplicas === d.specReplicas &&
    d.replicas === d.specReplicas &&
    d.availableReplicas === d.specReplicas
  );
}

export function conditionText(c: Condition | undefined): string {
  if (!c) return "no such condition yet";
  const why = [c.reason, c.message].filter(Boolean).join(": ");
  return `${c.type}=${c.status}${why ? ` (${why})` : ""}`;
}

export function parseServiceNodePort(text: string): { type: string; nodePort?: number } {
  const s = parseJson(text, "a service") as Loose;
  return { type: s.spec?.type ?? "?", nodePort: s.spec?.ports?.[0]?.nodePort };
}

export interface EventInfo {
  type: string;
  reason: string;
  object: string;
  message: string;
  count: number;
  time: string;
}

/** The newest `limit` events, newest first. */
export function parseEvents(text: string, limit: number): EventInfo[] {
  const list = parseJson(text, "an event list") as Loose;
  const events = ((list.items ?? []) as Loose[]).map((e) => ({
    type: e.type ?? "Normal",
    reason: e.reason ?? "",
    object: `${(e.involvedObject?.kind ?? "").toLowerCase()}/${e.involvedObject?.name ?? "?"}`,
    message: (e.message ?? "").trim(),
    count: e.count ?? e.series?.count ?? 1,
    time: e.lastTimestamp ?? e.eventTime ?? e.metadata?.creationTimestamp ?? "",
  }));
  return events.sort((a, b) => (a.time < b.time ? 1 : a.time > b.time ? -1 : 0)).slice(0, limit);
}

/** `NotFound` from kubectl get. */
export function isNotFound(stderr: string): boolean {
  return /NotFound|not found/.test(stderr);
}

/** First line of a command's stderr, for messages. */
export function firstLine(text: string): string {
  return (
    text
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean) ?? "(no output)"
  );
}
