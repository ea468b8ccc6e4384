/**
 * npm run bench [-- --sizes 2,8,32] [--repeat 2]
 *
 * Measures what decides how long `pulumi up` takes and what a re-run costs, without Docker:
 * the program built under Pulumi mocks (one fresh process per size), its critical path in the
 * step model (bench/step-model.ts), QueryPie requests against the test server, and the smoke
 * runner on a fake cluster. Prints the tables and writes bench/results.json (git-ignored).
 * The logic lives in bench/*.ts; see docs/performance.md for the model and what it assumes.
 */
import * as os from "node:os";
import * as path from "node:path";
import { $, echo, fs, minimist } from "zx";
import { measureApiCost } from "../bench/api-cost";
import { fastestRun, parseWorkerOutput, type ProgramRun } from "../bench/program-scale";
import { buildResults, renderResults } from "../bench/report";
import { measureSmoke } from "../bench/smoke-bench";

const ROOT = path.resolve(__dirname, "..");
const RESULTS = path.join(ROOT, "bench", "results.json");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const USAGE = "usage: npm run bench [-- --sizes 2,8,32] [--repeat 2]";
/** Repeat builds (the fastest of them is kept) only while the bench is younger than this. */
const REPEAT_BUDGET_MS = 45_000;

async function main(): Promise<void> {
  const started = performance.now();
  const args = minimist(process.argv.slice(2), { string: ["sizes", "repeat"] });
  const sizes = String(args.sizes ?? "2,8,32")
    .split(",")
    .map(Number);
  const repeat = Number(args.repeat ?? 2);
  if (
    !sizes.every((n) => Number.isInteger(n) && n >= 1 && n <= 32) ||
    !(Number.isInteger(repeat) && repeat >= 1)
  ) {
    throw new Error(`${USAGE}: sizes are cluster counts from 1 to 32, repeat a count of at least 1`);
  }
  const since = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;

  const runs: ProgramRun[] = [];
  for (const n of sizes) {
    const builds: ProgramRun[] = [];
    for (let i = 1; i <= repeat; i++) {
      if (i > 1 && performance.now() - started > REPEAT_BUDGET_MS) {
        echo(
          `bench: [${since()}] no further build of ${n} clusters: past ${REPEAT_BUDGET_MS / 1000} s, the bench keeps under two minutes`,
        );
        break;
      }
      echo(
        `bench: [${since()}] building the program for ${n} clusters under Pulumi mocks, ${i} of ${repeat} (tsx bench/program-worker.ts ${n})`,
      );
      const out = await $({ cwd: ROOT })`${TSX} bench/program-worker.ts ${n}`.quiet();
      builds.push(parseWorkerOutput(out.stdout, n));
    }
    runs.push(fastestRun(builds));
  }

  const apiCost = [];
  for (const n of sizes) {
    echo(
      `bench: [${since()}] applying ${n} clusters' QueryPie objects against the test server: first, no change, one change`,
    );
    apiCost.push(await measureApiCost(n));
  }

  echo(
    `bench: [${since()}] running the smoke suite on the fake cluster adapter: parallel, serial, clusters at once`,
  );
  const smoke = await measureSmoke(0.01, sizes);

  const results = buildResults({
    runs,
    apiCost,
    smoke,
    host: { cpus: os.cpus().length, node: process.version, platform: `${process.platform} ${process.arch}` },
    now: new Date(),
  });
  results.benchSeconds = Math.round((performance.now() - started) / 100) / 10;
  echo("");
  echo(renderResults(results));
  echo("");
  await fs.writeFile(RESULTS, JSON.stringify(results, null, 2) + "\n");
  echo(
    `bench: wrote ${path.relative(process.cwd(), RESULTS)}; the whole bench took ${results.benchSeconds} s on ${results.host.cpus} CPUs`,
  );
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
