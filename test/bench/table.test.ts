/** The plain-text tables the bench prints. */
import { describe, expect, test } from "vitest";
import { formatTable, minutes, rw } from "../../bench/table";

describe("formatTable", () => {
  test("pads columns, right-aligns numbers, shows a missing cell as -", () => {
    expect(
      formatTable(
        ["name", "n"],
        [
          ["a", 1],
          ["long name", 100],
          ["b", undefined],
        ],
      ),
    ).toBe(
      ["name         n", "---------  ---", "a            1", "long name  100", "b            -"].join("\n"),
    );
  });

  test.each([
    [0, "0:00"],
    [59.6, "1:00"],
    [276, "4:36"],
    [1346, "22:26"],
  ])("minutes(%s) = %s", (s, text) => {
    expect(minutes(s)).toBe(text);
  });

  test("rw shows reads/writes", () => {
    expect(rw({ reads: 11, writes: 0 })).toBe("11/0");
  });
});
