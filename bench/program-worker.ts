/**
 * Builds the program for N clusters under Pulumi mocks in this fresh process and prints one line
 * `BENCH_RESULT <json>` (bench/program-run.ts). Usage: tsx bench/program-worker.ts <clusters>
 */
import { RESULT_PREFIX } from "./program-scale";
import { buildProgram } from "./program-run";

const n = Number(process.argv[2]);
buildProgram(n).then(
  (run) => {
    // Exit only once the whole line is out: a pipe takes large writes in pieces.
    process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(run)}\n`, () => process.exit(0));
  },
  (e: unknown) => {
    console.error(`program-worker: building the program for ${n} clusters failed: ${String(e)}`);
    process.exit(1);
  },
);
