/**
 * The program's first run, before a person has created the QueryPie API token: clusters and
 * the platform come up, nothing talks to the QueryPie API, and `nextSteps` says what to do.
 */
import { beforeAll, expect, test } from "vitest";
import { installMocks, settle, valueOf, type Mocks } from "../support/pulumi-mocks";
import { programState } from "./program-fakes";

let mocks: Mocks;
let program: typeof import("../../stacks/index");

beforeAll(async () => {
  mocks = await installMocks({ stack: "lab", stateFor: programState });
  program = await import("../../stacks/index");
  await valueOf(program.smokePassed);
  await settle();
});

test("without a token, no registration, access object or QueryPie API resource is created", () => {
  const types = new Set(mocks.registered.map((r) => r.type));
  expect(types.has("lab:index:ClusterRegistration")).toBe(false);
  expect(types.has("lab:index:AccessControl")).toBe(false);
  expect([...types].some((t) => t.startsWith("pulumi-nodejs:dynamic"))).toBe(false);
  expect(program.access).toBeUndefined();
});

test("without a token, nextSteps tells how to create one and set it as a secret", async () => {
  const steps = await valueOf(program.nextSteps!);
  expect(steps).toContain("pulumi config set --secret querypieApiToken");
});

test("without a token, the smoke suite still runs and is told why platform-access is skipped", () => {
  const run = mocks.byName("smoke-cluster1-run");
  expect(JSON.stringify(run.inputs)).toContain("no QueryPie API token is set yet");
});
