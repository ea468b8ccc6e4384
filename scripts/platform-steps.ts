/**
 * The steps of the QueryPie install that Pulumi runs as command resources, so each one shows
 * in `pulumi up` and fails with a message that says what to do:
 *
 *   migrate    wait for the tools API, then run the schema migrations twice (as the vendor does)
 *   wait       wait for /readyz, then check the version and that the API has the /kac/ paths
 *   configure  upload the license, set the KAC proxy host, restart the app, wait again
 *
 * Inputs come from QP_* environment variables, never from arguments, so a secret never shows in
 * `ps`. Usage: tsx scripts/platform-steps.ts <migrate|wait|configure>
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { $ } from "zx";
import { kacProxyHostSql } from "../components/platform/platform-render";
import {
  checkKacApi,
  parseVersion,
  probe,
  readyzVerdict,
  toolsHealthVerdict,
  type ProbeAnswer,
  type Verdict,
} from "../components/platform/readiness";

const say = (line: string) => console.log(`[querypie] ${line}`);

export function requireEnv(env: NodeJS.ProcessEnv, name: string): string {
  const v = env[name];
  if (!v)
    throw new Error(`${name} is not set; this script is run by the AccessPlatform component, which sets it`);
  return v;
}

function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = Number(env[name] ?? fallback);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a number of seconds, got ${env[name]}`);
  return v;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `running`, `exited (1)`, ... or `missing`; never throws. */
export async function containerState(name: string): Promise<string> {
  const r = await $`docker inspect -f ${"{{.State.Status}} {{.State.ExitCode}}"} ${name}`.quiet().nothrow();
  if (r.exitCode !== 0) return "missing";
  const [status, code] = r.stdout.trim().split(" ");
  return status === "running" ? "running" : `${status} (exit code ${code})`;
}

export interface WaitOptions {
  url: string;
  /** Decides whether one answer counts as ready (components/platform/readiness.ts). */
  verdict: (answer: ProbeAnswer) => Verdict;
  /** Consecutive ready answers needed. */
  inARow: number;
  timeoutSeconds: number;
  intervalMs: number;
  /** Watched while waiting: a container that stopped will never answer. */
  container: string;
  what: string;
}

/** Polls until `url` is ready `inARow` times in a row; fails early if the container stopped. */
export async function waitUntilReady(o: WaitOptions): Promise<void> {
  const started = Date.now();
  const deadline = started + o.timeoutSeconds * 1000;
  let last = "no answer yet";
  let streak = 0;
  let polls = 0;
  say(`waiting for ${o.what} at ${o.url} (up to ${o.timeoutSeconds} s)`);
  while (Date.now() < deadline) {
    const v = o.verdict(await probe(o.url));
    last = v.detail;
    streak = v.ok ? streak + 1 : 0;
    if (streak >= o.inARow) {
      say(`${o.what} is ready after ${Math.round((Date.now() - started) / 1000)} s`);
      return;
    }
    if (++polls % 5 === 0) {
      const state = await containerState(o.container);
      if (state !== "running") {
        throw new Error(
          `The container ${o.container} is ${state}, so ${o.what} will never answer at ${o.url}. ` +
            `Read why: docker logs --tail 200 ${o.container}. Fix the cause, then run pulumi up again.`,
        );
      }
    }
    await sleep(o.intervalMs);
  }
  throw new Error(
    `${o.what} at ${o.url} was not ready after ${o.timeoutSeconds} s (last answer: ${last}). ` +
      `It is still starting or it failed. Read its log: docker logs --tail 200 ${o.container}. ` +
      `Then run pulumi up again; on a slow machine raise platform.readinessTimeoutSeconds.`,
  );
}

/** The major.minor.patch part of a version, which `/version` is expected to contain. */
export function versionCore(version: string): string {
  return /^\d+\.\d+\.\d+/.exec(version)?.[0] ?? version;
}

/**
 * Checks the running version, then the version gate (components/platform/readiness.ts): the
 * instance's API description must declare every KAC operation the client sends. When that
 * description needs a token and none is set yet, the gate is deferred to the next up, so the
 * bootstrap run still ends cleanly with the platform up.
 */
export async function checkVersionAndApi(env: NodeJS.ProcessEnv): Promise<void> {
  const url = requireEnv(env, "QP_URL");
  const expected = requireEnv(env, "QP_VERSION");
  const port = new URL(url).port;

  const v = parseVersion(await probe(`${url}/version`));
  if (!v.ok) {
    say(`could not read the version (${v.detail}); checking the API instead`);
  } else if (!v.version.includes(versionCore(expected))) {
    throw new Error(
      `The QueryPie at ${url} reports version ${v.version}, but this stack runs ${expected}: another QueryPie ` +
        `may hold port ${port}. Find it with docker ps --filter publish=${port}, stop it or change ` +
        `portOffset, then run pulumi up again.`,
    );
  } else {
    say(`version ${v.version}`);
  }

  const token = env.QP_API_TOKEN || undefined;
  if (!token) {
    const spec = await probe(`${url}/api/docs/specification/external-v2`, { timeoutMs: 30_000 });
    if (!("error" in spec) && (spec.status === 401 || spec.status === 403)) {
      say(
        `the API description needs a token (HTTP ${spec.status}); the KAC API check runs on the next up, once querypieApiToken is set`,
      );
      return;
    }
  }
  await checkKacApi(url, { version: expected, token });
  say("the external API serves every KAC operation the lab uses");
}

async function stepWait(env: NodeJS.ProcessEnv): Promise<void> {
  const url = requireEnv(env, "QP_URL");
  await waitUntilReady({
    url: `${url}/readyz`,
    verdict: readyzVerdict,
    inARow: 1,
    timeoutSeconds: seconds(env, "QP_TIMEOUT_SECONDS", 600),
    intervalMs: Number(env.QP_POLL_MS ?? 2000),
    container: requireEnv(env, "QP_APP_CONTAINER"),
    what: "QueryPie",
  });
  await checkVersionAndApi(env);
}

/** The last lines of a long output, for an error or a log line. */
export function tail(text: string, lines = 15): string {
  return text.trimEnd().split("\n").slice(-lines).join("\n");
}

async function stepMigrate(env: NodeJS.ProcessEnv): Promise<void> {
  const tools = requireEnv(env, "QP_TOOLS_CONTAINER");
  const timeout = seconds(env, "QP_TIMEOUT_SECONDS", 600);
  await waitUntilReady({
    url: `${requireEnv(env, "QP_TOOLS_URL")}/health`,
    verdict: toolsHealthVerdict,
    inARow: 3,
    timeoutSeconds: timeout,
    intervalMs: Number(env.QP_POLL_MS ?? 1000),
    container: tools,
    what: "the QueryPie tools API",
  });
  // The vendor runs the migrations twice: the second run completes what the first could not.
  for (const run of [1, 2]) {
    say(`running /app/script/migrate.sh runall in ${tools} (run ${run} of 2)`);
    const r = await $`docker exec ${tools} /app/script/migrate.sh runall`
      .quiet()
      .nothrow()
      .timeout(`${timeout * 2}s`);
    const output = r.stdout + r.stderr;
    if (env.QP_LOG_DIR) {
      fs.mkdirSync(env.QP_LOG_DIR, { recursive: true });
      const file = path.join(env.QP_LOG_DIR, `querypie-migrate.${run}.log`);
      fs.writeFileSync(file, output);
      say(`full output in ${file}`);
    }
    if (r.exitCode !== 0) {
      throw new Error(
        `The QueryPie migrations failed in ${tools} (run ${run} of 2, exit code ${r.exitCode}). Last lines:\n` +
          `${tail(output)}\nRead more: docker logs --tail 200 ${tools}; the app was not started. ` +
          `Fix the cause, then run pulumi up again.`,
      );
    }
    say(`run ${run} done; last lines:\n${tail(output, 5)}`);
  }
}

async function uploadLicense(toolsUrl: string, file: string): Promise<void> {
  const form = new FormData();
  form.append("file", new Blob([fs.readFileSync(file)]), path.basename(file));
  say(`uploading the license ${file} to ${toolsUrl}/license/upload`);
  const r = await fetch(`${toolsUrl}/license/upload`, {
    method: "POST",
    body: form,
    signal: AbortSignal.timeout(30_000),
  });
  if (!r.ok) {
    const body = (await r.text()).slice(0, 300);
    throw new Error(
      `The license upload answered HTTP ${r.status}: ${body}. Check that ${file} is the Community license ` +
        `file QueryPie sent you, or upload it in the web UI and unset platform.licenseFile.`,
    );
  }
  say(`license accepted (HTTP ${r.status})`);
}

/** Verdict on the rows `SELECT host FROM k_proxy_setting` printed after the update. */
export function kacHostVerdict(rows: string, host: string): { ok: boolean; message: string } {
  const hosts = rows
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  if (hosts.length === 0) {
    return { ok: false, message: "querypie.k_proxy_setting has no row, so there was nothing to update" };
  }
  const wrong = hosts.filter((h) => h !== `https://${host}`);
  if (wrong.length > 0) return { ok: false, message: `k_proxy_setting still says ${wrong.join(", ")}` };
  return { ok: true, message: `KAC proxy host is https://${host}` };
}

async function setKacProxyHost(mysql: string, host: string): Promise<void> {
  say(`setting the KAC proxy host to https://${host} in ${mysql}`);
  // The password comes from the container's own environment, so it is in no command line.
  const r = await $({
    input: kacProxyHostSql(host),
  })`docker exec -i ${mysql} sh -c ${'MYSQL_PWD="$MYSQL_PASSWORD" exec mysql -u"$MYSQL_USER" --batch --skip-column-names'}`
    .quiet()
    .nothrow()
    .timeout("60s");
  if (r.exitCode !== 0) {
    throw new Error(
      `Could not update querypie.k_proxy_setting in ${mysql} (exit code ${r.exitCode}): ${tail(r.stderr, 5)}. ` +
        `Unset platform.kacProxyHost and add the printed hosts-file line instead, or check docker logs ${mysql}.`,
    );
  }
  const verdict = kacHostVerdict(r.stdout, host);
  if (!verdict.ok) {
    throw new Error(
      `${verdict.message}. Unset platform.kacProxyHost and add the printed hosts-file line instead.`,
    );
  }
  say(verdict.message);
}

async function stepConfigure(env: NodeJS.ProcessEnv): Promise<void> {
  const app = requireEnv(env, "QP_APP_CONTAINER");
  if (env.QP_LICENSE_FILE) await uploadLicense(requireEnv(env, "QP_TOOLS_URL"), env.QP_LICENSE_FILE);
  if (env.QP_KAC_PROXY_HOST)
    await setKacProxyHost(requireEnv(env, "QP_MYSQL_CONTAINER"), env.QP_KAC_PROXY_HOST);
  say(`restarting ${app} so it reads the new settings`);
  const r = await $`docker restart ${app}`.quiet().nothrow().timeout("120s");
  if (r.exitCode !== 0) {
    throw new Error(
      `docker restart ${app} failed: ${tail(r.stderr, 5)}. Restart it by hand, then run pulumi up again.`,
    );
  }
  await stepWait(env);
}

export const STEPS = { migrate: stepMigrate, wait: stepWait, configure: stepConfigure } as const;

async function main(): Promise<void> {
  const step = process.argv[2] as keyof typeof STEPS;
  if (!(step in STEPS)) {
    throw new Error(`usage: tsx scripts/platform-steps.ts <${Object.keys(STEPS).join("|")}>`);
  }
  await STEPS[step](process.env);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(`[querypie] ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  });
}
