/**
 * The seed procedure as a script in the step model: the vendor installer with its fixed wait,
 * the kind creates in series, hand-typed registration, smoke by hand; and its hand work counted
 * from the recorded program so both sides do the same work.
 */
import { describe, expect, test } from "vitest";
import { baselineSteps, handWorkFrom, totalSeconds, VENDOR_FIXED_SLEEP } from "../../bench/baseline";

const HAND = {
  serviceAccountObjects: 5,
  rbacObjects: 8,
  smokeObjects: 3,
  accessCalls: 12,
  smokeSerialSeconds: 56,
};

describe("baselineSteps", () => {
  test("two clusters: 549 s, every step after the last", () => {
    const steps = baselineSteps(["cluster1", "cluster2"], HAND);
    // installer 229 + kind 2 x 80 + service accounts 2 x 5 + registrations 2 x 2 + access 12
    // + seeds 2 x 8 + smoke 2 x (3 + 56)
    expect(totalSeconds(steps)).toBe(229 + 160 + 10 + 4 + 12 + 16 + 118);
    expect(totalSeconds(steps)).toBe(549);
  });

  test("the vendor installer waits its fixed sleep and the app's first start", () => {
    const steps = baselineSteps(["cluster1"], HAND);
    expect(steps.find((s) => s.what.includes("fixed sleep"))?.seconds).toBe(VENDOR_FIXED_SLEEP);
    expect(steps.find((s) => s.what.includes("readyz"))?.seconds).toBe(120);
  });

  test("kind creates come one after another, each followed by its readiness wait", () => {
    const kinds = baselineSteps(["a", "b", "c"], HAND)
      .filter((s) => s.kind === "kind-create" || s.kind === "node-ready")
      .map((s) => s.what);
    expect(kinds).toEqual([
      "kind create cluster (a)",
      "kubectl get nodes until Ready (a)",
      "kind create cluster (b)",
      "kubectl get nodes until Ready (b)",
      "kind create cluster (c)",
      "kubectl get nodes until Ready (c)",
    ]);
  });

  test("grows by 80 + 5 + 2 + 8 + 3 + 56 = 154 s per cluster", () => {
    const at = (n: number) =>
      totalSeconds(
        baselineSteps(
          Array.from({ length: n }, (_, i) => `c${i}`),
          HAND,
        ),
      );
    expect(at(3) - at(2)).toBe(154);
  });
});

describe("handWorkFrom", () => {
  test("counts a cluster's service-account, seed and smoke objects, and every access object", () => {
    const nodes = [
      { name: "registration-cluster1-sa", type: "lab:index:QueryPieServiceAccount" },
      { name: "registration-cluster1-sa-namespace", type: "kubernetes:core/v1:Namespace" },
      { name: "registration-cluster1-sa-token", type: "kubernetes:core/v1:Secret" },
      { name: "registration-cluster2-sa-token", type: "kubernetes:core/v1:Secret" },
      { name: "rbac-seeds-cluster1-ns-dev", type: "kubernetes:core/v1:Namespace" },
      { name: "smoke-cluster1-secret", type: "kubernetes:core/v1:Secret" },
      { name: "smoke-cluster1-run", type: "command:local:Command" },
      { name: "access", type: "lab:index:AccessControl" },
      { name: "access-role-admin-role", type: "pulumi-nodejs:dynamic:Resource" },
      { name: "access-grant-qp-admin", type: "pulumi-nodejs:dynamic:Resource" },
    ];
    expect(handWorkFrom(nodes, "cluster1", 56)).toEqual({
      serviceAccountObjects: 2,
      rbacObjects: 1,
      smokeObjects: 1,
      accessCalls: 2,
      smokeSerialSeconds: 56,
    });
  });
});
