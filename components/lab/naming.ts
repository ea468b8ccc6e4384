/**
 * Stack names and the name prefix each kind of stack gets. Pure.
 *
 * - `lab` (and any other named stack): used as its stack file says.
 * - `dev-<name>`: a developer's own stack; `--stack dev` means `dev-$USER`. Its kind clusters
 *   and containers are prefixed `<name>-`, so two developers on one host never share a name.
 * - `ci-<run>-<random>`: a throwaway stack made by `npm run lab -- ci`, prefixed `ci-<random>-`.
 */

/** kind names (and so our prefixes) allow `[a-z0-9.-]` only. */
const KIND_SAFE = /[^a-z0-9.-]+/g;
/** loadLabConfig allows a namePrefix of at most 20 characters; the prefix adds a `-`. */
export const MAX_USER_PART = 19;

export type StackKind = "dev" | "ci" | "named";

/**
 * Lowercase, characters outside `[a-z0-9.-]` become `-`, runs of `-` collapse, no `-` or `.`
 * at either end, at most 19 characters. Empty input gives `me`.
 */
export function sanitizeName(raw: string, max = MAX_USER_PART): string {
  const cleaned = raw
    .toLowerCase()
    .replace(KIND_SAFE, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|[-.]+$/g, "")
    .slice(0, max)
    .replace(/[-.]+$/g, "");
  return cleaned || "me";
}

/** The user name the default dev stack is named after: $USER, then $USERNAME, then the OS account. */
export function currentUser(env: Record<string, string | undefined>, osUser: () => string): string {
  if (env.USER) return env.USER;
  if (env.USERNAME) return env.USERNAME;
  try {
    return osUser();
  } catch {
    return "";
  }
}

export interface ResolvedStack {
  name: string;
  kind: StackKind;
  /** The part after `dev-` for dev stacks. */
  user?: string;
  /** Set when the name given was changed to make it safe, for a notice. */
  renamedFrom?: string;
}

/**
 * Resolves `--stack`: absent gives `lab`; `dev` gives `dev-<user>`; `dev-<name>` is sanitised.
 * Other names are kept as given (they name a file in stacks/).
 */
export function resolveStackName(given: string | undefined, user: string): ResolvedStack {
  if (given === undefined || given === "") return { name: "lab", kind: "named" };
  if (given === "dev") {
    const u = sanitizeName(user);
    return { name: `dev-${u}`, kind: "dev", user: u };
  }
  if (given.startsWith("dev-") && given !== "dev-") {
    const u = sanitizeName(given.slice(4));
    const name = `dev-${u}`;
    return { name, kind: "dev", user: u, ...(name !== given ? { renamedFrom: given } : {}) };
  }
  if (/^ci-/.test(given)) return { name: given, kind: "ci" };
  return { name: given, kind: "named" };
}

/** The namePrefix a dev or ci stack gets: `<user>-` or `ci-<random>-`; undefined for named stacks. */
export function namePrefixFor(stack: ResolvedStack): string | undefined {
  if (stack.kind === "dev") return `${stack.user ?? sanitizeName(stack.name.slice(4))}-`;
  if (stack.kind === "ci") {
    const random = /-([a-z0-9]+)$/.exec(stack.name)?.[1] ?? "x";
    return `ci-${random.slice(0, 8)}-`;
  }
  return undefined;
}

/**
 * A unique CI stack name, `ci-<run>-<random>`: the CI run id when there is one (GitHub's
 * GITHUB_RUN_ID and attempt, GitLab's CI_PIPELINE_ID), else a UTC timestamp.
 */
export function ciStackName(
  env: Record<string, string | undefined>,
  now: Date,
  randomHex: string,
): ResolvedStack {
  let run: string;
  if (env.GITHUB_RUN_ID)
    run = `${env.GITHUB_RUN_ID}${env.GITHUB_RUN_ATTEMPT ? `.${env.GITHUB_RUN_ATTEMPT}` : ""}`;
  else if (env.CI_PIPELINE_ID) run = env.CI_PIPELINE_ID;
  else run = now.toISOString().replace(/[-:]/g, "").replace(/\..*$/, "").replace("T", "t");
  const safeRun = sanitizeName(run, 24);
  const random = sanitizeName(randomHex, 6);
  return { name: `ci-${safeRun}-${random}`, kind: "ci" };
}
