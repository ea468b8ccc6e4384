/**
 * What every QueryPie dynamic provider shares: the connection inputs, a client per call, a
 * per-process cache of list answers, and error wording.
 *
 * Pulumi serialises each provider object with everything it reaches (this file, the client,
 * its errors). So: no zx, no proxies, no module-level state. The cache lives on `globalThis`
 * under a fixed key and is looked up at call time, so every provider deserialised in the same
 * provider process (one per `pulumi up`) shares it, and a fresh process starts empty.
 */
import { QueryPieClient, type QueryPieClientOptions } from "../../platform/client";
import { QueryPieError } from "../../platform/errors";

/** Where QueryPie is and how to talk to it; carried by every QueryPie resource. */
export interface ApiInputs {
  /**
   * QueryPie web base URL, e.g. `http://127.0.0.1:8000` (a trailing `/api/external/v2` is
   * accepted and ignored). A new address (the same QueryPie moved) is recorded in place.
   */
  apiBaseUrl: string;
  /** API token; a Pulumi secret (wrapped by the components, listed in additionalSecretOutputs). */
  apiToken: string;
  /** Client tuning (tests use short timeouts). Default: the client's defaults. */
  http?: { timeoutMs?: number; attempts?: number; baseDelayMs?: number };
}

/** Outputs that hold secrets, for `additionalSecretOutputs` of every QueryPie resource. */
export const API_SECRET_OUTPUTS = ["apiToken"];

const CACHE_KEY = "kind-access-lab/querypie-run-cache";
/** A run is short; a long-lived process must not serve lists older than this. */
export const CACHE_TTL_MS = 5 * 60 * 1000;

interface CacheEntry {
  at: number;
  value: Promise<unknown>;
}

function cacheStore(): Map<string, CacheEntry> {
  const g = globalThis as unknown as Record<string, Map<string, CacheEntry> | undefined>;
  let store = g[CACHE_KEY];
  if (!store) {
    store = new Map();
    g[CACHE_KEY] = store;
  }
  return store;
}

/**
 * The answer of `load` for this QueryPie and key, fetched at most once per process (within
 * CACHE_TTL_MS). Concurrent callers share one request; a failure is not kept.
 */
export function cached<T>(api: ApiInputs, key: string, load: () => Promise<T>): Promise<T> {
  const store = cacheStore();
  const full = `${webBaseUrl(api.apiBaseUrl)} ${key}`;
  const hit = store.get(full);
  if (hit && Date.now() - hit.at < CACHE_TTL_MS) return hit.value as Promise<T>;
  const value = load();
  store.set(full, { at: Date.now(), value });
  value.catch(() => {
    if (store.get(full)?.value === value) store.delete(full);
  });
  return value;
}

/** Forgets cached answers after a write, so the next reader sees the change. */
export function invalidate(api: ApiInputs, ...keys: string[]): void {
  const store = cacheStore();
  for (const key of keys) store.delete(`${webBaseUrl(api.apiBaseUrl)} ${key}`);
}

/** Empties the cache (tests; a new provider process starts empty anyway). */
export function resetRunCache(): void {
  cacheStore().clear();
}

/** The web base URL the client wants: no trailing slash, no `/api/external/v2` (the client adds it). */
export function webBaseUrl(apiBaseUrl: string): string {
  return apiBaseUrl.replace(/\/+$/, "").replace(/\/api\/external\/v2$/, "");
}

/** A client for these inputs. The token stays inside the client's closures. */
export function apiClient(api: ApiInputs): QueryPieClient {
  const options: QueryPieClientOptions = { baseUrl: webBaseUrl(api.apiBaseUrl), token: api.apiToken };
  if (api.http?.timeoutMs !== undefined) options.timeoutMs = api.http.timeoutMs;
  if (api.http?.attempts !== undefined || api.http?.baseDelayMs !== undefined) {
    options.retry = { attempts: api.http.attempts, baseDelayMs: api.http.baseDelayMs };
  }
  return new QueryPieClient(options);
}

/** The connection part of a resource's outputs, kept so that read and delete can reach QueryPie. */
export function apiOutputs(api: ApiInputs): ApiInputs {
  const out: ApiInputs = { apiBaseUrl: api.apiBaseUrl, apiToken: api.apiToken };
  if (api.http) out.http = api.http;
  return out;
}

/**
 * Wraps a failure with what the lab was doing, keeping QueryPie's own explanation. Never adds
 * inputs to the text: they may hold secrets.
 */
export function failed(action: string, e: unknown): Error {
  const reason = e instanceof Error ? e.message : String(e);
  const err = new Error(`${action}: ${reason}`);
  const x = e as { status?: unknown; kind?: unknown };
  // Kept so that callers (and tests) can branch on the HTTP status.
  Object.assign(err, { status: x?.status, kind: x?.kind });
  return err;
}

/** Exactly one object named `name`, or undefined; several is an error the user must resolve. */
export function pickByName<T extends { name: string; uuid: string }>(
  list: T[],
  name: string,
  what: string,
  path: string,
): T | undefined {
  const found = list.filter((x) => x.name === name);
  if (found.length <= 1) return found[0];
  throw new QueryPieError({
    kind: "ambiguous",
    method: "GET",
    path,
    attempts: 1,
    detail: `${found.length} ${what} named "${name}": ${found.map((x) => x.uuid).join(", ")}`,
  });
}

/** True when two string lists hold the same items, whatever their order. */
export function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const x = [...(a ?? [])].sort();
  const y = [...(b ?? [])].sort();
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/**
 * True when QueryPie's address changed (another web port, `portOffset` or bind address). It is the
 * same QueryPie (same data volume), so this is an in-place update that only records the address.
 * A replacement would adopt the same-named object at the new address, then delete it through the
 * old one, which no longer answers: the run fails and the old object stays pending deletion.
 */
export function connectionMoved(olds: ApiInputs, news: ApiInputs): boolean {
  return webBaseUrl(olds.apiBaseUrl) !== webBaseUrl(news.apiBaseUrl);
}
