/**
 * Scheduling a recorded graph: each step starts when its dependencies and its provider have
 * finished; the critical path is the chain that ends last; unknown dependencies and cycles are
 * programming errors, named.
 */
import { describe, expect, test } from "vitest";
import { ancestors, criticalChain, schedule, summarize } from "../../bench/critical-path";
import type { RecordedNode } from "../../bench/program-scale";
import type { StepModel } from "../../bench/step-model";

const node = (name: string, deps: string[] = [], provider?: string): RecordedNode => ({
  name,
  type: "command:local:Command",
  deps,
  ...(provider ? { provider } : {}),
});

/** Seconds by name; names starting with "slow" are kind-create steps, the rest fast. */
const model =
  (seconds: Record<string, number>) =>
  (n: RecordedNode): StepModel => ({
    kind: n.name.startsWith("slow") ? "kind-create" : "fast",
    seconds: seconds[n.name] ?? 0,
  });

describe("schedule", () => {
  test.each([
    ["a chain adds up", [node("a"), node("b", ["a"]), node("c", ["b"])], { a: 1, b: 2, c: 3 }, 6, 6],
    ["a fork runs side by side", [node("a"), node("b", ["a"]), node("c", ["a"])], { a: 1, b: 5, c: 3 }, 6, 9],
    [
      "a join waits for the later branch",
      [node("a"), node("b"), node("c", ["a", "b"])],
      { a: 10, b: 4, c: 1 },
      11,
      15,
    ],
    [
      "an explicit provider is waited for like a dependency",
      [node("p"), node("x", [], "p")],
      { p: 7, x: 1 },
      8,
      8,
    ],
  ])("%s", (_what, nodes, seconds, critical, total) => {
    const s = summarize(schedule(nodes, model(seconds)));
    expect([s.criticalSeconds, s.totalSeconds]).toEqual([critical, total]);
  });

  test("start, finish and the predecessor waited for", () => {
    const sched = schedule([node("a"), node("b"), node("c", ["a", "b"])], model({ a: 2, b: 3, c: 1 }));
    expect(sched.get("c")).toEqual({ name: "c", kind: "fast", seconds: 1, start: 3, finish: 4, after: "b" });
    expect(sched.get("a")).toEqual({ name: "a", kind: "fast", seconds: 2, start: 0, finish: 2 });
  });

  test("a provider that was not recorded (e.g. the default provider) is ignored", () => {
    const sched = schedule([node("x", [], "default_4_34_2")], model({ x: 1 }));
    expect(sched.get("x")?.start).toBe(0);
  });

  test("a dependency that was not recorded is a programming error, named", () => {
    expect(() => schedule([node("b", ["ghost"])], model({}))).toThrow(
      "schedule: b depends on ghost, which was not recorded",
    );
  });

  test("a cycle is a programming error, named", () => {
    expect(() => schedule([node("a", ["b"]), node("b", ["a"])], model({}))).toThrow(
      "schedule: dependency cycle through a",
    );
  });
});

describe("critical chain and summary", () => {
  const nodes = [
    node("slow-1"),
    node("fast-1"),
    node("slow-2", ["slow-1", "fast-1"]),
    node("fast-2", ["fast-1"]),
    node("end", ["slow-2", "fast-2"]),
  ];
  const seconds = { "slow-1": 60, "fast-1": 1, "slow-2": 20, "fast-2": 1, end: 1 };

  test("the chain that ends last, first step first", () => {
    expect(criticalChain(schedule(nodes, model(seconds))).map((s) => s.name)).toEqual([
      "slow-1",
      "slow-2",
      "end",
    ]);
  });

  test("slow steps in series against all slow steps, and their total", () => {
    const s = summarize(schedule(nodes, model(seconds)));
    expect(s).toEqual({
      criticalSeconds: 81,
      totalSeconds: 83,
      slowInSeries: [
        { name: "slow-1", kind: "kind-create", seconds: 60, start: 0 },
        { name: "slow-2", kind: "kind-create", seconds: 20, start: 60 },
      ],
      slowSteps: 2,
      slowTotalSeconds: 80,
    });
  });

  test("ancestors: everything a step waits for, through providers too", () => {
    const graph = [node("a"), node("p", ["a"]), node("x", [], "p"), node("y", ["x"])];
    expect([...ancestors(graph, "y")].sort()).toEqual(["a", "p", "x"]);
    expect([...ancestors(graph, "a")]).toEqual([]);
  });
});
