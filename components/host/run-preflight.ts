/**
 * Gathers what preflight needs through a HostProbe and turns it into verdicts. The port plan
 * (which host ports a stack binds, and which of its containers binds each) is pure.
 */
import type { LabConfig } from "../config";
import {
  dockerVerdict,
  inotifyVerdict,
  parseDockerPs,
  portVerdicts,
  toolVerdict,
  type CheckResult,
  type PlannedPort,
  type PortProbe,
} from "./preflight";
import type { HostProbe } from "./probe";

/** The host ports a stack binds: each cluster's API server and port mappings, QueryPie's ports. */
export function plannedPorts(config: Pick<LabConfig, "clusters" | "platform" | "namePrefix">): PlannedPort[] {
  const planned: PlannedPort[] = [];
  for (const c of config.clusters) {
    const container = `${c.kindName}-control-plane`;
    // kind publishes the API server on 127.0.0.1 unless networking.apiServerAddress says otherwise.
    planned.push({
      port: c.apiServerPort,
      address: "127.0.0.1",
      protocol: "TCP",
      owner: `${c.name} API server`,
      container,
    });
    for (const m of c.portMappings) {
      planned.push({
        port: m.hostPort,
        address: m.listenAddress,
        protocol: m.protocol,
        owner: `${c.name} port mapping ${m.hostPort}->${m.containerPort}`,
        container,
      });
    }
  }
  if (config.platform.enabled) {
    const containerPrefix = `${config.namePrefix}querypie-`;
    for (const [name, port] of Object.entries(config.platform.ports)) {
      // The tools API is only for this program: always on loopback, whatever bindAddress says.
      const address = name === "tools" ? "127.0.0.1" : config.platform.bindAddress;
      planned.push({ port, address, protocol: "TCP", owner: `QueryPie ${name}`, containerPrefix });
    }
    const range = config.platform.proxyPortRange;
    for (let port = range?.start ?? 1; range && port <= range.end; port++) {
      planned.push({
        port,
        address: config.platform.bindAddress,
        protocol: "TCP",
        owner: "QueryPie proxy port range",
        containerPrefix,
      });
    }
  }
  return planned;
}

export type PreflightCheckId = "docker" | "kind" | "kubectl" | "pulumi" | "ports" | "inotify";

export interface PreflightOptions {
  /** The stack's config; without it the port check is left out. */
  config?: Pick<LabConfig, "clusters" | "platform" | "namePrefix">;
  /** Checks to run. Default: all. */
  only?: PreflightCheckId[];
}

export async function runPreflight(probe: HostProbe, opts: PreflightOptions = {}): Promise<CheckResult[]> {
  const want = (id: PreflightCheckId) => !opts.only || opts.only.includes(id);
  const results: CheckResult[] = [];
  let dockerOk = false;
  if (want("docker")) {
    const docker = dockerVerdict(
      await probe.run("docker", ["info", "--format", "{{.ServerVersion}}|{{.OperatingSystem}}"]),
      probe.platform,
    );
    dockerOk = docker.status === "ok";
    results.push(docker);
  }
  if (want("kind"))
    results.push(toolVerdict("kind", await probe.run("kind", ["version"]), probe.platform, probe.arch));
  if (want("kubectl")) {
    results.push(toolVerdict("kubectl", await probe.run("kubectl", ["version", "--client"]), probe.platform));
  }
  if (want("pulumi")) {
    results.push(toolVerdict("pulumi", await probe.run("pulumi", ["version"]), probe.platform));
  }
  if (want("ports") && opts.config) {
    const planned = plannedPorts(opts.config);
    const probes = new Map<PlannedPort, PortProbe>();
    for (const p of planned) probes.set(p, await probe.probePort(p.port, p.address, p.protocol));
    let published;
    if (dockerOk && [...probes.values()].some((r) => r === "in-use")) {
      const ps = await probe.run("docker", ["ps", "--format", "{{.Names}}\t{{.Ports}}"]);
      if (ps !== "not-found" && ps.code === 0) published = parseDockerPs(ps.stdout);
    }
    results.push(...portVerdicts(planned, probes, published));
  }
  if (want("inotify")) {
    results.push(
      inotifyVerdict(
        probe.platform,
        probe.platform === "linux"
          ? await probe.readFile("/proc/sys/fs/inotify/max_user_watches")
          : undefined,
        probe.platform === "linux"
          ? await probe.readFile("/proc/sys/fs/inotify/max_user_instances")
          : undefined,
      ),
    );
  }
  return results;
}
