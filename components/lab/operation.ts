/**
 * Runs one Pulumi operation (up or destroy) with progress by phase, a heartbeat during quiet
 * stretches, and a failure explained from the engine's own error diagnostics.
 */
import { passphraseHint } from "./exit-codes";
import { formatElapsed, PhaseTracker } from "./progress";
import type { OperationHooks, OutputMap } from "./workspace";

export interface OperationIo {
  log: (line: string) => void;
  now: () => number;
  /** Print Pulumi's own output as it comes. */
  verbose: boolean;
  /** Milliseconds between "still working" lines; 0 turns them off. Default 30 s. */
  heartbeatMs?: number;
}

export type OperationOutcome<T> =
  | { ok: true; value: T; tracker: PhaseTracker; elapsedMs: number }
  | { ok: false; error: unknown; tracker: PhaseTracker; elapsedMs: number; explanation: string[] };

const TAIL_LINES = 30;

/** Why an operation failed, in a few lines: the engine's error diagnostics, else the end of its output. */
export function explainFailure(error: unknown, diagnostics: string[], tail: string[]): string[] {
  const text = error instanceof Error ? error.message : String(error);
  const lines: string[] = [];
  if (diagnostics.length > 0) {
    for (const d of diagnostics) lines.push(...d.split("\n").map((l) => `  ${l}`));
  } else {
    const source = tail.length > 0 ? tail : text.split("\n");
    lines.push(
      ...source
        .map((l) => l.trimEnd())
        .filter((l) => l.trim() !== "")
        .slice(-15)
        .map((l) => `  ${l}`),
    );
  }
  if (/currently locked/i.test(text)) {
    lines.push(
      "  The stack is locked: another lab command may still run on it. If none does, the lock is stale:",
      "  remove it under .lab/state/.pulumi/locks/ (or with PULUMI_BACKEND_URL set: `pulumi cancel`).",
    );
  }
  lines.push(...passphraseHint([...diagnostics, ...tail, text]).map((l) => `  ${l}`));
  return lines;
}

export async function runOperation<T>(
  name: string,
  io: OperationIo,
  op: (hooks: OperationHooks) => Promise<T>,
  signal?: AbortSignal,
): Promise<OperationOutcome<T>> {
  const started = io.now();
  const tracker = new PhaseTracker(started);
  const tail: string[] = [];
  let lastLine = started;
  const print = (line: string) => {
    lastLine = io.now();
    io.log(line);
  };
  const every = io.heartbeatMs ?? 30_000;
  const timer =
    every > 0
      ? setInterval(() => {
          if (io.now() - lastLine < every) return;
          const beat =
            tracker.heartbeat(io.now()) ?? `[${formatElapsed(io.now() - started)}] ${name}: still working`;
          print(beat);
        }, every)
      : undefined;
  timer?.unref?.();
  try {
    const value = await op({
      signal,
      onEvent: (event) => {
        for (const line of tracker.handle(event, io.now())) print(line);
      },
      onOutput: (text) => {
        for (const line of text.split("\n")) {
          if (io.verbose && line.trim()) print(`  | ${line}`);
          tail.push(line);
          if (tail.length > TAIL_LINES) tail.shift();
        }
      },
    });
    return { ok: true, value, tracker, elapsedMs: io.now() - started };
  } catch (error) {
    return {
      ok: false,
      error,
      tracker,
      elapsedMs: io.now() - started,
      explanation: explainFailure(error, tracker.errors, tail),
    };
  } finally {
    if (timer) clearInterval(timer);
  }
}

export type { OutputMap };
