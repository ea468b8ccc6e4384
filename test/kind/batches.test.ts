import { describe, expect, test } from "vitest";
import { kindBatches } from "../../components/kind/batches";

describe("kindBatches (kind issue 1288: two clusters at a time)", () => {
  test.each<[number, number, number[][]]>([
    [0, 2, []],
    [1, 2, [[]]],
    [2, 2, [[], []]],
    [3, 2, [[], [], [0, 1]]],
    [4, 2, [[], [], [0, 1], [0, 1]]],
    [5, 2, [[], [], [0, 1], [0, 1], [2, 3]]],
    [3, 1, [[], [0], [1]]],
    [4, 3, [[], [], [], [0, 1, 2]]],
  ])("%i clusters, %i at a time: each waits for %j", (count, parallel, expected) => {
    expect(kindBatches(count, parallel)).toEqual(expected);
  });

  test("the default is two in parallel: the seed's two clusters do not wait for each other", () => {
    expect(kindBatches(2)).toEqual([[], []]);
    expect(kindBatches(3)).toEqual([[], [], [0, 1]]);
  });

  test.each([
    [-1, 2, "count must be a whole number, got -1"],
    [2, 0, "parallel must be a whole number of at least 1, got 0"],
  ])("kindBatches(%i, %i) throws: %s", (count, parallel, message) => {
    expect(() => kindBatches(count, parallel)).toThrow(message);
  });
});
