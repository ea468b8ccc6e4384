/**
 * The host, behind a small interface: run a command, try a port, read a /proc file. The real
 * probe uses zx and node:net; tests use a fake. Nothing here decides anything.
 */
import * as dgram from "node:dgram";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import { $, which } from "zx";
import type { CommandOutcome, PortProbe } from "./preflight";

export interface HostProbe {
  platform: NodeJS.Platform;
  arch: string;
  /** Runs `command args...` without a shell; `not-found` when it is not on PATH. */
  run(command: string, args: string[], opts?: { timeoutMs?: number }): Promise<CommandOutcome>;
  /** Tries to bind the port on the address, then lets it go at once. */
  probePort(port: number, address: string, protocol: "TCP" | "UDP"): Promise<PortProbe>;
  /** A file's text, or undefined when it cannot be read. */
  readFile(path: string): Promise<string | undefined>;
}

function tcpProbe(port: number, address: string): Promise<PortProbe> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", (err: NodeJS.ErrnoException) => {
      resolve(err.code === "EADDRINUSE" ? "in-use" : { error: err.code ?? err.message });
    });
    server.listen({ port, host: address, exclusive: true }, () => {
      server.close(() => resolve("free"));
    });
  });
}

function udpProbe(port: number, address: string): Promise<PortProbe> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(address.includes(":") ? "udp6" : "udp4");
    socket.unref();
    socket.once("error", (err: NodeJS.ErrnoException) => {
      socket.close();
      resolve(err.code === "EADDRINUSE" ? "in-use" : { error: err.code ?? err.message });
    });
    socket.bind({ port, address, exclusive: true }, () => {
      socket.close(() => resolve("free"));
    });
  });
}

export const realHostProbe: HostProbe = {
  platform: process.platform,
  arch: os.arch(),
  async run(command, args, opts) {
    const found = await which(command, { nothrow: true });
    if (!found) return "not-found";
    const result = await $({
      nothrow: true,
      quiet: true,
      timeout: opts?.timeoutMs ?? 30_000,
    })`${found} ${args}`;
    return { code: result.exitCode ?? 1, stdout: result.stdout, stderr: result.stderr };
  },
  probePort(port, address, protocol) {
    return protocol === "UDP" ? udpProbe(port, address) : tcpProbe(port, address);
  },
  async readFile(path) {
    try {
      return await fs.promises.readFile(path, "utf8");
    } catch {
      return undefined;
    }
  },
};
