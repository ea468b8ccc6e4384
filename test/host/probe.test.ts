import * as net from "node:net";
import { describe, expect, test } from "vitest";
import { realHostProbe } from "../../components/host/probe";

describe("the real host probe", () => {
  test("a port something listens on is in use; once closed it is free", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    expect(await realHostProbe.probePort(port, "127.0.0.1", "TCP")).toBe("in-use");
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(await realHostProbe.probePort(port, "127.0.0.1", "TCP")).toBe("free");
  });

  test("a command that is not on PATH is not-found, not an exception", async () => {
    expect(await realHostProbe.run("kind-access-lab-no-such-tool", ["version"])).toBe("not-found");
  });

  test("a command that runs reports its exit code and output", async () => {
    const outcome = await realHostProbe.run("node", ["-e", "console.log('v1.2.3'); process.exit(3)"]);
    expect(outcome).toEqual({ code: 3, stdout: "v1.2.3\n", stderr: "" });
  });

  test("an unreadable file reads as undefined", async () => {
    expect(await realHostProbe.readFile("/nonexistent/kind-access-lab")).toBeUndefined();
  });
});
