/**
 * The teardown backstop: after `pulumi destroy` (or when it failed, or the state is gone),
 * remove whatever of the stack is still on the host: its kind clusters (`kind delete cluster`),
 * its QueryPie containers, networks and volumes (named `<namePrefix>querypie-*`), and its state
 * directory. Deciding what to remove is pure; the removal goes through the HostProbe.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { HostProbe } from "../host/probe";
import { kindPaths } from "../kind/paths";

export interface CleanupTarget {
  namePrefix: string;
  kindNames: string[];
  /** Absolute state directory of the stack (kubeconfigs, encryption configs). */
  stateDir?: string;
}

export interface DockerListing {
  /** Name and compose project label (empty when the container is not from docker compose). */
  containers: { name: string; composeProject: string }[];
  networks: string[];
  volumes: string[];
}

export interface DockerCleanup {
  containers: string[];
  networks: string[];
  volumes: string[];
}

/**
 * What of the stack is left in Docker: names starting `<namePrefix>querypie-`. Containers that
 * docker compose made (a vendor install of QueryPie, say) are never the lab's and are left alone.
 */
export function planDockerCleanup(
  listing: DockerListing,
  namePrefix: string,
  keepData: boolean,
): DockerCleanup {
  const ours = (name: string) => name.startsWith(`${namePrefix}querypie-`);
  return {
    containers: listing.containers.filter((c) => ours(c.name) && !c.composeProject).map((c) => c.name),
    networks: listing.networks.filter(ours),
    volumes: keepData ? [] : listing.volumes.filter(ours),
  };
}

export function parseLines(stdout: string): string[] {
  return stdout
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
}

export function parseContainers(stdout: string): DockerListing["containers"] {
  return parseLines(stdout).map((l) => {
    const [name = "", composeProject = ""] = l.split("\t");
    return { name: name.trim(), composeProject: composeProject.trim() };
  });
}

/** What `.lab/` holds besides the stacks' directories: never removed by a teardown. */
const LAB_OWN = ["state", "passphrase", "reports"];

/**
 * Only directories inside `<project>/.lab/` are ever removed (stateDir is user config), and
 * never the state backend, the passphrase or the CI reports, whatever a stack is called.
 */
export function removableStateDir(stateDir: string | undefined, projectDir: string): string | undefined {
  if (!stateDir) return undefined;
  const labRoot = path.join(projectDir, ".lab");
  const resolved = path.resolve(stateDir);
  const inside = path.relative(labRoot, resolved);
  if (!inside || inside.startsWith("..") || path.isAbsolute(inside)) return undefined;
  if (LAB_OWN.includes(inside.split(path.sep)[0] ?? "")) return undefined;
  return resolved;
}

export interface CleanupResult {
  removed: string[];
  /** What could not be removed or checked, each with the command that finishes the job. */
  leftovers: string[];
}

export async function runBackstop(
  target: CleanupTarget,
  opts: { keepData: boolean; projectDir: string },
  probe: HostProbe,
  log: (line: string) => void,
): Promise<CleanupResult> {
  const result: CleanupResult = { removed: [], leftovers: [] };
  const ok = (o: Awaited<ReturnType<HostProbe["run"]>>) => o !== "not-found" && o.code === 0;

  // kind clusters
  const listed = await probe.run("kind", ["get", "clusters"]);
  if (!ok(listed)) {
    const why = listed === "not-found" ? "kind is not installed" : "`kind get clusters` failed";
    for (const name of target.kindNames) {
      result.leftovers.push(
        `kind cluster ${name} could not be checked (${why}): run \`kind delete cluster --name ${name}\``,
      );
    }
  } else if (listed !== "not-found") {
    const existing = new Set(parseLines(listed.stdout));
    for (const name of target.kindNames.filter((n) => existing.has(n))) {
      log(`  kind delete cluster --name ${name}`);
      const args = ["delete", "cluster", "--name", name];
      if (target.stateDir) args.push("--kubeconfig", kindPaths(target.stateDir, name).kubeconfig);
      const deleted = await probe.run("kind", args, { timeoutMs: 180_000 });
      if (ok(deleted)) result.removed.push(`kind cluster ${name}`);
      else result.leftovers.push(`kind cluster ${name}: run \`kind delete cluster --name ${name}\``);
    }
  }

  // docker containers, networks, volumes
  const ps = await probe.run("docker", [
    "ps",
    "-a",
    "--format",
    '{{.Names}}\t{{.Label "com.docker.compose.project"}}',
  ]);
  if (!ok(ps) || ps === "not-found") {
    result.leftovers.push(
      `docker objects named ${target.namePrefix}querypie-* could not be checked (no Docker engine): ` +
        `run \`docker ps -a --filter name=${target.namePrefix}querypie-\` once the engine runs`,
    );
  } else {
    const networks = await probe.run("docker", ["network", "ls", "--format", "{{.Name}}"]);
    const volumes = await probe.run("docker", ["volume", "ls", "--format", "{{.Name}}"]);
    const plan = planDockerCleanup(
      {
        containers: parseContainers(ps.stdout),
        networks: networks !== "not-found" && networks.code === 0 ? parseLines(networks.stdout) : [],
        volumes: volumes !== "not-found" && volumes.code === 0 ? parseLines(volumes.stdout) : [],
      },
      target.namePrefix,
      opts.keepData,
    );
    const remove = async (kind: string, args: string[], names: string[]) => {
      if (names.length === 0) return;
      log(`  docker ${args.join(" ")} ${names.join(" ")}`);
      const r = await probe.run("docker", [...args, ...names], { timeoutMs: 120_000 });
      if (ok(r)) result.removed.push(...names.map((n) => `${kind} ${n}`));
      else
        result.leftovers.push(
          `${kind}s ${names.join(", ")}: run \`docker ${args.join(" ")} ${names.join(" ")}\``,
        );
    };
    // -v also drops the containers' anonymous volumes, which hold data too.
    await remove("container", opts.keepData ? ["rm", "-f"] : ["rm", "-f", "-v"], plan.containers);
    await remove("network", ["network", "rm"], plan.networks);
    await remove("volume", ["volume", "rm", "-f"], plan.volumes);
  }

  // state directory
  const dir = opts.keepData ? undefined : removableStateDir(target.stateDir, opts.projectDir);
  if (dir && fs.existsSync(dir)) {
    log(`  rm -r ${dir}`);
    fs.rmSync(dir, { recursive: true, force: true });
    result.removed.push(`directory ${dir}`);
  }
  return result;
}
