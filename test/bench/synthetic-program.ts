/**
 * A program-shaped recorded graph of N clusters, wired the way stacks/index.ts wires the
 * components (simplified: one service-account object, one access role and grant, one smoke
 * object per cluster). test/bench/program-graph.test.ts checks the real program.
 */
import { kindBatches } from "../../components/kind/batches";
import type { ProgramRun, RecordedNode } from "../../bench/program-scale";

const CMD = "command:local:Command";
const n = (name: string, deps: string[] = [], extra: Partial<RecordedNode> = {}): RecordedNode => ({
  name,
  type: CMD,
  deps,
  ...extra,
});

export function syntheticProgram(count: number): ProgramRun {
  const clusters = Array.from({ length: count }, (_, i) => `c${i + 1}`);
  const childrenOf = (c: string) => [
    `${c}-create`,
    `${c}-ready`,
    `${c}-kubeconfig`,
    `${c}-provider`,
    `${c}-encryption-config`,
  ];
  const batches = kindBatches(count);
  const nodes: RecordedNode[] = [];
  clusters.forEach((c, i) => {
    nodes.push(n(c, [], { type: "lab:index:KindCluster" }));
    // Each batch waits for the previous batch's creates (KindCluster.created), as index.ts wires it.
    nodes.push(
      n(
        `${c}-encryption-config`,
        batches[i].map((j) => `${clusters[j]}-create`),
      ),
    );
    nodes.push(n(`${c}-create`, [`${c}-encryption-config`]));
    nodes.push(n(`${c}-ready`, [`${c}-create`]));
    nodes.push(n(`${c}-kubeconfig`, [`${c}-create`]));
    nodes.push(
      n(`${c}-provider`, [`${c}-ready`, `${c}-kubeconfig`], { type: "pulumi:providers:kubernetes" }),
    );
    nodes.push(
      n(`registration-${c}-sa-token`, [], { type: "kubernetes:core/v1:Secret", provider: `${c}-provider` }),
    );
  });
  const platform = ["querypie-mysql", "querypie-tools", "querypie-migrate", "querypie-app", "querypie-ready"];
  platform.forEach((p, i) => nodes.push(n(p, i === 0 ? [] : [platform[i - 1]])));
  nodes.push(n("querypie-kind-network-connect", [...platform, ...clusters.flatMap(childrenOf)]));
  for (const c of clusters) {
    nodes.push(
      n(`registration-${c}-kac`, [
        "querypie-ready",
        "querypie-kind-network-connect",
        `registration-${c}-sa-token`,
      ]),
    );
  }
  nodes.push(
    n(
      "access-role",
      clusters.map((c) => `registration-${c}-kac`),
    ),
  );
  nodes.push(n("access-grant", ["access-role"]));
  for (const c of clusters) {
    nodes.push(n(`smoke-${c}-nginx`, ["access-grant"], { provider: `${c}-provider` }));
    nodes.push(n(`smoke-${c}-run`, [`smoke-${c}-nginx`, "access-grant"]));
  }
  return { clusters: count, resources: nodes.length, loadMs: 0, buildMs: 0, cpuMs: 0, peakRssMb: 0, nodes };
}
