/**
 * npm run smoke -- --stack <stack> [--junit f] [--markdown f] [--json]
 *
 * Runs the Kubernetes the Hard Way smoke suite against a stack's clusters outside `pulumi up`
 * (or against one cluster: the form the SmokeSuite component runs). Exit codes: 0 passed,
 * 1 a check failed or errored, 2 usage or setup problem (missing kubeconfig, no kubectl...).
 * Progress and the table go to stderr when --json owns stdout.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { which } from "zx";
import { loadLabConfig } from "../components/config";
import { readStackFile } from "../components/config/raw";
import { SMOKE_DEFAULTS } from "../components/config/smoke";
import {
  exitCodeFor,
  parseCli,
  planSingle,
  planStack,
  UsageError,
  USAGE,
  type Plan,
} from "../components/smoke/cli";
import { exitWhenFlushed } from "../components/smoke/exit";
import { kubectlAdapter } from "../components/smoke/kubectl-adapter";
import { QueryPieClient } from "../components/platform/client";
import { accessProbeFromClient } from "../components/smoke/platform-probe";
import { renderJUnit, renderMarkdown, renderTable, formatDuration } from "../components/smoke/report";
import { runSuites, type SuiteOptions } from "../components/smoke/runner";

async function main(): Promise<number> {
  const opts = parseCli(process.argv.slice(2));
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const say = (line: string) => (opts.json ? process.stderr : process.stdout).write(line + "\n");

  const plan: Plan = opts.stack
    ? planStack(
        opts,
        loadLabConfig(readStackFile(opts.stack), { stack: opts.stack }),
        process.env,
        fs.existsSync,
      )
    : planSingle(opts, SMOKE_DEFAULTS, process.env, fs.existsSync);
  for (const tool of ["kubectl", "docker"]) {
    if (!(await which(tool, { nothrow: true }))) {
      plan.problems.push(
        `${tool} is not on PATH: the smoke checks run kubectl and docker exec (see docs/smoke.md)`,
      );
    }
  }
  if (plan.problems.length) {
    process.stderr.write(`smoke: cannot run:\n${plan.problems.map((p) => `  - ${p}`).join("\n")}\n`);
    return 2;
  }

  // A kubeconfig handed over in the environment goes to a private temporary file, removed at the end.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lab-smoke-"));
  try {
    const suites: SuiteOptions[] = plan.targets.map((t) => {
      let file: string;
      if ("file" in t.kubeconfig) file = t.kubeconfig.file;
      else {
        file = path.join(tmp, `${t.cluster}.kubeconfig`);
        fs.writeFileSync(file, process.env[t.kubeconfig.env] as string, { mode: 0o600 });
      }
      return {
        cluster: t.cluster,
        adapter: kubectlAdapter({ kubeconfigFile: file }),
        checkTimeoutMs: plan.checkTimeoutMs,
        suiteTimeoutMs: plan.suiteTimeoutMs,
        skip: plan.skip,
        platform:
          "skipReason" in t.platform
            ? t.platform
            : {
                probe: accessProbeFromClient(
                  new QueryPieClient({ baseUrl: t.platform.baseUrl, token: t.platform.token }),
                ),
                loginId: t.platform.loginId,
                clusterName: t.platform.clusterName,
              },
        onResult: (cluster, r) =>
          process.stderr.write(
            `[${cluster}] ${r.id}: ${r.status} (${formatDuration(r.durationMs)}) ${r.message}\n`,
          ),
      };
    });
    process.stderr.write(
      `smoke: checking ${plan.targets.map((t) => t.cluster).join(", ")} ` +
        `(per check ${plan.checkTimeoutMs / 1000} s, per cluster ${plan.suiteTimeoutMs / 1000} s)\n`,
    );
    const report = await runSuites(suites);

    say("");
    say(renderTable(report));
    if (opts.junit) {
      fs.writeFileSync(opts.junit, renderJUnit(report));
      say(`JUnit XML: ${opts.junit}`);
    }
    if (opts.markdown) {
      fs.appendFileSync(opts.markdown, renderMarkdown(report));
      say(`Markdown summary: ${opts.markdown}`);
    }
    if (opts.json) process.stdout.write(JSON.stringify(report) + "\n");
    return exitCodeFor(report, opts.noFail);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

// Not process.exit: the JSON report on stdout must reach the SmokeSuite's pipe whole.
main().then(
  (code) => exitWhenFlushed(code),
  (e: unknown) => {
    if (e instanceof UsageError) process.stderr.write(`smoke: ${e.message}\n\n${USAGE}\n`);
    else process.stderr.write(`smoke: ${e instanceof Error ? e.message : String(e)}\n`);
    exitWhenFlushed(2);
  },
);
