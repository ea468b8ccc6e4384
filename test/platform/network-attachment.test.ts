import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, test } from "vitest";
import { validatePlatform } from "../../components/config/platform";
import { Problems } from "../../components/config/problems";
import { CONNECT_SCRIPT, DISCONNECT_SCRIPT } from "../../components/platform/kind-network-attachment";
import { installMocks, settle, valueOf, type Mocks } from "../support/pulumi-mocks";
import { platformStateFor } from "./access-platform-mocks";

// Two clusters and the platform, wired as stacks/index.ts does.
class FakeCluster extends pulumi.ComponentResource {
  constructor(name: string) {
    super("test:index:KindCluster", name, {});
    new FakeNode(`${name}-create`, { parent: this });
    this.registerOutputs({});
  }
}
class FakeNode extends pulumi.CustomResource {
  constructor(name: string, opts: pulumi.CustomResourceOptions) {
    super("test:index:KindCreate", name, {}, opts);
  }
}

type Attachment = InstanceType<
  typeof import("../../components/platform/kind-network-attachment").PlatformNetworkAttachment
>;
let mocks: Mocks;
let attachment: Attachment;

beforeAll(async () => {
  // setMocks must take effect before the component modules load.
  mocks = await installMocks({ stateFor: platformStateFor });
  const { AccessPlatform } = await import("../../components/platform/access-platform");
  const { PlatformNetworkAttachment } = await import("../../components/platform/kind-network-attachment");
  const clusters = [new FakeCluster("cluster1"), new FakeCluster("cluster2")];
  const platform = new AccessPlatform("qp", {
    platform: validatePlatform({}, { namePrefix: "bob-", portOffset: 0 }, new Problems()),
    namePrefix: "bob-",
  });
  attachment = new PlatformNetworkAttachment(
    "qp-kind",
    { containerName: platform.appContainerName, containerId: platform.appContainerId },
    { dependsOn: [platform, ...clusters] },
  );
  await valueOf(attachment.containerName);
  await settle();
});

describe("PlatformNetworkAttachment wiring", () => {
  test("the connect step waits for the platform and both clusters", () => {
    const deps = mocks.byName("qp-kind-connect").deps;
    expect(deps).toEqual(
      expect.arrayContaining(["cluster1-create", "cluster2-create", "qp-app", "qp-ready"]),
    );
  });

  test("the platform does not wait for the clusters", () => {
    const fromPlatform = mocks.registered.filter(
      (r) => r.name.startsWith("qp-") && !r.name.startsWith("qp-kind"),
    );
    for (const r of fromPlatform) {
      expect(r.deps.filter((d) => d.startsWith("cluster"))).toEqual([]);
    }
  });

  test("it joins the network kind by default, with names passed in the environment", () => {
    expect(mocks.byName("qp-kind-connect").inputs).toMatchObject({
      create: CONNECT_SCRIPT,
      delete: DISCONNECT_SCRIPT,
      environment: { LAB_NETWORK: "kind", LAB_CONTAINER: "bob-querypie-app" },
    });
  });

  test("a replaced app container is connected again, disconnecting the old one first", () => {
    expect(mocks.byName("qp-kind-connect").inputs.triggers).toEqual([
      "kind",
      "bob-querypie-app",
      "qp-app-id",
    ]);
    expect(mocks.byName("qp-kind-connect").deleteBeforeReplace).toBe(true);
  });

  test("outputs name the network and container, nothing secret", async () => {
    expect(await valueOf(attachment.network)).toBe("kind");
    expect(await valueOf(attachment.containerName)).toBe("bob-querypie-app");
    expect(await pulumi.isSecret(attachment.containerName)).toBe(false);
  });
});

// The scripts run for real against a fake `docker` that answers like the daemon does.
describe.each([
  ["connect", CONNECT_SCRIPT],
  ["disconnect", DISCONNECT_SCRIPT],
])("the %s script", (verb, script) => {
  function runWith(dockerStderr: string, dockerExit: number) {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), "fake-docker-"));
    fs.writeFileSync(
      path.join(bin, "docker"),
      `#!/bin/sh\necho "$*" > "${bin}/argv"\nprintf '%s\\n' '${dockerStderr}' >&2\nexit ${dockerExit}\n`,
      { mode: 0o755 },
    );
    const r = spawnSync("/bin/sh", ["-c", script], {
      env: { PATH: `${bin}:${process.env.PATH}`, LAB_NETWORK: "kind", LAB_CONTAINER: "bob-querypie-app" },
      encoding: "utf8",
    });
    return { ...r, argv: fs.readFileSync(path.join(bin, "argv"), "utf8").trim() };
  }

  test(`passes the network and container to docker network ${verb}`, () => {
    const r = runWith("", 0);
    expect(r.status).toBe(0);
    expect(r.argv).toBe(`network ${verb} kind bob-querypie-app`);
  });

  const tolerated =
    verb === "connect"
      ? ["Error response from daemon: endpoint with name bob-querypie-app already exists in network kind"]
      : [
          "Error response from daemon: container 3f2a is not connected to network kind",
          "Error response from daemon: No such container: bob-querypie-app",
          "Error response from daemon: network kind not found",
        ];
  test.each(tolerated)("succeeds when docker says %j (nothing to do)", (stderr) => {
    const r = runWith(stderr, 1);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/already on|nothing to undo/);
  });

  test("fails on any other docker error, passing docker's message on", () => {
    const r = runWith("Cannot connect to the Docker daemon at unix:///var/run/docker.sock", 1);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("Cannot connect to the Docker daemon");
  });
});

test("the connect failure message says where the kind network comes from", () => {
  expect(CONNECT_SCRIPT).toContain("kind creates that network with the first cluster");
});
