import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { loadLabConfig } from "../../components/config";
import { ENCRYPTION_KEY_PLACEHOLDER } from "../../components/kind/encryption";
import { renderKindConfig } from "../../components/kind/render";
import { EXIT, USAGE, main } from "../../scripts/render";

const PROJECT = path.resolve(__dirname, "..", "..");
let tmp: string;
let lines: { out: string[]; err: string[] };
const io = {
  log: (l: string) => lines.out.push(l),
  error: (l: string) => lines.err.push(l),
};

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
  fs.mkdirSync(path.join(tmp, "stacks"));
  lines = { out: [], err: [] };
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

function stack(name: string, yamlConfig: string): void {
  fs.writeFileSync(path.join(tmp, "stacks", `Pulumi.${name}.yaml`), `config:\n${yamlConfig}`);
}
const opts = () => ({ stacksDir: path.join(tmp, "stacks"), projectDir: tmp });

describe("npm run render (main)", () => {
  test("writes <kindName>.kind.yaml per cluster, exactly what kind create receives, and exits 0", () => {
    stack("dev", "  kind-access-lab:namePrefix: alice-\n  kind-access-lab:portOffset: 100\n");
    const code = main(["--stack", "dev", "--out", "out"], io, opts());
    expect(code).toBe(EXIT.ok);
    expect(fs.readdirSync(path.join(tmp, "out")).sort()).toEqual([
      "alice-cluster1.encryption-config.yaml",
      "alice-cluster1.kind.yaml",
      "alice-cluster2.encryption-config.yaml",
      "alice-cluster2.kind.yaml",
    ]);
    const lab = loadLabConfig({ namePrefix: "alice-", portOffset: 100 }, { stack: "dev", projectDir: tmp });
    expect(fs.readFileSync(path.join(tmp, "out", "alice-cluster1.kind.yaml"), "utf8")).toBe(
      renderKindConfig(lab.clusters[0], {
        encryptionHostDir: path.join(tmp, ".lab", "dev", "alice-cluster1", "encryption"),
      }),
    );
    expect(lines.out).toContain(`render: wrote ${path.join(tmp, "out", "alice-cluster1.kind.yaml")}`);
    expect(lines.out).toContain(
      `  kubectl --kubeconfig ${path.join(tmp, ".lab", "dev", "alice-cluster1", "kubeconfig")} get nodes   # context kind-alice-cluster1`,
    );
  });

  test("the encryption config shows only the placeholder, never a key", () => {
    stack("lab", "");
    expect(main(["--stack", "lab", "--out", "out"], io, opts())).toBe(EXIT.ok);
    const enc = fs.readFileSync(path.join(tmp, "out", "cluster1.encryption-config.yaml"), "utf8");
    expect(enc).toContain(ENCRYPTION_KEY_PLACEHOLDER);
    expect(enc).toContain("kind: EncryptionConfiguration");
  });

  test("without --out the files go to <stateDir>/rendered", () => {
    stack("lab", "");
    expect(main(["--stack", "lab"], io, opts())).toBe(EXIT.ok);
    expect(fs.existsSync(path.join(tmp, ".lab", "lab", "rendered", "cluster2.kind.yaml"))).toBe(true);
  });

  test("bad config prints every validation message, writes nothing and exits 1", () => {
    stack(
      "bad",
      [
        "  kind-access-lab:clusters:",
        "    - name: cluster1",
        "      serviceSubnet: 10.97.0.0/12",
        "    - name: Cluster2",
        "",
      ].join("\n"),
    );
    const code = main(["--stack", "bad", "--out", "out"], io, opts());
    expect(code).toBe(EXIT.problem);
    expect(lines.err.join("\n")).toBe(
      [
        'The lab config of stack "bad" has 2 problems; nothing was created.',
        '  - kind-access-lab:clusters[0].serviceSubnet = "10.97.0.0/12": has host bits set, so kind would silently use 10.96.0.0/12. Fix: write "10.96.0.0/12", or "10.97.0.0/16" if you meant a range starting at 10.97.0.0.',
        `  - kind-access-lab:clusters[1].name = "Cluster2": gives the kind name "Cluster2", which kind or Docker rejects: names must match ^[a-z0-9.-]+$ and start with a letter or digit. Fix: use lower-case letters, digits, '.' and '-', e.g. "cluster2".`,
      ].join("\n"),
    );
    expect(fs.existsSync(path.join(tmp, "out"))).toBe(false);
  });

  test("an unknown stack names the stacks that exist and exits 1", () => {
    stack("lab", "");
    expect(main(["--stack", "nope", "--out", "out"], io, opts())).toBe(EXIT.problem);
    expect(lines.err).toEqual([
      `render: No stack config at ${path.join(tmp, "stacks", "Pulumi.nope.yaml")}. Known stacks: lab. Pass --stack with one of them, or create the file (see stacks/Pulumi.dev.example.yaml).`,
    ]);
  });

  test.each([
    [[], "render: --stack is required"],
    [["--stack", "lab", "--outdir", "x"], "render: unknown argument --outdir"],
    [["--stack", "lab", "extra"], "render: unknown argument extra"],
    [["--stack", "lab", "--out"], "render: --out needs a directory"],
  ])("usage error for %j: exit 2 with the usage line", (argv, first) => {
    expect(main(argv, io, opts())).toBe(EXIT.usage);
    expect(lines.err).toEqual([`${first}\n${USAGE}`]);
  });
});

describe("npm run render (the real command line)", () => {
  test("the lab stack renders cluster1 and cluster2 through tsx, exit 0", () => {
    const out = path.join(tmp, "x");
    const res = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/render.ts", "--stack", "lab", "--out", out],
      {
        cwd: PROJECT,
        encoding: "utf8",
      },
    );
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    expect(
      fs
        .readdirSync(out)
        .filter((f) => f.endsWith(".kind.yaml"))
        .sort(),
    ).toEqual(["cluster1.kind.yaml", "cluster2.kind.yaml"]);
  });

  test("an unknown stack exits 1 through tsx", () => {
    const res = spawnSync(
      process.execPath,
      [require.resolve("tsx/cli"), "scripts/render.ts", "--stack", "nope"],
      {
        cwd: PROJECT,
        encoding: "utf8",
      },
    );
    expect(res.status).toBe(1);
    expect(res.stderr).toContain("No stack config at");
  });
});
