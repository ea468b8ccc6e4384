/**
 * Config problems: every validation rule reports the key, the bad value and the fix,
 * and validation collects all of them before anything is created.
 */

/** Config keys live in the Pulumi project namespace. */
export const CONFIG_NAMESPACE = "kind-access-lab";

export interface ConfigProblem {
  /** Path of the bad value, e.g. `clusters[1].serviceSubnet`. */
  key: string;
  /** The value as given (never a secret's plaintext: pass a placeholder for those). */
  value: unknown;
  /** What is wrong, one clause. */
  message: string;
  /** What to do instead, one clause. */
  fix: string;
}

/** Collects problems during validation; validators never throw for bad input. */
export class Problems {
  readonly list: ConfigProblem[] = [];

  add(key: string, value: unknown, message: string, fix: string): void {
    this.list.push({ key, value, message, fix });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }
}

function showValue(value: unknown): string {
  if (value === undefined) return "(not set)";
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** One line per problem: `kind-access-lab:<key> = <value>: <message>. Fix: <fix>.` */
export function formatProblem(p: ConfigProblem): string {
  return `${CONFIG_NAMESPACE}:${p.key} = ${showValue(p.value)}: ${p.message}. Fix: ${p.fix}.`;
}

/** Thrown by `loadLabConfig` when any rule fails; the message lists every problem. */
export class LabConfigError extends Error {
  constructor(
    readonly problems: ConfigProblem[],
    readonly stack_?: string,
  ) {
    const where = stack_ ? ` of stack "${stack_}"` : "";
    super(
      `The lab config${where} has ${problems.length} problem${problems.length === 1 ? "" : "s"}; nothing was created.\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join("\n"),
    );
    this.name = "LabConfigError";
  }
}
