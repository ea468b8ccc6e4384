import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { ensurePassphraseFile, exportLines, resolveBackend } from "../../components/lab/backend";
import {
  badSlotDistances,
  choosePortOffset,
  fnv1a,
  maxSlot,
  portsAt,
  slotFamily,
  slotOrder,
} from "../../components/lab/ports";

const LAB_PORTS = [6444, 8080, 6445, 8081, 8000, 8443, 9000, 6443, 7447, 8050];
const none = async () => [] as number[];

describe("port offsets", () => {
  test("fnv1a is the standard 32-bit FNV-1a", () => {
    expect(fnv1a("")).toBe(0x811c9dc5);
    expect(fnv1a("a")).toBe(0xe40c292c);
    expect(fnv1a("foobar")).toBe(0xbf9cf968);
  });

  test("slots keep every port below Linux's ephemeral range (32768)", () => {
    const slots = maxSlot(LAB_PORTS);
    expect(slots).toBe(237);
    expect(Math.max(...portsAt(LAB_PORTS, slots * 100))).toBeLessThan(32768);
  });

  test("the seed's ports collide at slot distances 10 (8000/9000) and 20 (6443/8443)", () => {
    expect([...badSlotDistances(LAB_PORTS)].sort((a, b) => a - b)).toEqual([10, 20]);
  });

  test("the slot family is 0-9, 30-39, 60-69, ...: no two members share a port", () => {
    const family = slotFamily(maxSlot(LAB_PORTS), badSlotDistances(LAB_PORTS));
    expect(family.slice(0, 12)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 30, 31]);
    for (const a of family) {
      const ports = new Set(portsAt(LAB_PORTS, a * 100));
      for (const b of family.filter((x) => x > a)) {
        for (const p of portsAt(LAB_PORTS, b * 100)) expect(ports.has(p)).toBe(false);
      }
    }
  });

  test("slot 0 (the lab's own ports) is never offered, and every other member is offered once", () => {
    const family = slotFamily(237, new Set([10, 20]));
    const order = slotOrder("dev-alice", family);
    expect(order).not.toContain(0);
    expect(new Set(order).size).toBe(family.length - 1);
  });

  test("the same stack name always gets the same offset", async () => {
    const a = await choosePortOffset({
      stack: "dev-alice",
      basePorts: LAB_PORTS,
      reserved: new Set(),
      inUse: none,
    });
    const b = await choosePortOffset({
      stack: "dev-alice",
      basePorts: LAB_PORTS,
      reserved: new Set(),
      inUse: none,
    });
    expect(a.offset).toBe(b.offset);
    expect(a.offset % 100).toBe(0);
  });

  test("a slot whose ports are in use on this host is passed over, with the reason", async () => {
    const first = (
      await choosePortOffset({ stack: "dev-alice", basePorts: LAB_PORTS, reserved: new Set(), inUse: none })
    ).offset;
    const busy = first + 6444;
    const choice = await choosePortOffset({
      stack: "dev-alice",
      basePorts: LAB_PORTS,
      reserved: new Set(),
      inUse: async (ports) => ports.filter((p) => p === busy),
    });
    expect(choice.offset).toBe(first + 100);
    expect(choice.skipped).toEqual([{ offset: first, reason: `ports ${busy} are in use on this host` }]);
  });

  test("a slot that collides with another stack's configured ports is passed over, even while that stack is down", async () => {
    const first = (
      await choosePortOffset({ stack: "dev-bob", basePorts: LAB_PORTS, reserved: new Set(), inUse: none })
    ).offset;
    const otherStackPorts = new Set(portsAt(LAB_PORTS, first).slice(0, 1));
    const choice = await choosePortOffset({
      stack: "dev-bob",
      basePorts: LAB_PORTS,
      reserved: otherStackPorts,
      inUse: none,
    });
    expect(choice.offset).not.toBe(first);
    expect(choice.skipped[0]?.reason).toBe(`ports ${first + 6444} belong to another stack's config`);
  });

  test("two developers on one host never share a port: the second moves past the first's ports", async () => {
    const alice = await choosePortOffset({
      stack: "dev-alice",
      basePorts: LAB_PORTS,
      reserved: new Set(LAB_PORTS),
      inUse: none,
    });
    const reserved = new Set([...LAB_PORTS, ...portsAt(LAB_PORTS, alice.offset)]);
    for (const other of ["dev-bob", "dev-carol", "dev-dave", "dev-erin", "dev-frank"]) {
      const choice = await choosePortOffset({ stack: other, basePorts: LAB_PORTS, reserved, inUse: none });
      for (const p of portsAt(LAB_PORTS, choice.offset)) expect(reserved.has(p)).toBe(false);
    }
  });

  test("when every slot is taken the error says so", async () => {
    await expect(
      choosePortOffset({ stack: "dev-x", basePorts: [30000], reserved: new Set(), inUse: async (p) => p }),
    ).rejects.toThrow('no free port offset for stack "dev-x": every slot of 100 ports collides');
  });
});

describe("state backend and passphrase", () => {
  const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "lab-backend-"));

  test("defaults: a file backend in .lab/state and a passphrase file, both passed as environment variables", () => {
    const dir = tmp();
    const s = resolveBackend(dir, {});
    expect(s.envVars).toEqual({
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_BACKEND_URL: `file://${path.join(dir, ".lab", "state")}`,
      PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, ".lab", "passphrase"),
    });
    expect(fs.statSync(path.join(dir, ".lab", "state")).isDirectory()).toBe(true);
    expect(exportLines(s)).toEqual([
      `export PULUMI_BACKEND_URL="file://${path.join(dir, ".lab", "state")}"`,
      `export PULUMI_CONFIG_PASSPHRASE_FILE="${path.join(dir, ".lab", "passphrase")}"`,
    ]);
  });

  test.skipIf(process.platform === "win32")(
    "the passphrase file is owner-only (0600) and holds 32 random bytes",
    () => {
      const dir = tmp();
      resolveBackend(dir, {});
      const file = path.join(dir, ".lab", "passphrase");
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(Buffer.from(fs.readFileSync(file, "utf8"), "base64url")).toHaveLength(32);
    },
  );

  test("the passphrase is made once: a second run keeps it", () => {
    const dir = tmp();
    resolveBackend(dir, {});
    const first = fs.readFileSync(path.join(dir, ".lab", "passphrase"), "utf8");
    resolveBackend(dir, {});
    expect(fs.readFileSync(path.join(dir, ".lab", "passphrase"), "utf8")).toBe(first);
  });

  test.skipIf(process.platform === "win32")(
    "a passphrase file others may read is made owner-only again",
    () => {
      const file = path.join(tmp(), "passphrase");
      fs.writeFileSync(file, "x", { mode: 0o644 });
      fs.chmodSync(file, 0o644);
      ensurePassphraseFile(file);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.readFileSync(file, "utf8")).toBe("x");
    },
  );

  test("PULUMI_BACKEND_URL overrides the file backend; nothing is created for it", () => {
    const dir = tmp();
    const s = resolveBackend(dir, { PULUMI_BACKEND_URL: "s3://team-bucket/lab" });
    expect(s.envVars.PULUMI_BACKEND_URL).toBeUndefined(); // the CLI reads the caller's own variable
    expect(s.describe.backend).toBe("s3://team-bucket/lab (from PULUMI_BACKEND_URL)");
    expect(fs.existsSync(path.join(dir, ".lab", "state"))).toBe(false);
  });

  test.each([
    [{ PULUMI_CONFIG_PASSPHRASE: "team-secret" }, "PULUMI_CONFIG_PASSPHRASE"],
    [{ PULUMI_CONFIG_PASSPHRASE: "" }, "PULUMI_CONFIG_PASSPHRASE"],
    [
      { PULUMI_CONFIG_PASSPHRASE_FILE: "/run/secrets/p" },
      "/run/secrets/p (from PULUMI_CONFIG_PASSPHRASE_FILE)",
    ],
  ])("%j overrides the generated passphrase, which is then not made", (env, described) => {
    const dir = tmp();
    const s = resolveBackend(dir, env);
    expect(s.envVars.PULUMI_CONFIG_PASSPHRASE_FILE).toBeUndefined();
    expect(s.describe.passphrase).toBe(described);
    expect(JSON.stringify(s)).not.toContain("team-secret");
    expect(fs.existsSync(path.join(dir, ".lab", "passphrase"))).toBe(false);
  });
});
