/**
 * API cost of a 2-cluster lab against the QueryPie test server, as the bench measures it: request
 * counts (not times) of a first apply, a no-change re-apply and an apply after one change.
 */
import { describe, expect, test } from "vitest";
import { measureApiCost, phaseCost } from "../../bench/api-cost";

describe("measureApiCost", () => {
  test("2 clusters, 14 objects: 29 requests first, zero writes on a re-apply, one write after one change", async () => {
    const r = await measureApiCost(2);
    expect(r.objects).toBe(14);
    expect([r.first.reads, r.first.writes]).toEqual([12, 17]);
    expect(r.first.did.created).toBe(14);
    expect(r.noChange.writes).toBe(0);
    expect(r.noChange.did.unchanged).toBe(14);
    expect([r.oneChange.writes, r.oneChange.did.updated, r.oneChange.did.unchanged]).toEqual([1, 1, 13]);
  });
});

test("phaseCost: requests per object, rounded to two places, and what the apply did", () => {
  const summary = {
    read: [],
    gone: [],
    created: ["a"],
    updated: [],
    replaced: [],
    deleted: [],
    unchanged: ["b", "c"],
  };
  expect(phaseCost({ reads: 10, writes: 1, total: 11 }, summary, 3)).toEqual({
    reads: 10,
    writes: 1,
    total: 11,
    perObject: 3.67,
    did: { created: 1, updated: 0, replaced: 0, deleted: 0, unchanged: 2 },
  });
});
