/**
 * Diagnostics attached to a failed check: the nginx pods' status and the namespace's recent
 * events, as short lines. Formatting is pure; gathering is two kubectl calls.
 */
import type { ClusterAdapter } from "./adapter";
import { parseEvents, parsePods, firstLine, type EventInfo, type PodInfo } from "./k8s-json";
import { TEST_OBJECTS } from "./types";

export const EVENT_LIMIT = 10;

export function describePod(p: PodInfo): string {
  const ready = `${p.containers.filter((c) => c.ready).length}/${p.containers.length || 1}`;
  const where = p.nodeName ? `on ${p.nodeName}` : "(not scheduled)";
  const parts = [`pod ${p.name} ${where}: ${p.phase}, ready ${ready}`];
  if (p.deleting) parts.push("being deleted");
  if (p.unschedulable) parts.push(p.unschedulable);
  for (const c of p.containers) {
    if (c.restartCount > 0) parts.push(`${c.name} restarted ${c.restartCount}x`);
    if (c.state !== "running") {
      parts.push(
        `${c.name} ${c.state}${c.reason ? `: ${c.reason}` : ""}${c.message ? ` (${c.message})` : ""}`,
      );
    }
  }
  return parts.join(", ");
}

export function describeEvent(e: EventInfo): string {
  return `event ${e.type} ${e.reason} ${e.object}${e.count > 1 ? ` (x${e.count})` : ""}${e.time ? ` at ${e.time}` : ""}: ${e.message}`;
}

/** Pure: pod lines first, then the newest events. */
export function formatDiagnostics(podsJson: string | undefined, eventsJson: string | undefined): string[] {
  const lines: string[] = [];
  if (podsJson !== undefined) {
    const pods = parsePods(podsJson);
    lines.push(...(pods.length ? pods.map(describePod) : [`no pods with label ${TEST_OBJECTS.label}`]));
  }
  if (eventsJson !== undefined) lines.push(...parseEvents(eventsJson, EVENT_LIMIT).map(describeEvent));
  return lines;
}

export async function gatherDiagnostics(adapter: ClusterAdapter, signal?: AbortSignal): Promise<string[]> {
  const ns = TEST_OBJECTS.namespace;
  const [pods, events] = await Promise.all([
    adapter.kubectl(["get", "pods", "-n", ns, "-l", TEST_OBJECTS.label, "-o", "json"], { signal }),
    adapter.kubectl(["get", "events", "-n", ns, "-o", "json"], { signal }),
  ]);
  const lines = formatDiagnostics(
    pods.code === 0 ? pods.stdout : undefined,
    events.code === 0 ? events.stdout : undefined,
  );
  if (pods.code !== 0) lines.push(`kubectl get pods failed: ${firstLine(pods.stderr)}`);
  if (events.code !== 0) lines.push(`kubectl get events failed: ${firstLine(events.stderr)}`);
  return lines;
}
