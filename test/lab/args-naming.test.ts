import { describe, expect, test } from "vitest";
import { parseLabArgs } from "../../components/lab/args";
import {
  ciStackName,
  currentUser,
  namePrefixFor,
  resolveStackName,
  sanitizeName,
} from "../../components/lab/naming";

describe("argument parsing", () => {
  test.each<[string[], Record<string, unknown>]>([
    [
      ["up"],
      { command: "up", keepData: false, rm: false, noPlatform: false, noSmoke: false, verbose: false },
    ],
    [["up", "--stack", "dev"], { command: "up", stack: "dev" }],
    [["--stack=dev-bob", "status"], { command: "status", stack: "dev-bob" }],
    [["down", "--keep-data"], { command: "down", keepData: true, rm: false }],
    [["down", "--rm"], { command: "down", keepData: false, rm: true }],
    [
      ["ci", "--no-platform", "--junit", "r/j.xml", "--markdown=r/s.md"],
      { command: "ci", noPlatform: true, junit: "r/j.xml", markdown: "r/s.md" },
    ],
    [["render", "--out", "/tmp/x"], { command: "render", passThrough: ["--out", "/tmp/x"] }],
    [
      ["smoke", "--stack", "lab", "--", "--json", "x.json"],
      { command: "smoke", stack: "lab", passThrough: ["--json", "x.json"] },
    ],
    [["up", "-v"], { command: "up", verbose: true }],
  ])("%j parses", (argv, want) => {
    expect(parseLabArgs(argv)).toMatchObject(want);
  });

  test.each<[string[], string]>([
    [[], "no command; use one of up, down, status, smoke, render, preflight, ci"],
    [["launch"], 'unknown command "launch"; use one of up, down, status, smoke, render, preflight, ci'],
    [["up", "--stack"], "--stack needs a value"],
    [["up", "--stack", "--rm"], "--stack needs a value"],
    [["up", "--frobnicate"], "unknown option --frobnicate"],
    [["up", "extra"], 'unexpected argument "extra"'],
    [["up", "--keep-data"], "--keep-data only applies to down"],
    [["down", "--no-platform"], "--no-platform only applies to up, ci, preflight"],
    [["up", "--junit", "x"], "--junit only applies to ci"],
    [["ci", "--stack", "x"], "ci makes its own uniquely named stack; leave --stack out"],
    [
      ["down", "--keep-data", "--rm"],
      "--keep-data keeps volumes in the stack's state, which --rm would delete; use one of them",
    ],
  ])("%j is a usage error: %s", (argv, error) => {
    expect(parseLabArgs(argv)).toEqual({ error });
  });

  test("--help anywhere asks for help", () => {
    expect(parseLabArgs(["up", "--help"])).toEqual({ help: true });
  });

  test("LAB_STACK is the default stack, but --stack wins and ci ignores it", () => {
    expect(parseLabArgs(["up"], { LAB_STACK: "dev-a" })).toMatchObject({ stack: "dev-a" });
    expect(parseLabArgs(["up", "--stack", "lab"], { LAB_STACK: "dev-a" })).toMatchObject({ stack: "lab" });
    expect(parseLabArgs(["ci"], { LAB_STACK: "dev-a" })).not.toHaveProperty("stack");
  });
});

describe("stack names", () => {
  test.each([
    ["alice", "alice"],
    ["Alice.Smith", "alice.smith"],
    ["DOMAIN\\bob", "domain-bob"],
    ["jean_luc picard", "jean-luc-picard"],
    ["--weird--", "weird"],
    ["émile", "mile"],
    ["", "me"],
    ["___", "me"],
    ["a-very-long-user-name-indeed", "a-very-long-user-na"],
    ["abcdefghijklmnopqr-s", "abcdefghijklmnopqr"],
  ])("sanitizeName(%j) = %j (kind-safe, at most 19 characters)", (raw, want) => {
    expect(sanitizeName(raw)).toBe(want);
    expect(want).toMatch(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/);
  });

  test.each<[string | undefined, string, string, string | undefined]>([
    [undefined, "alice", "lab", undefined],
    ["dev", "Alice", "dev-alice", "alice-"],
    ["dev-Bob_X", "alice", "dev-bob-x", "bob-x-"],
    ["dev-carol", "alice", "dev-carol", "carol-"],
    ["staging", "alice", "staging", undefined],
    ["ci-42-abc123", "alice", "ci-42-abc123", "ci-abc123-"],
  ])("--stack %j with user %j is %j, namePrefix %j", (given, user, name, prefix) => {
    const stack = resolveStackName(given, user);
    expect(stack.name).toBe(name);
    expect(namePrefixFor(stack)).toBe(prefix);
  });

  test("a renamed dev stack says what it was given", () => {
    expect(resolveStackName("dev-Bob", "x")).toMatchObject({ name: "dev-bob", renamedFrom: "dev-Bob" });
    expect(resolveStackName("dev-bob", "x")).not.toHaveProperty("renamedFrom");
  });

  test("the user comes from $USER, then $USERNAME, then the OS account", () => {
    expect(currentUser({ USER: "a", USERNAME: "b" }, () => "c")).toBe("a");
    expect(currentUser({ USERNAME: "b" }, () => "c")).toBe("b");
    expect(currentUser({}, () => "c")).toBe("c");
    expect(
      currentUser({}, () => {
        throw new Error("no passwd entry");
      }),
    ).toBe("");
  });

  test.each<[Record<string, string>, string]>([
    [{ GITHUB_RUN_ID: "123456", GITHUB_RUN_ATTEMPT: "1" }, "ci-123456.1-0f9e8d"],
    [{ CI_PIPELINE_ID: "777" }, "ci-777-0f9e8d"],
    [{}, "ci-20261128t150102-0f9e8d"],
  ])("ciStackName with %j is %s", (env, want) => {
    expect(ciStackName(env, new Date("2026-11-28T15:01:02.345Z"), "0f9e8d").name).toBe(want);
  });

  test("every ci stack name gives a namePrefix loadLabConfig accepts", () => {
    const stack = ciStackName(
      { GITHUB_RUN_ID: "99999999999", GITHUB_RUN_ATTEMPT: "3" },
      new Date(),
      "abcdef",
    );
    const prefix = namePrefixFor(stack) as string;
    expect(prefix).toBe("ci-abcdef-");
    expect(prefix.length).toBeLessThanOrEqual(20);
  });
});
