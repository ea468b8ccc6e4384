import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { parseContainers, planDockerCleanup, removableStateDir } from "../../components/lab/cleanup";
import { resolveStackName } from "../../components/lab/naming";
import { applyStackPlan, planStack, reservedPortsOfOtherStacks } from "../../components/lab/stack-config";
import { FakeProbe, HEALTHY } from "../host/fake-probe";
import { FakeWorkspace } from "./fakes";

const LAB_FILE = path.resolve(__dirname, "..", "..", "stacks", "Pulumi.lab.yaml");

function project(extra: Record<string, string> = {}) {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-stack-"));
  const stacksDir = path.join(projectDir, "stacks");
  fs.mkdirSync(stacksDir);
  fs.copyFileSync(LAB_FILE, path.join(stacksDir, "Pulumi.lab.yaml"));
  for (const [name, text] of Object.entries(extra)) fs.writeFileSync(path.join(stacksDir, name), text);
  return { projectDir, stacksDir, deps: { probe: new FakeProbe(HEALTHY), stacksDir, projectDir } };
}

const EXAMPLE = `config:
  kind-access-lab:namePrefix: example-
  kind-access-lab:portOffset: 100
  kind-access-lab:clusters:
    - name: cluster1
      role: production
      apiServerPort: 6444
      podSubnet: 10.240.0.0/16
      serviceSubnet: 10.96.0.0/16
`;

describe("dev and ci stack config", () => {
  test("a new dev stack starts from the committed example, with its own prefix and offset", async () => {
    const p = project({ "Pulumi.dev.example.yaml": EXAMPLE });
    const plan = await planStack(resolveStackName("dev-alice", "x"), { noPlatform: false }, p.deps);
    expect(path.basename(plan.templateFile ?? "")).toBe("Pulumi.dev.example.yaml");
    expect(plan.config.namePrefix).toBe("alice-");
    expect(plan.config.clusters.map((c) => c.kindName)).toEqual(["alice-cluster1"]);
    expect(plan.config.portOffset).not.toBe(100);
    expect(plan.settings.map((s) => s.key)).toEqual(["namePrefix", "portOffset"]);
  });

  test("without the example the lab's file is the template", async () => {
    const p = project();
    const plan = await planStack(resolveStackName("dev-alice", "x"), { noPlatform: false }, p.deps);
    expect(path.basename(plan.templateFile ?? "")).toBe("Pulumi.lab.yaml");
    expect(plan.config.clusters.map((c) => c.kindName)).toEqual(["alice-cluster1", "alice-cluster2"]);
  });

  test("a ci stack starts from stacks/Pulumi.ci.yaml when there is one", async () => {
    const p = project({ "Pulumi.ci.yaml": EXAMPLE, "Pulumi.dev.example.yaml": EXAMPLE });
    const plan = await planStack(resolveStackName("ci-1-abcdef", "x"), { noPlatform: false }, p.deps);
    expect(path.basename(plan.templateFile ?? "")).toBe("Pulumi.ci.yaml");
    expect(plan.config.namePrefix).toBe("ci-abcdef-");
  });

  test("an existing dev stack keeps the offset `pulumi config set` stored (as a string), so its ports do not move", async () => {
    const lab = fs
      .readFileSync(LAB_FILE, "utf8")
      .replace(/^ *kind-access-lab:(namePrefix|portOffset):.*\n/gm, "");
    const p = project({
      "Pulumi.dev-alice.yaml": lab.replace(
        "config:\n",
        'config:\n  kind-access-lab:namePrefix: alice-\n  kind-access-lab:portOffset: "1700"\n',
      ),
    });
    const plan = await planStack(resolveStackName("dev-alice", "x"), { noPlatform: false }, p.deps);
    expect(plan.config.portOffset).toBe(1700);
    expect(plan.settings).toEqual([]);
    expect(plan.templateFile).toBeUndefined();
  });

  test("other stacks' configured ports are reserved; examples and the stack itself are not", () => {
    const p = project({
      "Pulumi.dev.example.yaml": EXAMPLE,
      "Pulumi.dev-bob.yaml": EXAMPLE.replace("example-", "bob-"),
    });
    const reserved = reservedPortsOfOtherStacks("dev-alice", p.stacksDir, p.projectDir);
    expect(reserved.has(6444)).toBe(true); // lab
    expect(reserved.has(6544)).toBe(true); // dev-bob at offset 100
    expect(reservedPortsOfOtherStacks("lab", p.stacksDir, p.projectDir).has(6444)).toBe(false);
  });

  test("applying the plan writes the stack file from the template, creates the stack, then sets the values", async () => {
    const p = project({ "Pulumi.dev.example.yaml": EXAMPLE });
    const plan = await planStack(resolveStackName("dev-alice", "x"), { noPlatform: true }, p.deps);
    const journal: string[] = [];
    await applyStackPlan(plan, new FakeWorkspace(journal));
    const file = fs.readFileSync(path.join(p.stacksDir, "Pulumi.dev-alice.yaml"), "utf8");
    expect(file).toBe(
      '# Stack "dev-alice", made by `npm run lab` from Pulumi.dev.example.yaml.\n' +
        "# namePrefix and portOffset are derived for this stack and set with `pulumi config set`.\n" +
        EXAMPLE.replace("  kind-access-lab:namePrefix: example-\n  kind-access-lab:portOffset: 100\n", ""),
    );
    expect(journal).toEqual([
      "createOrSelectStack dev-alice",
      "setConfig dev-alice kind-access-lab:namePrefix=alice-",
      `setConfig dev-alice kind-access-lab:portOffset=${plan.config.portOffset}`,
      "setConfig dev-alice kind-access-lab:platform.enabled=false --path",
    ]);
  });

  test("a named stack that does not exist is a config error naming the stacks there are", async () => {
    const p = project();
    await expect(
      planStack(resolveStackName("staging", "x"), { noPlatform: false }, p.deps),
    ).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining("Known stacks: lab."),
    });
  });
});

test("a stack file half made (the stack could not be created) is removed again", async () => {
  const p = project({ "Pulumi.dev.example.yaml": EXAMPLE });
  const plan = await planStack(resolveStackName("dev-alice", "x"), { noPlatform: false }, p.deps);
  const workspace = new FakeWorkspace([]);
  workspace.createOrSelectStack = async () => {
    throw new Error("backend unreachable");
  };
  await expect(applyStackPlan(plan, workspace)).rejects.toThrow("backend unreachable");
  expect(fs.existsSync(plan.stackFile)).toBe(false);
});

describe("teardown backstop decisions", () => {
  const listing = {
    containers: parseContainers(
      "alice-querypie-app\t\nalice-querypie-mysql\t\nquerypie-app-1\tquerypie\nbob-querypie-app\t\nalice-cluster1-control-plane\t\n",
    ),
    networks: ["bridge", "kind", "alice-querypie-db", "bob-querypie-db"],
    volumes: ["alice-querypie-mysql-data", "bob-querypie-mysql-data"],
  };

  test("only the stack's own prefixed objects are removed, never a compose install or another stack's", () => {
    expect(planDockerCleanup(listing, "alice-", false)).toEqual({
      containers: ["alice-querypie-app", "alice-querypie-mysql"],
      networks: ["alice-querypie-db"],
      volumes: ["alice-querypie-mysql-data"],
    });
  });

  test("--keep-data keeps the volumes", () => {
    expect(planDockerCleanup(listing, "alice-", true).volumes).toEqual([]);
  });

  test("the lab stack's empty prefix matches querypie-* but not a docker compose install of QueryPie", () => {
    expect(planDockerCleanup(listing, "", false).containers).toEqual([]);
  });

  test.each<[string | undefined, string | undefined]>([
    ["/p/.lab/dev-alice", "/p/.lab/dev-alice"],
    ["/p/.lab/state", undefined],
    ["/p/.lab/passphrase", undefined],
    ["/p/.lab/reports", undefined],
    ["/p/.lab/state/sub", undefined],
    ["/p/.lab/a/b", "/p/.lab/a/b"],
    ["/p/.labx/a", undefined],
    ["/p/.lab", undefined],
    ["/home/alice", undefined],
    ["/p/.lab/../src", undefined],
    [undefined, undefined],
  ])("state directory %j may be removed: %j", (dir, want) => {
    expect(removableStateDir(dir, "/p")).toBe(want);
  });
});
