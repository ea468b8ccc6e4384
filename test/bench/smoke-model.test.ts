/**
 * The smoke suite's modelled time: the checks' dependency graph in parallel against one after
 * another, and the two wrappers the bench runs the real runner with (no timing here).
 */
import { describe, expect, test } from "vitest";
import { ALL_CHECKS } from "../../components/smoke/checks";
import type { ProbeContext } from "../../components/smoke/types";
import {
  parallelSeconds,
  serialized,
  serialSeconds,
  smokeRunSeconds,
  withLatency,
} from "../../bench/smoke-model";

describe("smoke model", () => {
  test("all checks: 38 s along deployment > scale > pod-network, against 56 s one by one", () => {
    expect(parallelSeconds(ALL_CHECKS)).toBe(30 + 5 + 3);
    expect(serialSeconds(ALL_CHECKS)).toBe(56);
    expect(smokeRunSeconds(ALL_CHECKS)).toBe(40);
  });

  test.each([
    [
      "independent checks: the slowest",
      [
        { id: "deployment", needs: [] },
        { id: "exec", needs: [] },
      ],
      30,
    ],
    [
      "a chain: the sum",
      [
        { id: "deployment", needs: [] },
        { id: "exec", needs: ["deployment"] },
      ],
      32,
    ],
    ["a need outside the run counts as done", [{ id: "exec", needs: ["deployment"] }], 2],
  ] as const)("parallelSeconds, %s", (_what, checks, seconds) => {
    expect(parallelSeconds(checks)).toBe(seconds);
  });

  test("a cycle is named", () => {
    const checks = [
      { id: "exec", needs: ["logs"] },
      { id: "logs", needs: ["exec"] },
    ] as const;
    expect(() => parallelSeconds(checks)).toThrow("smoke checks form a cycle: exec -> logs -> exec");
  });

  test("serialized: every check also needs the one before it, and keeps its own needs", () => {
    const s = serialized(ALL_CHECKS);
    expect(s.map((c) => c.id)).toEqual(ALL_CHECKS.map((c) => c.id));
    s.forEach((c, i) => {
      if (i > 0) expect(c.needs).toContain(s[i - 1].id);
      expect(c.needs).toEqual(expect.arrayContaining([...ALL_CHECKS[i].needs]));
    });
    expect(parallelSeconds(s)).toBe(serialSeconds(ALL_CHECKS));
  });

  test("serialized refuses an order that puts a check before what it needs", () => {
    const logs = ALL_CHECKS.find((c) => c.id === "logs")!;
    expect(() => serialized([logs])).toThrow(
      "serialized: logs needs port-forward, which comes later or not at all",
    );
  });

  test("withLatency sleeps on the suite's clock first, then probes as before", async () => {
    const calls: string[] = [];
    const check = ALL_CHECKS.find((c) => c.id === "spread")!;
    const fake = { ...check, probe: async () => (calls.push("probe"), "evidence") };
    const ctx = { sleep: async (ms: number) => void calls.push(`sleep ${ms}`) } as unknown as ProbeContext;
    await expect(withLatency(fake, 10).probe(ctx)).resolves.toBe("evidence");
    expect(calls).toEqual(["sleep 10", "probe"]);
    expect(withLatency(fake, 10).needs).toBe(check.needs);
  });
});
