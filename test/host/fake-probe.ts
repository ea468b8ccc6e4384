/**
 * A HostProbe double: commands answer from a table (missing ones are `not-found`), ports are
 * free unless listed, /proc files come from a map. It records every call.
 */
import type { CommandOutcome, PortProbe } from "../../components/host/preflight";
import type { HostProbe } from "../../components/host/probe";

export interface FakeProbeSpec {
  platform?: NodeJS.Platform;
  /** Keyed by `command arg1 arg2...`, or by the command alone for any arguments. */
  commands?: Record<string, CommandOutcome | ((args: string[]) => CommandOutcome)>;
  busyPorts?: number[];
  files?: Record<string, string>;
}

export const HEALTHY: Required<Pick<FakeProbeSpec, "commands" | "files">> = {
  commands: {
    "docker info": { code: 0, stdout: "28.2.2|Ubuntu 24.04 LTS\n", stderr: "" },
    kind: { code: 0, stdout: "kind v0.29.0 go1.24.2 linux/amd64\n", stderr: "" },
    kubectl: { code: 0, stdout: "Client Version: v1.33.1\n", stderr: "" },
    pulumi: { code: 0, stdout: "v3.276.0\n", stderr: "" },
    docker: { code: 0, stdout: "", stderr: "" },
  },
  files: {
    "/proc/sys/fs/inotify/max_user_watches": "524288\n",
    "/proc/sys/fs/inotify/max_user_instances": "512\n",
  },
};

export const NO_ENGINE: CommandOutcome = {
  code: 1,
  stdout: "\n",
  stderr:
    "Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?\n",
};

export class FakeProbe implements HostProbe {
  readonly platform: NodeJS.Platform;
  readonly arch = "x64";
  readonly calls: string[] = [];
  constructor(private readonly spec: FakeProbeSpec) {
    this.platform = spec.platform ?? "linux";
  }

  async run(command: string, args: string[]): Promise<CommandOutcome> {
    const line = [command, ...args].join(" ");
    this.calls.push(line);
    const table = this.spec.commands ?? {};
    const key = Object.keys(table)
      .filter((k) => line === k || line.startsWith(`${k} `))
      .sort((a, b) => b.length - a.length)[0];
    if (key === undefined) return "not-found";
    const entry = table[key];
    return typeof entry === "function" ? entry(args) : (entry as CommandOutcome);
  }

  async probePort(port: number): Promise<PortProbe> {
    this.calls.push(`probe ${port}`);
    return (this.spec.busyPorts ?? []).includes(port) ? "in-use" : "free";
  }

  async readFile(path: string): Promise<string | undefined> {
    return this.spec.files?.[path];
  }
}
