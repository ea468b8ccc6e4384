/**
 * npm run preflight -- [--stack <name>] [--no-platform]
 * Checks the host can run the lab: Docker engine, kind, kubectl, Pulumi CLI, free host ports,
 * inotify limits. One line per check; exit 2 when any fails. Logic: components/host/.
 */
import { preflightCommand } from "../components/host/preflight-command";
import { realHostProbe } from "../components/host/probe";

preflightCommand(process.argv.slice(2), { probe: realHostProbe, log: (line) => console.log(line) })
  .then((code) => process.exit(code))
  .catch((e: unknown) => {
    console.error(`preflight: ${(e as Error).message}`);
    process.exit(1);
  });
