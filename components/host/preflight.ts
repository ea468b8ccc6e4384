/**
 * Preflight verdicts: pure functions from what the host reported (command output, port
 * probes, /proc values) to one line per check, with the fix when it fails. No effects here;
 * the probes live in `probe.ts` and the gathering in `run-preflight.ts`.
 */

export type CheckStatus = "ok" | "fail" | "skip";

export interface CheckResult {
  /** Stable id, e.g. `docker`, `port:6444`. */
  id: string;
  /** What was checked, e.g. `Docker engine`. */
  title: string;
  status: CheckStatus;
  /** What was found, one clause. */
  detail: string;
  /** What to do, present when the check failed. */
  fix?: string;
}

/** What running a command gave; `not-found` when the executable is not on PATH. */
export type CommandOutcome = { code: number; stdout: string; stderr: string } | "not-found";

export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export const MIN_KIND = "0.29.0";
/**
 * The oldest CLI with every flag the lab passes: `destroy --exclude` (`down --keep-data`) came in
 * 3.158.0. The Automation API's own floor, 3.2.0, would let an older CLI fail mid-teardown.
 */
export const MIN_PULUMI = "3.158.0";
export const INOTIFY_MIN_WATCHES = 524288;
export const INOTIFY_MIN_INSTANCES = 512;

// ---------------------------------------------------------------- versions

/** The first `v?X.Y.Z` in a text, e.g. `kind v0.29.0 go1.24.2 linux/amd64` -> 0.29.0. */
export function parseVersion(text: string): Version | undefined {
  const m = /\bv?(\d+)\.(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}`;
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

function mustParse(v: string): Version {
  const parsed = parseVersion(v);
  if (!parsed) throw new Error(`not a version: ${v}`);
  return parsed;
}

// ---------------------------------------------------------------- install hints

/** How to install each tool, as one clause, shared by preflight and the lab command. */
export function installHint(
  tool: "docker" | "docker-engine" | "kind" | "kubectl" | "pulumi",
  platform: NodeJS.Platform,
  arch: string = "x64",
): string {
  const kindArch = arch === "arm64" ? "arm64" : "amd64";
  switch (tool) {
    case "docker":
      return platform === "linux"
        ? "install Docker Engine (https://docs.docker.com/engine/install/), then run this again"
        : "install Docker Desktop (https://docs.docker.com/desktop/), start it, then run this again";
    case "docker-engine":
      return platform === "linux"
        ? "start it with `sudo systemctl start docker` (no engine installed? https://docs.docker.com/engine/install/), then run this again"
        : 'open Docker Desktop and wait until it reports "Engine running", then run this again';
    case "kind":
      if (platform === "darwin") {
        return `install kind v${MIN_KIND} or newer: \`brew install kind\` (or see https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`;
      }
      if (platform === "win32") {
        return `install kind v${MIN_KIND} or newer: \`winget install Kubernetes.kind\` (or see https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`;
      }
      return (
        `install kind v${MIN_KIND} or newer: \`curl -fsSLo ./kind https://kind.sigs.k8s.io/dl/v${MIN_KIND}/kind-linux-${kindArch}` +
        " && sudo install -m 0755 ./kind /usr/local/bin/kind` (or see https://kind.sigs.k8s.io/docs/user/quick-start/#installation)"
      );
    case "kubectl":
      return platform === "darwin"
        ? "install kubectl: `brew install kubectl` (or see https://kubernetes.io/docs/tasks/tools/)"
        : "install kubectl: see https://kubernetes.io/docs/tasks/tools/";
    case "pulumi":
      return platform === "win32"
        ? "install the Pulumi CLI: `winget install pulumi` (or see https://www.pulumi.com/docs/iac/download-install/); no account is needed, the lab keeps its state in .lab/"
        : "install the Pulumi CLI: `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi/tap/pulumi`; see https://www.pulumi.com/docs/iac/download-install/); no account is needed, the lab keeps its state in .lab/";
  }
}

function firstLine(text: string, max = 160): string {
  const line =
    text
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l.length > 0) ?? "";
  return line.length > max ? `${line.slice(0, max - 3)}...` : line;
}

// ---------------------------------------------------------------- docker

const NO_ENGINE =
  /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|connection refused|docker_engine.*(cannot find|The system cannot find)|failed to connect to the docker API/i;

/**
 * Verdict on `docker info --format '{{.ServerVersion}}|{{.OperatingSystem}}'`. The CLI often
 * exists while no engine runs (a CLI-only install, Docker Desktop not started): say exactly that.
 */
export function dockerVerdict(outcome: CommandOutcome, platform: NodeJS.Platform): CheckResult {
  const base = { id: "docker", title: "Docker engine" };
  if (outcome === "not-found") {
    return {
      ...base,
      status: "fail",
      detail: "the docker CLI is not installed, so there is no Docker engine to run kind on",
      fix: installHint("docker", platform),
    };
  }
  const text = `${outcome.stderr}\n${outcome.stdout}`;
  if (outcome.code !== 0 && /permission denied/i.test(text)) {
    return {
      ...base,
      status: "fail",
      detail: `the docker CLI may not use the engine's socket (${firstLine(outcome.stderr)})`,
      fix:
        platform === "linux"
          ? "add yourself to the docker group: `sudo usermod -aG docker $USER`, log out and in again (or run `newgrp docker`), then run this again"
          : "restart Docker Desktop, then run this again",
    };
  }
  if (outcome.code !== 0 && NO_ENGINE.test(text)) {
    return {
      ...base,
      status: "fail",
      detail: `the docker CLI is installed but no Docker engine is running (${firstLine(outcome.stderr)})`,
      fix: installHint("docker-engine", platform),
    };
  }
  if (outcome.code !== 0) {
    return {
      ...base,
      status: "fail",
      detail: `\`docker info\` failed with exit code ${outcome.code}: ${firstLine(outcome.stderr) || "(no message)"}`,
      fix: "make `docker info` work without errors (is the engine running, is DOCKER_HOST right?), then run this again",
    };
  }
  const [version = "", os = ""] = outcome.stdout.trim().split("|");
  const desktop = /Docker Desktop/i.test(os);
  return {
    ...base,
    status: "ok",
    detail: `engine ${version || "(unknown version)"} reachable${os ? ` on ${os}` : ""}${desktop ? " (Docker Desktop networking)" : ""}`,
  };
}

// ---------------------------------------------------------------- kind, kubectl, pulumi

interface ToolSpec {
  id: "kind" | "kubectl" | "pulumi";
  title: string;
  command: string;
  min?: string;
}

export const TOOLS: Record<"kind" | "kubectl" | "pulumi", ToolSpec> = {
  kind: { id: "kind", title: "kind", command: "kind version", min: MIN_KIND },
  kubectl: { id: "kubectl", title: "kubectl", command: "kubectl version --client" },
  pulumi: { id: "pulumi", title: "Pulumi CLI", command: "pulumi version", min: MIN_PULUMI },
};

/** Verdict on a tool's version command: present, runs, and new enough. */
export function toolVerdict(
  tool: "kind" | "kubectl" | "pulumi",
  outcome: CommandOutcome,
  platform: NodeJS.Platform,
  arch?: string,
): CheckResult {
  const spec = TOOLS[tool];
  const base = { id: spec.id, title: spec.title };
  const fix = installHint(tool, platform, arch);
  if (outcome === "not-found") {
    return { ...base, status: "fail", detail: "not installed (not found on PATH)", fix };
  }
  if (outcome.code !== 0) {
    return {
      ...base,
      status: "fail",
      detail: `\`${spec.command}\` failed with exit code ${outcome.code}: ${firstLine(outcome.stderr) || "(no message)"}`,
      fix,
    };
  }
  const version = parseVersion(outcome.stdout);
  if (!version) {
    return {
      ...base,
      status: "fail",
      detail: `\`${spec.command}\` printed no version (${JSON.stringify(firstLine(outcome.stdout, 60))})`,
      fix,
    };
  }
  if (spec.min && compareVersions(version, mustParse(spec.min)) < 0) {
    return {
      ...base,
      status: "fail",
      detail: `version ${formatVersion(version)} is older than ${spec.min}`,
      fix,
    };
  }
  return { ...base, status: "ok", detail: `version ${formatVersion(version)}` };
}

// ---------------------------------------------------------------- inotify

/**
 * Two kind clusters on one Linux host run out of inotify watches at the kernel defaults
 * (kind's known-issues page); Docker Desktop's VM sets its own limits.
 */
export function inotifyVerdict(
  platform: NodeJS.Platform,
  watchesText: string | undefined,
  instancesText: string | undefined,
): CheckResult {
  const base = { id: "inotify", title: "inotify limits" };
  if (platform !== "linux") {
    return {
      ...base,
      status: "skip",
      detail: `not checked on ${platform} (Docker Desktop's VM has its own limits)`,
    };
  }
  const watches = watchesText === undefined ? NaN : Number.parseInt(watchesText.trim(), 10);
  const instances = instancesText === undefined ? NaN : Number.parseInt(instancesText.trim(), 10);
  if (Number.isNaN(watches) || Number.isNaN(instances)) {
    return {
      ...base,
      status: "skip",
      detail: "could not read /proc/sys/fs/inotify/max_user_watches and max_user_instances",
    };
  }
  const low: string[] = [];
  const settings: string[] = [];
  if (watches < INOTIFY_MIN_WATCHES) {
    low.push(`max_user_watches=${watches} (want >= ${INOTIFY_MIN_WATCHES})`);
    settings.push(`fs.inotify.max_user_watches=${INOTIFY_MIN_WATCHES}`);
  }
  if (instances < INOTIFY_MIN_INSTANCES) {
    low.push(`max_user_instances=${instances} (want >= ${INOTIFY_MIN_INSTANCES})`);
    settings.push(`fs.inotify.max_user_instances=${INOTIFY_MIN_INSTANCES}`);
  }
  if (low.length === 0) {
    return { ...base, status: "ok", detail: `max_user_watches=${watches}, max_user_instances=${instances}` };
  }
  return {
    ...base,
    status: "fail",
    detail: `${low.join(", ")}; two kind clusters can fail with "too many open files"`,
    fix:
      `\`sudo sysctl -w ${settings.join(" ")}\`` +
      ` (to keep it after a reboot: \`printf '${settings.join("\\n")}\\n' | sudo tee /etc/sysctl.d/99-kind-access-lab.conf\`)`,
  };
}

// ---------------------------------------------------------------- ports

/** A host port the stack will bind, and who in the stack binds it. */
export interface PlannedPort {
  port: number;
  /** Host address, e.g. `127.0.0.1` or `0.0.0.0`. */
  address: string;
  protocol: "TCP" | "UDP";
  /** Who binds it, for messages: `cluster1 API server`, `QueryPie web`. */
  owner: string;
  /** Docker container of this stack that publishes it once up, e.g. `cluster1-control-plane`. */
  container?: string;
  /** Container-name prefix when the exact name is not known, e.g. `querypie-`. */
  containerPrefix?: string;
}

/** What probing a port gave: free, in use, or a bind error code (EADDRNOTAVAIL, EACCES). */
export type PortProbe = "free" | "in-use" | { error: string };

/** A running container and the host ports it publishes, from `docker ps`. */
export interface PublishedPorts {
  container: string;
  hostPorts: number[];
}

/**
 * Parses `docker ps --format '{{.Names}}\t{{.Ports}}'` lines, e.g.
 * `cluster1-control-plane\t127.0.0.1:6444->6443/tcp, 0.0.0.0:8080->80/tcp`.
 */
export function parseDockerPs(stdout: string): PublishedPorts[] {
  const result: PublishedPorts[] = [];
  for (const line of stdout.split("\n")) {
    if (!line.trim()) continue;
    const [container = "", ports = ""] = line.split("\t");
    const hostPorts = new Set<number>();
    for (const m of ports.matchAll(/:(\d+)(?:-(\d+))?->/g)) {
      const from = Number(m[1]);
      const to = m[2] ? Number(m[2]) : from;
      for (let p = from; p <= to && p - from < 1000; p++) hostPorts.add(p);
    }
    result.push({ container: container.trim(), hostPorts: [...hostPorts].sort((a, b) => a - b) });
  }
  return result;
}

function belongsToStack(planned: PlannedPort, container: string): boolean {
  if (planned.container && container === planned.container) return true;
  return Boolean(planned.containerPrefix && container.startsWith(planned.containerPrefix));
}

function portLabel(p: PlannedPort): string {
  return `port ${p.port}/${p.protocol.toLowerCase()} on ${p.address} (${p.owner})`;
}

/**
 * One result per port that is not free (or, when all are free, one OK line). A port held by
 * this stack's own container (the stack is already up) is fine: `up` is then an update.
 */
export function portVerdicts(
  planned: PlannedPort[],
  probes: Map<PlannedPort, PortProbe>,
  published: PublishedPorts[] | undefined,
): CheckResult[] {
  const results: CheckResult[] = [];
  let free = 0;
  let own = 0;
  for (const p of planned) {
    const probe = probes.get(p) ?? "free";
    const id = `port:${p.port}`;
    const title = `host port ${p.port}`;
    if (probe === "free") {
      free++;
      continue;
    }
    if (probe !== "in-use") {
      const notHere = probe.error === "EADDRNOTAVAIL";
      results.push({
        id,
        title,
        status: "fail",
        detail: `${portLabel(p)} cannot be bound (${probe.error}${notHere ? ": that address is not on this host" : ""})`,
        fix: notHere
          ? "use 127.0.0.1, 0.0.0.0 or an address of this host for listenAddress/bindAddress in the stack config"
          : "pick a port above 1024 that you may bind, or set portOffset in the stack config",
      });
      continue;
    }
    const holder = published?.find((c) => c.hostPorts.includes(p.port));
    if (holder && belongsToStack(p, holder.container)) {
      own++;
      continue;
    }
    const who = holder ? `docker container ${holder.container}` : "another program";
    results.push({
      id,
      title,
      status: "fail",
      detail: `${portLabel(p)} is in use by ${who}`,
      fix:
        (holder
          ? `stop it (\`docker stop ${holder.container}\`) if it is a leftover`
          : `stop what listens there (find it with \`ss -ltnp 'sport = :${p.port}'\` or \`lsof -nP -iTCP:${p.port} -sTCP:LISTEN\`)`) +
        ", or use a stack of your own, which gets its own port offset (`npm run lab -- up --stack dev`), or set portOffset in the stack config",
    });
  }
  if (results.length === 0) {
    const ports = [...new Set(planned.map((p) => p.port))].sort((a, b) => a - b);
    const ownText = own > 0 ? `, ${own} held by this stack's own containers (already up)` : "";
    results.push({
      id: "ports",
      title: "host ports",
      status: "ok",
      detail: planned.length === 0 ? "no host ports to bind" : `${free} free${ownText} (${ports.join(", ")})`,
    });
  }
  return results;
}

// ---------------------------------------------------------------- report

const MARK: Record<CheckStatus, string> = { ok: "OK  ", fail: "FAIL", skip: "SKIP" };

/** One line per check: `OK   Docker engine: engine 28.2.2 reachable` or `FAIL kind: ... Fix: ...`. */
export function formatCheck(r: CheckResult): string {
  const fix = r.status === "fail" && r.fix ? ` Fix: ${r.fix}.` : "";
  return `${MARK[r.status]} ${r.title}: ${r.detail}.${fix}`;
}

export function failures(results: CheckResult[]): CheckResult[] {
  return results.filter((r) => r.status === "fail");
}

/** The closing line of a preflight run. */
export function preflightSummary(results: CheckResult[]): string {
  const failed = failures(results).length;
  if (failed === 0) return "Preflight passed: this host can run the lab.";
  return `Preflight failed: ${failed} check${failed === 1 ? "" : "s"} above need${failed === 1 ? "s" : ""} a fix; nothing was created.`;
}
