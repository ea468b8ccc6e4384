/**
 * The critical path of a recorded program: every resource starts when all it depends on (its
 * recorded dependencies and its explicit provider) have finished, as the Pulumi engine schedules
 * them with unbounded parallelism (the CLI's default). The only bound the program adds is its own
 * dependency between kind batches, and that is in the recorded graph.
 */
import type { RecordedNode } from "./program-scale";
import { SLOW_KINDS, type StepKind, type StepModel } from "./step-model";

export interface Scheduled {
  name: string;
  kind: StepKind;
  seconds: number;
  start: number;
  finish: number;
  /** The predecessor that finished last (the one this step waited for). */
  after?: string;
}

/** Earliest start and finish of every resource. Throws on an unknown dependency or a cycle. */
export function schedule(
  nodes: readonly RecordedNode[],
  model: (n: RecordedNode) => StepModel,
): Map<string, Scheduled> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const done = new Map<string, Scheduled>();
  const visiting = new Set<string>();

  const visit = (name: string, from: string): Scheduled => {
    const known = done.get(name);
    if (known) return known;
    const node = byName.get(name);
    if (!node) throw new Error(`schedule: ${from} depends on ${name}, which was not recorded`);
    if (visiting.has(name)) throw new Error(`schedule: dependency cycle through ${name}`);
    visiting.add(name);
    const preds = [...node.deps, ...(node.provider && byName.has(node.provider) ? [node.provider] : [])];
    let start = 0;
    let after: string | undefined;
    for (const p of preds) {
      const s = visit(p, name);
      // The latest-finishing predecessor; on a tie, the first listed.
      if (after === undefined || s.finish > start) {
        after = p;
        start = s.finish;
      }
    }
    const m = model(node);
    const s: Scheduled = {
      name,
      kind: m.kind,
      seconds: m.seconds,
      start,
      finish: start + m.seconds,
      ...(after ? { after } : {}),
    };
    visiting.delete(name);
    done.set(name, s);
    return s;
  };

  for (const n of nodes) visit(n.name, n.name);
  return done;
}

/** The chain of steps that ends last, first step first. */
export function criticalChain(sched: Map<string, Scheduled>): Scheduled[] {
  let last: Scheduled | undefined;
  for (const s of sched.values()) if (!last || s.finish > last.finish) last = s;
  const chain: Scheduled[] = [];
  for (let s = last; s; s = s.after ? sched.get(s.after) : undefined) chain.unshift(s);
  return chain;
}

const isSlow = (s: Scheduled) => SLOW_KINDS.includes(s.kind);

export interface PathSummary {
  /** When the last step finishes: the modelled `pulumi up` time. */
  criticalSeconds: number;
  /** Sum of every step's time: what the same steps would cost one after another. */
  totalSeconds: number;
  /** Slow steps on the critical path, in order. */
  slowInSeries: { name: string; kind: StepKind; seconds: number; start: number }[];
  /** Slow steps in the whole program. */
  slowSteps: number;
  /** Sum of the slow steps' time. */
  slowTotalSeconds: number;
}

export function summarize(sched: Map<string, Scheduled>): PathSummary {
  const all = [...sched.values()];
  const slow = all.filter(isSlow);
  return {
    criticalSeconds: Math.max(0, ...all.map((s) => s.finish)),
    totalSeconds: all.reduce((n, s) => n + s.seconds, 0),
    slowInSeries: criticalChain(sched)
      .filter(isSlow)
      .map(({ name, kind, seconds, start }) => ({ name, kind, seconds, start })),
    slowSteps: slow.length,
    slowTotalSeconds: slow.reduce((n, s) => n + s.seconds, 0),
  };
}

/** Everything `name` waits for, directly or not. */
export function ancestors(nodes: readonly RecordedNode[], name: string): Set<string> {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const seen = new Set<string>();
  const stack = [name];
  while (stack.length) {
    const n = byName.get(stack.pop()!);
    for (const p of [...(n?.deps ?? []), ...(n?.provider ? [n.provider] : [])]) {
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(p);
      }
    }
  }
  return seen;
}
