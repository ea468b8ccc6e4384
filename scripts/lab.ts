/**
 * npm run lab -- <up|down|status|smoke|render|preflight|ci> [--stack <name>] [options]
 * The whole lab lifecycle through the Pulumi Automation API; see docs/lifecycle.md.
 * Logic: components/lab/.
 */
import { labMain } from "../components/lab/main";
import { realLabDeps } from "../components/lab/real-deps";

labMain(process.argv.slice(2), realLabDeps())
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    console.error(`lab: ${(e as Error).message}`);
    process.exit(1);
  });
