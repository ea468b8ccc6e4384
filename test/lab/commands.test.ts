import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { labMain } from "../../components/lab/main";
import { HEALTHY, NO_ENGINE } from "../host/fake-probe";
import { harness } from "./fakes";

const ev = (urn: string, type: string, kind: "pre" | "out", op = "create") => {
  const metadata = { op, urn, type, provider: "" } as never;
  return kind === "pre"
    ? { sequence: 1, timestamp: 0, resourcePreEvent: { metadata } }
    : { sequence: 2, timestamp: 0, resOutputsEvent: { metadata } };
};

describe("lab up", () => {
  test("runs preflight, then up, then smoke, then prints the summary, in that order", async () => {
    const h = harness();
    h.workspace.upEvents = [
      ev("urn:pulumi:lab::kind-access-lab::lab:index:KindCluster::cluster1", "lab:index:KindCluster", "pre"),
      ev("urn:pulumi:lab::kind-access-lab::lab:index:KindCluster::cluster1", "lab:index:KindCluster", "out"),
    ];
    const code = await labMain(["up"], h.deps);
    expect(code).toBe(0);
    expect(h.journal.filter((l) => !l.startsWith("stackInfo"))).toEqual([
      "preflight docker",
      "preflight pulumi",
      "createOrSelectStack lab",
      "up lab",
      "script smoke --stack lab",
    ]);
    const text = h.text();
    expect(text.indexOf("Preflight passed")).toBeLessThan(text.indexOf("[0:00] clusters: started"));
    expect(text).toContain("[0:00] clusters: created KindCluster cluster1");
    expect(text.indexOf('Lab "lab" is up')).toBeGreaterThan(text.indexOf("clusters: created"));
    expect(text).toContain("cluster1 (kind cluster1): https://127.0.0.1:6444, context kind-cluster1");
    expect(text).toContain(
      `KUBECONFIG=${path.join(h.projectDir, ".lab", "lab", "cluster1", "kubeconfig")} kubectl get nodes`,
    );
    expect(text).toContain("QueryPie: http://127.0.0.1:8000");
    expect(h.lines.at(-1)).toBe("Smoke suite: see its table above (`npm run smoke`, exit 0)");
  });

  test("smoke results already in the stack outputs are shown, and the smoke script is not run again", async () => {
    const h = harness();
    h.workspace.upOutputs = {
      smoke: {
        value: { cluster1: { checks: [{ id: "deployment", status: "passed", durationMs: 1200 }] } },
        secret: false,
      },
      smokePassed: { value: true, secret: false },
    };
    expect(await labMain(["up"], h.deps)).toBe(0);
    expect(h.journal.some((l) => l.startsWith("script smoke"))).toBe(false);
    expect(h.text()).toContain("Smoke: read from the stack outputs.");
    expect(h.text()).toMatch(/deployment\s+passed 1\.2s/);
  });

  test("stops at preflight with exit 2 and creates nothing when the Docker engine, kind and Pulumi are missing", async () => {
    const h = harness({
      probe: { ...HEALTHY, commands: { "docker info": NO_ENGINE, kubectl: HEALTHY.commands.kubectl! } },
    });
    expect(await labMain(["up"], h.deps)).toBe(2);
    expect(h.journal.some((l) => /createOrSelectStack|^up /.test(l))).toBe(false);
    const text = h.text();
    expect(text).toContain("FAIL Docker engine: the docker CLI is installed but no Docker engine is running");
    expect(text).toContain("FAIL kind: not installed");
    expect(text).toContain("FAIL Pulumi CLI: not installed");
    expect(text).toContain(
      "Nothing was created. Fix the lines marked FAIL, then run `npm run lab -- up --stack lab` again.",
    );
    expect(fs.existsSync(path.join(h.projectDir, ".lab", "passphrase"))).toBe(false);
    expect(text).not.toMatch(/\n\s+at /);
  });

  test("a failed up exits 4, names the phase and the engine's error, and does not run smoke", async () => {
    const h = harness();
    h.workspace.upBehaviour = "fail";
    h.workspace.upEvents = [
      ev(
        "urn:pulumi:lab::kind-access-lab::lab:index:KindCluster$command:local:Command::c1",
        "command:local:Command",
        "pre",
      ),
      {
        sequence: 3,
        timestamp: 0,
        resOpFailedEvent: {
          metadata: {
            op: "create",
            urn: "urn:pulumi:lab::kind-access-lab::lab:index:KindCluster$command:local:Command::c1",
            type: "command:local:Command",
            provider: "",
          },
          status: 1,
          steps: 1,
        },
      } as never,
    ];
    expect(await labMain(["up"], h.deps)).toBe(4);
    expect(h.text()).toContain("pulumi up failed in phase clusters after 0:00:");
    expect(h.text()).toContain("  up went wrong: kind create cluster exited 1");
    expect(h.journal.some((l) => l.startsWith("script smoke"))).toBe(false);
  });

  test("a failed smoke exits 5 after the summary", async () => {
    const h = harness();
    h.smokeCodes.push(1);
    expect(await labMain(["up"], h.deps)).toBe(5);
    expect(h.text()).toContain("Smoke: `npm run smoke`, exit 1.");
  });

  test("--no-smoke skips the smoke step", async () => {
    const h = harness();
    expect(await labMain(["up", "--no-smoke"], h.deps)).toBe(0);
    expect(h.journal.some((l) => l.startsWith("script smoke"))).toBe(false);
  });

  test("the backend and passphrase go to the workspace as environment variables", async () => {
    const h = harness();
    await labMain(["up"], h.deps);
    expect(h.workspace.envVars.PULUMI_BACKEND_URL).toBe(`file://${path.join(h.projectDir, ".lab", "state")}`);
    expect(h.workspace.envVars.PULUMI_CONFIG_PASSPHRASE_FILE).toBe(
      path.join(h.projectDir, ".lab", "passphrase"),
    );
  });

  test("an interrupt during up asks Pulumi to stop and exits 130 with what to do next", async () => {
    const h = harness();
    h.workspace.upBehaviour = "hang-until-abort";
    h.workspace.onOperationStart = () => setImmediate(() => h.signals.emit("SIGINT"));
    expect(await labMain(["up"], h.deps)).toBe(130);
    expect(h.text()).toContain("SIGINT: asking Pulumi to stop after the steps in flight...");
    expect(h.text()).toContain("remove it with `npm run lab -- down --stack lab`");
    expect(h.signals.listenerCount("SIGINT")).toBe(0);
  });

  test("in a terminal, Ctrl-C reached Pulumi already: the first is not passed on (nor its npm echo), a second one is", async () => {
    const h = harness();
    let clock = 1_000_000;
    h.deps.now = () => clock;
    h.deps.interactive = true;
    h.workspace.upBehaviour = "hang-until-abort";
    h.workspace.onOperationStart = () =>
      setImmediate(() => {
        h.signals.emit("SIGINT");
        h.signals.emit("SIGINT"); // the same Ctrl-C, forwarded by npm
        clock += 2_000;
        h.signals.emit("SIGINT");
      });
    expect(await labMain(["up"], h.deps)).toBe(130);
    expect(h.lines.filter((l) => l.startsWith("SIGINT"))).toEqual([
      "SIGINT: Pulumi got it too and stops after the steps in flight; press Ctrl-C again to stop it at once.",
      "SIGINT: asking Pulumi to stop at once...",
    ]);
  });

  test("--no-platform on a named stack is refused: it would change a committed file", async () => {
    const h = harness();
    expect(await labMain(["up", "--no-platform"], h.deps)).toBe(64);
    expect(h.text()).toContain('--no-platform would change the config of stack "lab" for good.');
  });

  test("an invalid stack config exits 3 with every problem and creates nothing", async () => {
    const h = harness();
    fs.writeFileSync(
      path.join(h.stacksDir, "Pulumi.bad.yaml"),
      "config:\n  kind-access-lab:portOffset: -1\n",
    );
    expect(await labMain(["up", "--stack", "bad"], h.deps)).toBe(3);
    expect(h.text()).toContain("kind-access-lab:portOffset = -1: must be a whole number from 0 to 50000");
    expect(h.journal).toEqual([]);
  });
});

describe("lab up --stack dev: a developer's own stack", () => {
  test("gets namePrefix <user>- and a port offset, set through the workspace, and its own stack file", async () => {
    const h = harness();
    expect(await labMain(["up", "--stack", "dev"], h.deps)).toBe(0);
    const sets = h.journal.filter((l) => l.startsWith("setConfig"));
    expect(sets[0]).toBe("setConfig dev-alice kind-access-lab:namePrefix=alice-");
    expect(sets[1]).toMatch(/^setConfig dev-alice kind-access-lab:portOffset=\d+00$/);
    const file = fs.readFileSync(path.join(h.stacksDir, "Pulumi.dev-alice.yaml"), "utf8");
    expect(file).toContain('# Stack "dev-alice", made by `npm run lab` from Pulumi.lab.yaml.');
    expect(h.text()).toContain("cluster1 (kind alice-cluster1): https://127.0.0.1:");
    expect(h.text()).toContain("context kind-alice-cluster1");
  });

  test("two developers get different prefixes and offsets", async () => {
    const offsets: string[] = [];
    for (const user of ["alice", "bob"]) {
      const h = harness({ env: { USER: user } });
      await labMain(["up", "--stack", "dev"], h.deps);
      offsets.push(h.journal.find((l) => l.includes("portOffset=")) ?? "");
    }
    expect(offsets[0]).not.toBe(offsets[1]);
  });
});

describe("lab down", () => {
  test("destroys the stack, then the backstop finds nothing left", async () => {
    const h = harness();
    await labMain(["up"], h.deps);
    h.journal.length = 0;
    expect(await labMain(["down"], h.deps)).toBe(0);
    expect(h.journal.filter((l) => !l.startsWith("stackInfo"))).toEqual(["preflight pulumi", "destroy lab"]);
    expect(h.text()).toContain("Backstop: nothing was left.");
  });

  test("when destroy fails, the backstop still deletes the kind clusters; exit 4", async () => {
    const h = harness();
    await labMain(["up"], h.deps);
    h.workspace.destroyBehaviour = "fail";
    h.journal.length = 0;
    expect(await labMain(["down", "--rm"], h.deps)).toBe(4);
    expect(h.journal).toContain(
      `kind delete cluster --name cluster1 --kubeconfig ${path.join(h.projectDir, ".lab", "lab", "cluster1", "kubeconfig")}`,
    );
    expect(h.journal.some((l) => l.startsWith("removeStack"))).toBe(false);
    expect(h.text()).toContain('Not removing stack "lab": its destroy failed');
  });

  test("--rm removes the stack but keeps a named stack's file", async () => {
    const h = harness();
    await labMain(["up"], h.deps);
    expect(await labMain(["down", "--rm"], h.deps)).toBe(0);
    expect(h.journal).toContain("removeStack lab force=false preserveConfig=true");
  });

  test("--keep-data leaves the data volumes out of the destroy (and in the state, for the next up)", async () => {
    const h = harness();
    await labMain(["up"], h.deps);
    const volume =
      "urn:pulumi:lab::kind-access-lab::lab:index:AccessPlatform$docker:index/volume:Volume::querypie-data";
    h.workspace.resourceList = [
      { urn: volume, type: "docker:index/volume:Volume", custom: true },
      {
        urn: "urn:pulumi:lab::kind-access-lab::lab:index:KindCluster::cluster1",
        type: "lab:index:KindCluster",
        custom: false,
      },
    ];
    h.journal.length = 0;
    expect(await labMain(["down", "--keep-data"], h.deps)).toBe(0);
    expect(h.journal).toContain(`destroy lab --exclude ${volume}`);
    expect(h.text()).toContain(
      'Down: destroying stack "lab" (kind clusters included; keeping 1 data volume(s) for the next up).',
    );
  });

  test("status after --keep-data: not up, the kept volumes named, no stale summary from the last outputs", async () => {
    const h = harness();
    h.workspace.upOutputs = { querypie: { value: { webUrl: "http://127.0.0.1:8000" }, secret: false } };
    await labMain(["up"], h.deps);
    expect(await labMain(["down", "--keep-data"], h.deps)).toBe(0);
    // Pulumi keeps the volume with its provider, its parents and the stack (and its outputs).
    expect(h.workspace.resourceList.map((r) => r.type)).toEqual([
      "pulumi:pulumi:Stack",
      "pulumi:providers:docker",
      "lab:index:KindCluster",
      "lab:index:AccessPlatform",
      "docker:index/volume:Volume",
    ]);
    h.lines.length = 0;
    h.journal.length = 0;
    expect(await labMain(["status"], h.deps)).toBe(0);
    expect(h.lines.at(-1)).toBe(
      'Stack "lab" is not up; its 1 data volume(s), kept by `down --keep-data`, wait for the next up. Bring it up with `npm run lab -- up --stack lab`.',
    );
    expect(h.text()).not.toContain("QueryPie:");
    expect(h.journal).not.toContain("outputs lab");
  });

  test("a missing Pulumi CLI gives one message with the install command, exit 2, no stack trace", async () => {
    const h = harness({
      probe: { ...HEALTHY, commands: { "docker info": HEALTHY.commands["docker info"]! } },
    });
    expect(await labMain(["down"], h.deps)).toBe(2);
    expect(h.lines).toEqual([
      "lab: The Pulumi CLI is not installed, and this command needs it. Fix: install the Pulumi CLI: `curl -fsSL https://get.pulumi.com | sh` (or `brew install pulumi/tap/pulumi`; see https://www.pulumi.com/docs/iac/download-install/); no account is needed, the lab keeps its state in .lab/.",
    ]);
  });

  test("without a Docker engine or kind the backstop says what it could not check; exit 6", async () => {
    const h = harness({
      probe: { ...HEALTHY, commands: { pulumi: HEALTHY.commands.pulumi!, "docker ps": NO_ENGINE } },
    });
    expect(await labMain(["down"], h.deps)).toBe(6);
    expect(h.text()).toContain(
      "left behind: kind cluster cluster1 could not be checked (kind is not installed): run `kind delete cluster --name cluster1`",
    );
    expect(h.text()).toContain(
      "left behind: docker objects named querypie-* could not be checked (no Docker engine)",
    );
  });
});

describe("lab status", () => {
  test('says "not up" for a stack that does not exist', async () => {
    const h = harness();
    expect(await labMain(["status"], h.deps)).toBe(0);
    expect(h.text()).toContain('Stack "lab" is not up. Bring it up with `npm run lab -- up --stack lab`.');
  });

  test("summarises an up stack from its outputs, never printing a secret", async () => {
    const h = harness();
    await labMain(["up"], h.deps);
    h.workspace.upOutputs = {
      platform: {
        value: { webUrl: "http://127.0.0.1:8000", nextSteps: "Log in as qp-admin\nSet the token" },
        secret: false,
      },
      kubeconfigs: { value: "apiVersion: v1\nusers: []", secret: true },
    };
    h.lines.length = 0;
    expect(await labMain(["status"], h.deps)).toBe(0);
    const text = h.text();
    expect(text).toContain('Stack "lab" is up (12 resources).');
    expect(text).toContain("QueryPie: http://127.0.0.1:8000");
    expect(text).toContain("Next steps:\n  Log in as qp-admin\n  Set the token");
    expect(text).toContain("Secret outputs (not shown): kubeconfigs");
    expect(text).not.toContain("apiVersion: v1");
  });
});

describe("lab smoke, render, preflight", () => {
  test("smoke and render hand --stack and the rest of the arguments to the scripts", async () => {
    const h = harness();
    expect(await labMain(["render", "--stack", "lab", "--out", "/tmp/x"], h.deps)).toBe(0);
    expect(await labMain(["smoke", "--", "--junit", "r.xml"], h.deps)).toBe(0);
    expect(h.journal).toEqual([
      "script render --stack lab --out /tmp/x",
      "script smoke --stack lab --junit r.xml",
    ]);
  });

  test("a script that is not in the checkout yet is said plainly", async () => {
    const h = harness();
    h.scripts.delete("render");
    expect(await labMain(["render"], h.deps)).toBe(1);
    expect(h.lines).toEqual([
      "lab: scripts/render.ts is not in this checkout, so `npm run render` cannot run.",
    ]);
  });

  test("preflight through the lab exits 2 on a failure", async () => {
    const h = harness({ probe: { ...HEALTHY, commands: { ...HEALTHY.commands, "docker info": NO_ENGINE } } });
    expect(await labMain(["preflight"], h.deps)).toBe(2);
    expect(h.text()).toContain("FAIL Docker engine");
  });
});

describe("unexpected errors", () => {
  test("print the message without a stack trace, exit 1", async () => {
    const h = harness();
    h.workspace.createOrSelectStack = async () => {
      throw new Error("backend exploded\nsecond line");
    };
    expect(await labMain(["up"], h.deps)).toBe(1);
    expect(h.lines.slice(-3)).toEqual([
      "lab: backend exploded",
      "  second line",
      "Run again with LAB_DEBUG=1 for the stack trace.",
    ]);
  });
});
