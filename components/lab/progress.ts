/**
 * Progress by phase: Pulumi engine events mapped to the lab's phases (clusters, platform,
 * registration, access, smoke) with elapsed time. Pure: events and the clock go in, lines to
 * print come out.
 */
import type { EngineEvent } from "./workspace";

export const PHASES = ["clusters", "platform", "registration", "access", "smoke"] as const;
export type Phase = (typeof PHASES)[number];

/** Which phase a resource type belongs to, by the component types of its URN's type chain. */
const PHASE_OF_TYPE: [RegExp, Phase][] = [
  [/KindCluster|:kind[:/]/i, "clusters"],
  // Before "platform": attaching QueryPie to the clusters' network is part of registering them.
  [/Registration|NetworkAttachment/i, "registration"],
  [/AccessPlatform|QueryPie|:platform:/i, "platform"],
  [/AccessControl|RbacSeeds|KacRole|KacPolic|KacGrant|:access:/i, "access"],
  [/Smoke/i, "smoke"],
];

/**
 * The phase of a resource from its URN, e.g. `urn:pulumi:lab::kind-access-lab::lab:index:KindCluster$command:local:Command::cluster1-create`
 * is in `clusters`. The outermost matching type wins, so children follow their component.
 */
export function phaseOfUrn(urn: string): Phase | undefined {
  const typeChain = urn.split("::")[2] ?? "";
  for (const type of typeChain.split("$")) {
    for (const [pattern, phase] of PHASE_OF_TYPE) if (pattern.test(type)) return phase;
  }
  return undefined;
}

/** `m:ss` or `h:mm:ss`. */
export function formatElapsed(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, "0") : String(m);
  return `${h > 0 ? `${h}:` : ""}${mm}:${String(s).padStart(2, "0")}`;
}

interface PhaseState {
  startedAt: number;
  endedAt: number;
  running: number;
  done: number;
  failed: number;
}

const OP_WORD: Record<string, string> = {
  create: "created",
  update: "updated",
  delete: "deleted",
  replace: "replaced",
  "create-replacement": "created (replacement)",
  "delete-replaced": "deleted (replaced)",
  read: "read",
  refresh: "refreshed",
};

function shortName(urn: string): string {
  const parts = urn.split("::");
  const type = (parts[2] ?? "").split("$").pop() ?? "";
  return `${type.split(":").pop() ?? type} ${parts[3] ?? ""}`.trim();
}

/** Follows an update or destroy: call `handle` with every engine event and print what it returns. */
export class PhaseTracker {
  private readonly phases = new Map<Phase, PhaseState>();
  readonly errors: string[] = [];

  constructor(private readonly startedAt: number) {}

  private stamp(now: number): string {
    return `[${formatElapsed(now - this.startedAt)}]`;
  }

  handle(event: EngineEvent, now: number): string[] {
    const lines: string[] = [];
    const pre = event.resourcePreEvent;
    const out = event.resOutputsEvent;
    const failed = event.resOpFailedEvent;
    const diag = event.diagnosticEvent;
    if (diag && diag.severity === "error" && !diag.ephemeral) {
      const message = diag.message.trim();
      if (message) {
        this.errors.push(message);
        lines.push(`${this.stamp(now)} error: ${message.split("\n")[0]}`);
      }
    }
    const meta = pre?.metadata ?? out?.metadata ?? failed?.metadata;
    if (!meta || pre?.planning || out?.planning) return lines;
    const phase = phaseOfUrn(meta.urn);
    if (!phase) return lines;
    const active = meta.op !== "same";
    let state = this.phases.get(phase);
    if (pre && active) {
      if (!state) {
        state = { startedAt: now, endedAt: now, running: 0, done: 0, failed: 0 };
        this.phases.set(phase, state);
        lines.push(`${this.stamp(now)} ${phase}: started`);
      }
      state.running++;
    }
    if (!state) return lines;
    if (out && active) {
      state.running = Math.max(0, state.running - 1);
      state.done++;
      state.endedAt = now;
      // Component resources are the milestones worth a line; their children are too many.
      if (/lab:index:/.test(meta.type)) {
        lines.push(`${this.stamp(now)} ${phase}: ${OP_WORD[meta.op] ?? meta.op} ${shortName(meta.urn)}`);
      }
    }
    if (failed) {
      state.running = Math.max(0, state.running - 1);
      state.failed++;
      state.endedAt = now;
      lines.push(`${this.stamp(now)} ${phase}: FAILED ${meta.op} ${shortName(meta.urn)}`);
    }
    return lines;
  }

  /** A line for a quiet stretch: which phases are still busy. */
  heartbeat(now: number): string | undefined {
    const busy = PHASES.filter((p) => (this.phases.get(p)?.running ?? 0) > 0);
    if (busy.length === 0) return undefined;
    return `${this.stamp(now)} still working: ${busy
      .map((p) => `${p} (${this.phases.get(p)?.running} in progress)`)
      .join(", ")}`;
  }

  /** One line per phase that ran: its duration and counts. */
  summary(): string[] {
    return PHASES.filter((p) => this.phases.has(p)).map((p) => {
      const s = this.phases.get(p) as PhaseState;
      const failed = s.failed > 0 ? `, ${s.failed} failed` : "";
      return `  ${p.padEnd(12)} ${formatElapsed(s.endedAt - s.startedAt).padStart(7)}  ${s.done} step(s)${failed}`;
    });
  }

  /** The phase that failed, if any, else the last one started. */
  get failedPhase(): Phase | undefined {
    return PHASES.find((p) => (this.phases.get(p)?.failed ?? 0) > 0);
  }
}
