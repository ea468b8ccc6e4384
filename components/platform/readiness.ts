/**
 * Is QueryPie up, which version is it, and does it serve the KAC API the client needs?
 *
 * Pure verdicts over recorded answers (`ProbeAnswer`) decide; thin probes (global fetch with a
 * timeout) only fetch. The waits are bounded and report progress; their errors say what to look at
 * (`docker logs <container>`) and what to do. Like the client, this file imports only `./client`
 * and Node globals, so it can run inside a Pulumi dynamic provider or a step script.
 */
import { QUERYPIE_OPERATIONS } from "./client";

/** One HTTP answer as a probe saw it, or why there was none. Recorded fixtures have this shape. */
export type ProbeAnswer = { status: number; body: string } | { error: string };

export type Verdict = { ok: true; detail: string } | { ok: false; detail: string };

/** The paths and methods the client uses; all must be in the instance's API description. */
export function requiredOperations(): { method: string; path: string }[] {
  return Object.values(QUERYPIE_OPERATIONS).map(({ method, path }) => ({ method, path }));
}

/** `GET /readyz`: 200 means ready; anything else (or no answer) means not yet. */
export function readyzVerdict(answer: ProbeAnswer): Verdict {
  if ("error" in answer) return { ok: false, detail: `no answer (${answer.error})` };
  if (answer.status === 200) return { ok: true, detail: "ready" };
  return { ok: false, detail: `HTTP ${answer.status}${snippet(answer.body)}` };
}

/** The tools container's `GET :8050/health`: 200 means it can run migrations and license uploads. */
export function toolsHealthVerdict(answer: ProbeAnswer): Verdict {
  if ("error" in answer) return { ok: false, detail: `no answer (${answer.error})` };
  if (answer.status === 200) return { ok: true, detail: "healthy" };
  return { ok: false, detail: `HTTP ${answer.status}${snippet(answer.body)}` };
}

export type VersionVerdict = { ok: true; version: string } | { ok: false; detail: string };

/** `GET /version` answers `{"version": "..."}`. */
export function parseVersion(answer: ProbeAnswer): VersionVerdict {
  if ("error" in answer) return { ok: false, detail: `no answer (${answer.error})` };
  if (answer.status !== 200) return { ok: false, detail: `HTTP ${answer.status}${snippet(answer.body)}` };
  try {
    const v = (JSON.parse(answer.body) as { version?: unknown } | null)?.version;
    if (typeof v === "string" && v.trim() !== "") return { ok: true, version: v.trim() };
  } catch {
    // fall through
  }
  return { ok: false, detail: `expected {"version": "..."}, got${snippet(answer.body) || " an empty body"}` };
}

export type GateVerdict = { ok: true } | { ok: false; missing: string[]; message: string };

/**
 * The version gate: the instance's own API description (`/api/docs/specification/external-v2`)
 * must declare every KAC operation the client sends. Older versions (such as the seed's
 * 11.0.1-beta) may lack them.
 */
export function versionGateVerdict(spec: unknown, version: string | undefined): GateVerdict {
  const name = version ? `QueryPie ${version}` : "This QueryPie (version unknown)";
  const fix =
    "upgrade the image: `pulumi config set --path platform.version 11.4.1` (a version whose API matches the vendor file), then `pulumi up`";
  const paths = (spec as { paths?: unknown } | null)?.paths;
  if (!paths || typeof paths !== "object") {
    return {
      ok: false,
      missing: [],
      message: `${name} answered /api/docs/specification/external-v2 with something that is not an OpenAPI document, so the lab cannot confirm it serves the KAC API. Check the URL, or ${fix}.`,
    };
  }
  const missing = requiredOperations()
    .filter(
      ({ method, path }) => !(paths as Record<string, Record<string, unknown>>)[path]?.[method.toLowerCase()],
    )
    .map(({ method, path }) => `${method} ${path}`);
  if (missing.length === 0) return { ok: true };
  const total = requiredOperations().length;
  const shown = missing.slice(0, 3).join(", ") + (missing.length > 3 ? ", ..." : "");
  return {
    ok: false,
    missing,
    message: `${name} does not serve the KAC API this lab uses: its /api/docs/specification/external-v2 lacks ${missing.length} of ${total} operations (${shown}). Registering clusters and seeding access would fail. Fix: ${fix}.`,
  };
}

function snippet(body: string): string {
  const text = body.replace(/\s+/g, " ").trim();
  if (!text) return "";
  return `: ${text.length > 120 ? `${text.slice(0, 120)}...` : text}`;
}

// ---- Thin probes ----

export interface ProbeOptions {
  /** Per-request timeout. Default 5000 ms. */
  timeoutMs?: number;
  /** Extra headers (e.g. Authorization). */
  headers?: Record<string, string>;
  /** For tests. Default the global fetch. */
  fetch?: typeof fetch;
}

/** GET `url`; never throws: failures become `{error}`. */
export async function probe(url: string, options: ProbeOptions = {}): Promise<ProbeAnswer> {
  const controller = new AbortController();
  const timeoutMs = options.timeoutMs ?? 5_000;
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const doFetch = options.fetch ?? ((input, init) => fetch(input, init));
  try {
    const res = await doFetch(url, { headers: options.headers, signal: controller.signal });
    return { status: res.status, body: await res.text() };
  } catch (e) {
    if (controller.signal.aborted) return { error: `timed out after ${timeoutMs} ms` };
    const err = e as { message?: unknown; cause?: { code?: unknown; message?: unknown } };
    const code = typeof err.cause?.code === "string" ? err.cause.code : undefined;
    return { error: code ?? String(err.cause?.message ?? err.message ?? e) };
  } finally {
    clearTimeout(timer);
  }
}

export interface WaitOptions extends ProbeOptions {
  /** Overall bound. Default 300000 ms (the first start takes about two minutes). */
  totalTimeoutMs?: number;
  /** Pause between checks. Default 2000 ms. */
  intervalMs?: number;
  /** Called after every check. */
  onProgress?: (p: { attempt: number; elapsedMs: number; verdict: Verdict }) => void;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  /** For tests: milliseconds clock. Default Date.now. */
  now?: () => number;
}

export interface WaitResult {
  attempts: number;
  elapsedMs: number;
}

/** Polls `url` until `verdict` says ok or the bound passes; returns the last verdict either way. */
async function pollUntil(url: string, verdict: (a: ProbeAnswer) => Verdict, options: WaitOptions) {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const total = options.totalTimeoutMs ?? 300_000;
  const start = now();
  for (let attempt = 1; ; attempt++) {
    const v = verdict(await probe(url, options));
    const elapsedMs = now() - start;
    options.onProgress?.({ attempt, elapsedMs, verdict: v });
    if (v.ok || elapsedMs >= total) return { ok: v.ok, detail: v.detail, attempts: attempt, elapsedMs };
    await sleep(Math.min(options.intervalMs ?? 2_000, Math.max(0, total - elapsedMs)));
  }
}

/** Waits for `GET <baseUrl>/readyz` to answer 200; throws a clear error when the bound passes. */
export async function waitForReady(
  baseUrl: string,
  container: string,
  options: WaitOptions = {},
): Promise<WaitResult> {
  const r = await pollUntil(`${trim(baseUrl)}/readyz`, readyzVerdict, options);
  if (r.ok) return { attempts: r.attempts, elapsedMs: r.elapsedMs };
  throw new Error(
    `QueryPie at ${trim(baseUrl)} was not ready after ${Math.round(r.elapsedMs / 1000)} s (${r.attempts} checks of /readyz; last: ${r.detail}). ` +
      `The first start takes about two minutes. Look at \`docker logs ${container}\` for the cause, then run \`pulumi up\` again.`,
  );
}

/** Waits for the tools container's `/health` (migrations, license upload). */
export async function waitForToolsHealth(
  toolsUrl: string,
  container: string,
  options: WaitOptions = {},
): Promise<WaitResult> {
  const r = await pollUntil(`${trim(toolsUrl)}/health`, toolsHealthVerdict, options);
  if (r.ok) return { attempts: r.attempts, elapsedMs: r.elapsedMs };
  throw new Error(
    `The QueryPie tools container at ${trim(toolsUrl)} was not healthy after ${Math.round(r.elapsedMs / 1000)} s (${r.attempts} checks of /health; last: ${r.detail}). ` +
      `Look at \`docker logs ${container}\` (it needs MySQL), then run \`pulumi up\` again.`,
  );
}

/** The running version from `GET /version`. */
export async function fetchVersion(baseUrl: string, options: ProbeOptions = {}): Promise<string> {
  const v = parseVersion(await probe(`${trim(baseUrl)}/version`, options));
  if (v.ok) return v.version;
  throw new Error(
    `QueryPie at ${trim(baseUrl)} did not tell its version on /version (${v.detail}). Check that the URL is the QueryPie web port.`,
  );
}

/**
 * The version gate. Reads the instance's API description (without auth first; with the token as
 * Bearer, then bare, if that is refused) and throws the gate's message when KAC paths are missing.
 */
export async function checkKacApi(
  baseUrl: string,
  options: ProbeOptions & { version?: string; token?: string } = {},
): Promise<void> {
  const url = `${trim(baseUrl)}/api/docs/specification/external-v2`;
  const tries: (Record<string, string> | undefined)[] = [undefined];
  if (options.token)
    tries.push({ Authorization: `Bearer ${options.token}` }, { Authorization: options.token });
  let answer: ProbeAnswer = { error: "not asked" };
  for (const headers of tries) {
    answer = await probe(url, { ...options, timeoutMs: options.timeoutMs ?? 30_000, headers });
    if ("error" in answer || (answer.status !== 401 && answer.status !== 403)) break;
  }
  const name = options.version ? `QueryPie ${options.version}` : "QueryPie";
  if ("error" in answer || answer.status !== 200) {
    const what = "error" in answer ? `no answer (${answer.error})` : `HTTP ${answer.status}`;
    const hint =
      "error" in answer || (answer.status !== 401 && answer.status !== 403)
        ? "Check that QueryPie is ready (/readyz)"
        : "Set the API token (`pulumi config set --secret querypieApiToken <token>`) so the description can be read";
    throw new Error(
      `${name} at ${trim(baseUrl)}: could not read /api/docs/specification/external-v2 (${what}). ${hint}, then run \`pulumi up\` again.`,
    );
  }
  let spec: unknown;
  try {
    spec = JSON.parse(answer.body);
  } catch {
    spec = undefined;
  }
  const verdict = versionGateVerdict(spec, options.version);
  if (!verdict.ok) throw new Error(verdict.message);
}

function trim(url: string): string {
  return url.replace(/\/+$/, "");
}
