/**
 * The closing summary of `up` and the body of `status`: cluster endpoints, contexts and
 * kubeconfig paths, the QueryPie URL and next steps, and the smoke table. Read from the stack
 * outputs, which may not all exist (a component not wired yet, the platform switched off);
 * what the config alone can say fills the gaps. Pure. A secret output is never printed.
 */
import type { LabConfig } from "../config";
import { kindPaths } from "../kind/paths";
import { SECRET_SHOWN } from "./state";
import type { OutputMap } from "./workspace";

export interface ClusterLine {
  name: string;
  kindName: string;
  context: string;
  endpoint: string;
  kubeconfigPath: string;
}

export interface SmokeRow {
  cluster: string;
  checks: { id: string; status: string; durationMs?: number }[];
}

export interface SmokeTable {
  rows: SmokeRow[];
  passed?: boolean;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A plain value that is safe and short enough to print; nothing that looks like key material. */
function safeString(v: unknown): string | undefined {
  if (typeof v !== "string" && typeof v !== "number") return undefined;
  const s = String(v);
  // A nested secret, masked when the outputs were read: nothing to show, the config fills in.
  if (s === SECRET_SHOWN) return undefined;
  // Key material, a kubeconfig, or a QueryPie API token (`ap` + UUID) is never printed.
  if (
    s.length > 300 ||
    /BEGIN [A-Z ]*(KEY|CERTIFICATE)|apiVersion:|client-key-data|\bap[0-9a-f]{8}-/i.test(s)
  ) {
    return undefined;
  }
  return s;
}

function pick(o: Obj, ...keys: string[]): string | undefined {
  for (const k of keys) {
    const s = safeString(o[k]);
    if (s !== undefined) return s;
  }
  return undefined;
}

/** A non-secret output's value, or undefined. */
export function plainOutput(outputs: OutputMap | undefined, key: string): unknown {
  const o = outputs?.[key];
  return o && !o.secret ? o.value : undefined;
}

export function clusterLines(outputs: OutputMap | undefined, config: LabConfig | undefined): ClusterLine[] {
  const raw = plainOutput(outputs, "clusters");
  const entries: Obj[] = Array.isArray(raw)
    ? raw.map((e) => (isObj(e) ? e : { kindName: e }))
    : isObj(raw)
      ? Object.entries(raw).map(([name, e]) => (isObj(e) ? { name, ...e } : { name, kindName: e }))
      : [];
  const fromConfig = config?.clusters ?? [];
  const lines: ClusterLine[] = [];
  const names = new Set<string>();
  const add = (e: Obj) => {
    const kindName = pick(e, "kindName") ?? pick(e, "name") ?? "?";
    const cfg = fromConfig.find((c) => c.kindName === kindName || c.name === pick(e, "name"));
    // The config's name (cluster1) reads better than an output's, which may be the kind name.
    const name = cfg?.name ?? pick(e, "name") ?? kindName;
    if (names.has(kindName)) return;
    names.add(kindName);
    lines.push({
      name,
      kindName,
      context: pick(e, "contextName", "context") ?? `kind-${kindName}`,
      endpoint:
        pick(e, "endpoint", "hostEndpoint", "server") ??
        (cfg ? `https://127.0.0.1:${cfg.apiServerPort}` : "(unknown)"),
      kubeconfigPath:
        pick(e, "kubeconfigPath", "kubeconfigFile") ??
        (config ? kindPaths(config.stateDir, kindName).kubeconfig : "(unknown)"),
    });
  };
  entries.forEach(add);
  fromConfig.forEach((c) => add({ name: c.name, kindName: c.kindName }));
  return lines;
}

function statusOf(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "passed" : "failed";
  if (isObj(v))
    return (
      pick(v, "status") ?? (typeof v.passed === "boolean" ? (v.passed ? "passed" : "failed") : undefined)
    );
  return undefined;
}

function checksOf(v: unknown): SmokeRow["checks"] {
  if (Array.isArray(v)) {
    return v.filter(isObj).map((c) => ({
      id: pick(c, "id", "name") ?? "?",
      status: statusOf(c) ?? "?",
      durationMs: typeof c.durationMs === "number" ? c.durationMs : undefined,
    }));
  }
  if (isObj(v)) return Object.entries(v).map(([id, c]) => ({ id, status: statusOf(c) ?? "?" }));
  return [];
}

/**
 * The smoke results in any of the shapes a stack may export: a report `{smokePassed, clusters: [...]}`,
 * a list of per-cluster results, or a map from cluster to its result.
 */
export function smokeTable(outputs: OutputMap | undefined): SmokeTable | undefined {
  const raw = plainOutput(outputs, "smoke");
  const overall = plainOutput(outputs, "smokePassed");
  let rows: SmokeRow[] = [];
  let passed = typeof overall === "boolean" ? overall : undefined;
  const rowOf = (cluster: string, v: unknown): SmokeRow => ({
    cluster,
    checks: checksOf(isObj(v) && "checks" in v ? v.checks : v),
  });
  if (isObj(raw) && Array.isArray(raw.clusters)) {
    rows = raw.clusters.filter(isObj).map((c) => rowOf(pick(c, "cluster", "name") ?? "?", c));
    if (passed === undefined && typeof raw.smokePassed === "boolean") passed = raw.smokePassed;
  } else if (Array.isArray(raw)) {
    rows = raw.filter(isObj).map((c) => rowOf(pick(c, "cluster", "name") ?? "?", c));
  } else if (isObj(raw)) {
    rows = Object.entries(raw).map(([cluster, v]) => rowOf(cluster, v));
  }
  if (rows.length === 0 && passed === undefined) return undefined;
  if (passed === undefined && rows.length > 0) {
    passed = rows.every((r) => r.checks.every((c) => c.status === "passed" || c.status === "skipped"));
  }
  return { rows, passed };
}

/** Check by cluster, like the smoke script's own table. */
export function formatSmokeTable(table: SmokeTable): string[] {
  const ids: string[] = [];
  for (const r of table.rows) for (const c of r.checks) if (!ids.includes(c.id)) ids.push(c.id);
  const header = ["check", ...table.rows.map((r) => r.cluster)];
  const body = ids.map((id) => [
    id,
    ...table.rows.map((r) => {
      const c = r.checks.find((x) => x.id === id);
      if (!c) return "-";
      return c.durationMs === undefined ? c.status : `${c.status} ${(c.durationMs / 1000).toFixed(1)}s`;
    }),
  ]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((row) => (row[i] ?? "").length)));
  const line = (row: string[]) => `  ${row.map((v, i) => v.padEnd(widths[i] ?? 0)).join("  ")}`.trimEnd();
  const verdict = table.passed === undefined ? "" : table.passed ? "PASSED" : "FAILED";
  return [`Smoke suite: ${verdict}`.trimEnd(), ...(body.length ? [line(header), ...body.map(line)] : [])];
}

function nextStepsOf(outputs: OutputMap | undefined): string[] {
  const platform = plainOutput(outputs, "querypie") ?? plainOutput(outputs, "platform");
  const raw = plainOutput(outputs, "nextSteps") ?? (isObj(platform) ? platform.nextSteps : undefined);
  const list = Array.isArray(raw) ? raw : typeof raw === "string" ? raw.split("\n") : [];
  return list.map((s) => safeString(s)).filter((s): s is string => s !== undefined && s.trim() !== "");
}

function platformUrl(outputs: OutputMap | undefined, config: LabConfig | undefined): string | undefined {
  const platform = plainOutput(outputs, "querypie") ?? plainOutput(outputs, "platform");
  const fromOutputs =
    (isObj(platform) ? pick(platform, "webUrl", "url") : undefined) ??
    safeString(plainOutput(outputs, "querypieUrl"));
  if (fromOutputs) return fromOutputs;
  if (config?.platform.enabled) {
    const host = config.platform.bindAddress === "0.0.0.0" ? "127.0.0.1" : config.platform.bindAddress;
    return `http://${host}:${config.platform.ports.web}`;
  }
  return undefined;
}

/** The whole summary, ready to print. */
export function formatSummary(
  stack: string,
  outputs: OutputMap | undefined,
  config: LabConfig | undefined,
  /** Said instead of "no results" when the suite ran outside the stack (its table is above). */
  smokeNote?: string,
): string[] {
  const lines: string[] = [];
  const clusters = clusterLines(outputs, config);
  lines.push(`Clusters of stack "${stack}":`);
  if (clusters.length === 0) lines.push("  (none in the outputs or the config)");
  for (const c of clusters) {
    lines.push(`  ${c.name} (kind ${c.kindName}): ${c.endpoint}, context ${c.context}`);
    lines.push(`    KUBECONFIG=${c.kubeconfigPath} kubectl get nodes`);
  }
  const url = platformUrl(outputs, config);
  if (url) lines.push(`QueryPie: ${url}`);
  else if (config && !config.platform.enabled) lines.push("QueryPie: off (platform.enabled=false)");
  const steps = nextStepsOf(outputs);
  if (steps.length) lines.push("Next steps:", ...steps.map((s) => `  ${s}`));
  const smoke = smokeTable(outputs);
  lines.push(
    ...(smoke ? formatSmokeTable(smoke) : [smokeNote ?? "Smoke suite: no results in the stack outputs"]),
  );
  const secret = Object.entries(outputs ?? {})
    .filter(([, o]) => o.secret)
    .map(([k]) => k);
  if (secret.length)
    lines.push(
      `Secret outputs (not shown): ${secret.join(", ")}; see them with \`pulumi stack output --show-secrets --stack ${stack}\` (the plain CLI pointed at the lab's state, docs/lifecycle.md).`,
    );
  return lines;
}
