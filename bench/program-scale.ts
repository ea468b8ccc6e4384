/**
 * Program scale: what one build of the program under mocks reports, and the per-cluster figures
 * derived from several sizes (they should stay flat as clusters are added).
 */

/** One registration as the mocks recorded it. */
export interface RecordedNode {
  name: string;
  type: string;
  /** Names of the resources it depends on (the SDK already expands components to their children). */
  deps: string[];
  /** Name of its explicit provider, e.g. `cluster1-provider`; the engine waits for it too. */
  provider?: string;
}

/** What `bench/program-worker.ts <n>` prints. */
export interface ProgramRun {
  clusters: number;
  /** Registrations, components and providers included. */
  resources: number;
  /** Loading the SDKs and component modules, before the program runs. */
  loadMs: number;
  /** Wall time from importing the program to its last registration. */
  buildMs: number;
  /** CPU time (user + system) of this process over the same span: less disturbed by other work on the host. */
  cpuMs: number;
  peakRssMb: number;
  nodes: RecordedNode[];
}

export interface ScaleRow {
  clusters: number;
  resources: number;
  resourcesPerCluster: number;
  /** Resources the last step in size added, per cluster added (the marginal cost). */
  addedPerCluster?: number;
  buildMs: number;
  msPerCluster: number;
  cpuMs: number;
  cpuMsPerCluster: number;
  /** CPU ms the last step in size added, per cluster added. */
  addedCpuMsPerCluster?: number;
  loadMs: number;
  peakRssMb: number;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

export function scaleRows(
  runs: Pick<ProgramRun, "clusters" | "resources" | "buildMs" | "cpuMs" | "loadMs" | "peakRssMb">[],
): ScaleRow[] {
  const sorted = [...runs].sort((a, b) => a.clusters - b.clusters);
  return sorted.map((r, i) => {
    const prev = sorted[i - 1];
    return {
      clusters: r.clusters,
      resources: r.resources,
      resourcesPerCluster: round1(r.resources / r.clusters),
      ...(prev
        ? { addedPerCluster: round1((r.resources - prev.resources) / (r.clusters - prev.clusters)) }
        : {}),
      buildMs: r.buildMs,
      msPerCluster: round1(r.buildMs / r.clusters),
      cpuMs: r.cpuMs,
      cpuMsPerCluster: round1(r.cpuMs / r.clusters),
      ...(prev
        ? { addedCpuMsPerCluster: round1((r.cpuMs - prev.cpuMs) / (r.clusters - prev.clusters)) }
        : {}),
      loadMs: r.loadMs,
      peakRssMb: r.peakRssMb,
    };
  });
}

/** The result line of `bench/program-worker.ts`, among whatever else the process printed. */
export const RESULT_PREFIX = "BENCH_RESULT ";

export function parseWorkerOutput(stdout: string, clusters: number): ProgramRun {
  const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
  if (!line) {
    throw new Error(
      `the program worker for ${clusters} clusters printed no ${RESULT_PREFIX.trim()} line; run \`npx tsx bench/program-worker.ts ${clusters}\` to see why`,
    );
  }
  const run = JSON.parse(line.slice(RESULT_PREFIX.length)) as ProgramRun;
  if (run.clusters !== clusters || !Array.isArray(run.nodes) || run.nodes.length !== run.resources) {
    throw new Error(`the program worker for ${clusters} clusters printed an inconsistent result`);
  }
  return run;
}

/** The name in a provider reference `urn:pulumi:<stack>::<project>::<type>::<name>::<id>`. */
export function providerName(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const parts = ref.split("::");
  return parts.length >= 3 ? parts[parts.length - 2] : undefined;
}

/**
 * Of several builds of the same size, the fastest: other work on the machine only ever adds
 * time, so the minimum is the least disturbed figure. Peak RSS is the highest seen.
 */
export function fastestRun(runs: ProgramRun[]): ProgramRun {
  if (runs.length === 0) throw new Error("fastestRun: no runs");
  const best = runs.reduce((a, b) => (b.buildMs < a.buildMs ? b : a));
  return {
    ...best,
    cpuMs: Math.min(...runs.map((r) => r.cpuMs)),
    loadMs: Math.min(...runs.map((r) => r.loadMs)),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
  };
}
