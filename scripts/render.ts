/**
 * npm run render -- --stack <stack> [--out <dir>]
 *
 * Writes, without Docker or the Pulumi CLI, what `pulumi up` would hand kind for every
 * cluster of the stack: `<dir>/<kindName>.kind.yaml` (byte for byte what `kind create
 * cluster --config -` receives) and `<dir>/<kindName>.encryption-config.yaml` (with the key
 * shown as a placeholder; the real key exists only as a Pulumi secret). The stack's config
 * is validated first: problems are printed, all at once, and the exit code is 1.
 * Default --out: `<stateDir>/rendered`. Exit codes: 0 written, 1 config or file problem, 2 usage.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { minimist } from "zx";
import { LabConfigError, loadLabConfig } from "../components/config";
import { STACKS_DIR, readStackFile, stackFilePath } from "../components/config/raw";
import { ENCRYPTION_KEY_PLACEHOLDER, renderEncryptionConfig } from "../components/kind/encryption";
import { kindPaths } from "../components/kind/paths";
import { renderKindConfig } from "../components/kind/render";

export const USAGE = "usage: npm run render -- --stack <stack> [--out <dir>]";

export interface RenderIo {
  log(line: string): void;
  error(line: string): void;
}

export interface RenderOptions {
  /** Where the stack files are. Default: the project's `stacks/`. */
  stacksDir?: string;
  /** Base for a relative stateDir and --out. Default: the project directory. */
  projectDir?: string;
}

export const EXIT = { ok: 0, problem: 1, usage: 2 } as const;

export function main(argv: string[], io: RenderIo = console, opts: RenderOptions = {}): number {
  const unknown: string[] = [];
  const args = minimist(argv, {
    string: ["stack", "out"],
    boolean: ["help"],
    alias: { h: "help" },
    unknown: (a: string) => {
      if (a.startsWith("-")) unknown.push(a);
      return !a.startsWith("-");
    },
  });
  if (args.help) {
    io.log(USAGE);
    return EXIT.ok;
  }
  if (unknown.length > 0 || args._.length > 0) {
    io.error(`render: unknown argument ${[...unknown, ...args._].join(" ")}\n${USAGE}`);
    return EXIT.usage;
  }
  if (!args.stack) {
    io.error(`render: --stack is required\n${USAGE}`);
    return EXIT.usage;
  }
  if (args.out === "") {
    io.error(`render: --out needs a directory\n${USAGE}`);
    return EXIT.usage;
  }

  const stacksDir = opts.stacksDir ?? STACKS_DIR;
  let lab;
  try {
    io.log(`render: reading ${path.relative(process.cwd(), stackFilePath(args.stack, stacksDir)) || "."}`);
    lab = loadLabConfig(readStackFile(args.stack, stacksDir), {
      stack: args.stack,
      projectDir: opts.projectDir,
    });
  } catch (e) {
    io.error(e instanceof LabConfigError ? e.message : `render: ${(e as Error).message}`);
    return EXIT.problem;
  }

  const out = path.resolve(opts.projectDir ?? process.cwd(), args.out ?? path.join(lab.stateDir, "rendered"));
  try {
    fs.mkdirSync(out, { recursive: true });
    for (const cluster of lab.clusters) {
      const paths = kindPaths(lab.stateDir, cluster.kindName);
      const kindFile = path.join(out, `${cluster.kindName}.kind.yaml`);
      fs.writeFileSync(kindFile, renderKindConfig(cluster, { encryptionHostDir: paths.encryptionDir }));
      io.log(`render: wrote ${kindFile}`);
      const encFile = path.join(out, `${cluster.kindName}.encryption-config.yaml`);
      fs.writeFileSync(encFile, renderEncryptionConfig(ENCRYPTION_KEY_PLACEHOLDER));
      io.log(
        `render: wrote ${encFile} (key shown as a placeholder; up writes it to ${paths.encryptionConfig})`,
      );
    }
  } catch (e) {
    io.error(`render: cannot write to ${out}: ${(e as Error).message}`);
    return EXIT.problem;
  }
  io.log(
    `render: ${lab.clusters.length} cluster(s) of stack "${lab.stack}". After pulumi up, each has its own kubeconfig:`,
  );
  for (const c of lab.clusters) {
    io.log(
      `  kubectl --kubeconfig ${kindPaths(lab.stateDir, c.kindName).kubeconfig} get nodes   # context kind-${c.kindName}`,
    );
  }
  return EXIT.ok;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
