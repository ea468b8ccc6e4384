/**
 * The whole lab program (stacks/index.ts) built for N clusters under Pulumi mocks: resource
 * count, build time, peak RSS and the recorded graph (every registration with the resources it
 * depends on and its provider). Pulumi's runtime state is global: call it once per process
 * (bench/program-worker.ts does, one process per size).
 */
import type * as pulumi from "@pulumi/pulumi";
import { installMocks } from "../test/support/pulumi-mocks";
import { programState } from "../test/stacks/program-fakes";
import { providerName, type ProgramRun, type RecordedNode } from "./program-scale";
import { benchRawConfig } from "./stack-config";

export async function buildProgram(n: number): Promise<ProgramRun> {
  let lastRegistration = 0;
  let cpuAtLast = process.cpuUsage();
  const mocks = await installMocks({
    stack: "bench",
    config: { ...benchRawConfig(n), querypieApiToken: ["bench", "api", "token"].join("-") },
    secretKeys: ["querypieApiToken"],
    stateFor: (args: pulumi.runtime.MockResourceArgs) => {
      lastRegistration = performance.now();
      cpuAtLast = process.cpuUsage();
      return programState(args);
    },
  });

  // Load the SDKs and components first, so the timed part is the program's own work.
  const loadStart = performance.now();
  const k8s = await import("@pulumi/kubernetes");
  void [k8s.core.v1.Secret, k8s.apps.v1.Deployment, k8s.rbac.v1.Role, k8s.networking.v1.NetworkPolicy];
  await Promise.all([
    import("@pulumi/docker"),
    import("@pulumi/command"),
    import("@pulumi/random"),
    import("../components/kind/kind-cluster"),
    import("../components/platform/access-platform"),
    import("../components/platform/kind-network-attachment"),
    import("../components/access/cluster-registration"),
    import("../components/access/access-control"),
    import("../components/access/rbac-seeds"),
    import("../components/smoke/smoke-suite"),
  ]);
  const loadMs = performance.now() - loadStart;

  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const program = await import("../stacks/index");
  await new Promise<void>((resolve) => program.smokePassed.apply(() => resolve()));
  // Let the last registrations (those no output waits for) reach the mocks.
  let count = -1;
  while (count !== mocks.registered.length) {
    count = mocks.registered.length;
    await new Promise((r) => setTimeout(r, 150));
  }
  const buildMs = lastRegistration - start;
  const cpuMs = (cpuAtLast.user + cpuAtLast.system - cpuStart.user - cpuStart.system) / 1000;

  const nodes: RecordedNode[] = mocks.registered.map((r) => ({
    name: r.name,
    type: r.type,
    deps: r.deps,
    ...(providerName(r.provider) ? { provider: providerName(r.provider) } : {}),
  }));
  return {
    clusters: n,
    resources: nodes.length,
    loadMs: Math.round(loadMs),
    buildMs: Math.round(buildMs),
    cpuMs: Math.round(cpuMs),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    nodes,
  };
}
