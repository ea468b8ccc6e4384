/**
 * Grant expiry: QueryPie caps a grant at one year. The default is now + 364 days at the end of
 * that day (UTC), computed once when the grant is first made and then kept in the grant's state.
 * Pure: "now" is always passed in.
 */

export const DEFAULT_GRANT_DAYS = 364;
export const MAX_GRANT_DAYS = 365;
const DAY_MS = 24 * 60 * 60 * 1000;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** `YYYY-MM-DDT23:59:59Z` of the UTC day that contains `instant`. */
export function endOfDayUtc(instant: Date): string {
  return `${instant.toISOString().slice(0, 10)}T23:59:59Z`;
}

/** The default expiry of a grant made at `now`. */
export function defaultExpiry(now: Date): string {
  return endOfDayUtc(new Date(now.getTime() + DEFAULT_GRANT_DAYS * DAY_MS));
}

/** The last calendar day a date-only expiry may name when given at `now`. */
export function latestExpiryDate(now: Date): string {
  const limit = now.getTime() + MAX_GRANT_DAYS * DAY_MS;
  const sameDay = endOfDayUtc(new Date(limit));
  const day = Date.parse(sameDay) <= limit ? new Date(limit) : new Date(limit - DAY_MS);
  return day.toISOString().slice(0, 10);
}

export type ExpiryCheck = { ok: true; iso: string } | { ok: false; message: string; fix: string };

/**
 * Reads a configured expiry: a date (`2026-06-30`, meaning the end of that day UTC) or an
 * ISO-8601 date-time with a zone. It must lie in the future and at most one year ahead.
 */
export function checkExpiry(text: unknown, now: Date): ExpiryCheck {
  const latest = latestExpiryDate(now);
  const fix = `use a date from today to ${latest}, or leave it unset for the default ${defaultExpiry(now)}`;
  if (typeof text !== "string" || !(DATE_ONLY.test(text) || DATE_TIME.test(text))) {
    return { ok: false, message: "is not an ISO-8601 date or date-time with a zone", fix };
  }
  const iso = DATE_ONLY.test(text) ? `${text}T23:59:59Z` : text;
  const at = Date.parse(iso);
  // Date.parse rolls 2026-02-30 over to March; a date that does not round-trip does not exist.
  if (Number.isNaN(at) || (DATE_ONLY.test(text) && new Date(at).toISOString().slice(0, 10) !== text)) {
    return { ok: false, message: "is not a real calendar date", fix };
  }
  if (at <= now.getTime()) return { ok: false, message: "is in the past, so the grant would be void", fix };
  if (at > now.getTime() + MAX_GRANT_DAYS * DAY_MS) {
    return { ok: false, message: "is more than one year ahead, which QueryPie does not accept", fix };
  }
  return { ok: true, iso: new Date(at).toISOString().replace(".000Z", "Z") };
}

/** True when the instant has passed at `now` (an expired grant is renewed on the next apply). */
export function hasExpired(iso: string, now: Date): boolean {
  const at = Date.parse(iso);
  return Number.isNaN(at) || at <= now.getTime();
}

/** Two expiries are the same instant, whatever their formatting (`Z` vs `.000Z`, offsets). */
export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Date.parse(a) === Date.parse(b);
}
