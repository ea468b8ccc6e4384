/**
 * KacPolicy documents (what QueryPie's "Editor Mode" edits): their rules, checked before any
 * API call, and a canonical YAML rendering so that content is compared by meaning, not by
 * formatting. Pure: no I/O.
 */
import { stringify } from "yaml";

export const KAC_POLICY_API_VERSION = "kubernetes.rbac.querypie.com/v1";
export const KAC_POLICY_KIND = "KacPolicy";

/** Verbs of the Kubernetes API (request verbs plus the RBAC special verbs); `*` means all. */
export const KUBERNETES_VERBS = [
  "get",
  "list",
  "watch",
  "create",
  "update",
  "patch",
  "delete",
  "deletecollection",
  "impersonate",
  "bind",
  "escalate",
  "use",
  "approve",
  "sign",
] as const;

export interface KacAction {
  apiGroups: string[];
  resources: string[];
  namespace: string;
  name: string;
  verbs: string[];
}

export interface KacSubjects {
  kubernetesGroups?: string[];
  kubernetesUsers?: string[];
}

export interface KacRule {
  /** QueryPie cluster names, `cluster:<glob>` or `cluster:^<RE2>$`. */
  resources: string[];
  /** Who the KAC proxy impersonates; allow only. */
  subjects?: KacSubjects;
  actions: KacAction[];
  /** Passed through unchecked (QueryPie's attribute conditions). */
  conditions?: Record<string, unknown>;
}

export interface KacPolicyDocument {
  apiVersion: typeof KAC_POLICY_API_VERSION;
  kind: typeof KAC_POLICY_KIND;
  spec: { allow: KacRule; deny?: KacRule };
}

/** The seed's `product-policy`: full admin on every registered cluster. */
export function fullAdminPolicy(): KacPolicyDocument {
  return {
    apiVersion: KAC_POLICY_API_VERSION,
    kind: KAC_POLICY_KIND,
    spec: {
      allow: {
        resources: ["cluster:*"],
        subjects: { kubernetesGroups: ["system:masters"] },
        actions: [{ apiGroups: ["*"], resources: ["*"], namespace: "*", name: "*", verbs: ["*"] }],
      },
    },
  };
}

/** One broken rule of a document; `path` is relative to the document, e.g. `spec.allow.actions[0].verbs`. */
export interface PolicyIssue {
  path: string;
  value: unknown;
  message: string;
  fix: string;
}

const RULE_KEYS: Record<"allow" | "deny", string[]> = {
  allow: ["resources", "subjects", "actions", "conditions"],
  deny: ["resources", "actions", "conditions"],
};
const ACTION_KEYS = ["apiGroups", "resources", "namespace", "name", "verbs"];
const SUBJECT_KEYS = ["kubernetesGroups", "kubernetesUsers"];
const CLUSTER_PREFIX = "cluster:";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isStringList = (v: unknown, allowEmptyItems = false): v is string[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every((s) => typeof s === "string" && (allowEmptyItems || s.length > 0));

/** RE2 has no lookaround and no back-references; JavaScript would accept them silently. */
const NOT_RE2 = /\(\?<?[=!]|\\[1-9]|\\k</;

/**
 * Compiles a `cluster:` pattern (without the prefix) to a matcher. `^...$` is RE2 (as QueryPie
 * requires the anchors to be explicit), anything else a glob where only `*` is special.
 * Returns an error text instead when the pattern cannot be used.
 */
export function compileClusterPattern(pattern: string): RegExp | string {
  if (pattern.startsWith("^") && pattern.endsWith("$") && pattern.length > 1) {
    if (NOT_RE2.test(pattern)) return "uses lookaround or a back-reference, which RE2 does not support";
    try {
      return new RegExp(pattern.replace(/\(\?P</g, "(?<"));
    } catch (e) {
      return `is not a valid regular expression (${(e as Error).message})`;
    }
  }
  if (pattern.startsWith("^") || pattern.endsWith("$")) {
    return "looks like a regular expression but is not anchored at both ends";
  }
  const body = pattern
    .split("*")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${body}$`);
}

/** True when a `cluster:` resource pattern matches the QueryPie cluster name. */
export function clusterPatternMatches(resource: string, clusterName: string): boolean {
  if (!resource.startsWith(CLUSTER_PREFIX)) return false;
  const re = compileClusterPattern(resource.slice(CLUSTER_PREFIX.length));
  return typeof re !== "string" && re.test(clusterName);
}

function unknownKeys(
  obj: Record<string, unknown>,
  known: string[],
  path: string,
  where: string,
  issues: PolicyIssue[],
) {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      issues.push({
        path: path ? `${path}.${key}` : key,
        value: obj[key],
        message: `is not a key of ${where}`,
        fix: `use only ${known.join(", ")}`,
      });
    }
  }
}

function checkStringList(
  obj: Record<string, unknown>,
  key: string,
  path: string,
  example: string,
  issues: PolicyIssue[],
  allowEmptyItems = false,
): boolean {
  if (isStringList(obj[key], allowEmptyItems)) return true;
  issues.push({
    path: `${path}.${key}`,
    value: obj[key],
    message:
      obj[key] === undefined
        ? "is required"
        : `must be a non-empty list of ${allowEmptyItems ? "" : "non-empty "}strings`,
    fix: `use e.g. ${example}`,
  });
  return false;
}

function checkResources(
  rule: Record<string, unknown>,
  path: string,
  clusterNames: string[],
  issues: PolicyIssue[],
) {
  if (!checkStringList(rule, "resources", path, '["cluster:*"]', issues)) return;
  (rule.resources as string[]).forEach((resource, i) => {
    const at = `${path}.resources[${i}]`;
    if (!resource.startsWith(CLUSTER_PREFIX)) {
      issues.push({
        path: at,
        value: resource,
        message: 'must start with "cluster:" (KAC policies apply to QueryPie clusters)',
        fix: `use "cluster:${resource}" or "cluster:*"`,
      });
      return;
    }
    const re = compileClusterPattern(resource.slice(CLUSTER_PREFIX.length));
    if (typeof re === "string") {
      issues.push({
        path: at,
        value: resource,
        message: re,
        fix: 'use a glob like "cluster:prod-*" or "cluster:^prod-.*$"',
      });
      return;
    }
    // With no cluster declared the clusters section reports that; matching would only add noise.
    if (clusterNames.length > 0 && !clusterNames.some((n) => re.test(n))) {
      issues.push({
        path: at,
        value: resource,
        message: `matches none of the declared clusters (${clusterNames.join(", ")})`,
        fix: 'name a cluster\'s registration.name, or use "cluster:*"',
      });
    }
  });
}

function checkSubjects(rule: Record<string, unknown>, path: string, issues: PolicyIssue[]) {
  const at = `${path}.subjects`;
  const subjects = rule.subjects;
  const fix = 'use e.g. {kubernetesGroups: ["system:masters"]}';
  if (!isObject(subjects)) {
    issues.push({
      path: at,
      value: subjects,
      message: subjects === undefined ? "is required" : "must be a map",
      fix,
    });
    return;
  }
  unknownKeys(subjects, SUBJECT_KEYS, at, "subjects", issues);
  const present = SUBJECT_KEYS.filter((k) => subjects[k] !== undefined);
  if (present.length === 0) {
    issues.push({
      path: at,
      value: subjects,
      message: "names no Kubernetes group or user to impersonate",
      fix,
    });
  }
  for (const key of present) checkStringList(subjects, key, at, '["system:masters"]', issues);
}

function checkAction(action: unknown, path: string, issues: PolicyIssue[]) {
  if (!isObject(action)) {
    issues.push({
      path,
      value: action,
      message: "must be a map",
      fix: 'use {apiGroups: ["*"], resources: ["*"], namespace: "*", name: "*", verbs: ["*"]}',
    });
    return;
  }
  unknownKeys(action, ACTION_KEYS, path, "an action", issues);
  // The core API group is the empty string.
  checkStringList(action, "apiGroups", path, '["*"], or [""] for the core group', issues, true);
  checkStringList(action, "resources", path, '["pods"] or ["*"]', issues);
  for (const key of ["namespace", "name"]) {
    if (typeof action[key] !== "string" || action[key] === "") {
      issues.push({
        path: `${path}.${key}`,
        value: action[key],
        message: action[key] === undefined ? "is required" : "must be a non-empty string",
        fix: 'use "*" for all, a name, or an RE2 pattern like "^team-.*$"',
      });
    }
  }
  if (!checkStringList(action, "verbs", path, '["get", "list", "watch"] or ["*"]', issues)) return;
  (action.verbs as string[]).forEach((verb, i) => {
    if (verb !== "*" && !(KUBERNETES_VERBS as readonly string[]).includes(verb)) {
      issues.push({
        path: `${path}.verbs[${i}]`,
        value: verb,
        message: "is not a Kubernetes verb",
        fix: `use "*" or one of ${KUBERNETES_VERBS.join(", ")}`,
      });
    }
  });
}

function checkRule(rule: unknown, effect: "allow" | "deny", clusterNames: string[], issues: PolicyIssue[]) {
  const path = `spec.${effect}`;
  if (!isObject(rule)) {
    issues.push({
      path,
      value: rule,
      message: "must be a map with resources and actions",
      fix: "see the KacPolicy example in docs/access.md",
    });
    return;
  }
  unknownKeys(rule, RULE_KEYS[effect], path, `spec.${effect}`, issues);
  checkResources(rule, path, clusterNames, issues);
  if (effect === "allow") checkSubjects(rule, path, issues);
  if (rule.conditions !== undefined && !isObject(rule.conditions)) {
    issues.push({
      path: `${path}.conditions`,
      value: rule.conditions,
      message: "must be a map",
      fix: "remove it or give a map",
    });
  }
  const actions = rule.actions;
  if (!Array.isArray(actions) || actions.length === 0) {
    issues.push({
      path: `${path}.actions`,
      value: actions,
      message: actions === undefined ? "is required" : "must be a non-empty list",
      fix: 'use [{apiGroups: ["*"], resources: ["*"], namespace: "*", name: "*", verbs: ["*"]}]',
    });
    return;
  }
  actions.forEach((a, i) => checkAction(a, `${path}.actions[${i}]`, issues));
}

/**
 * Every way the document breaks the KacPolicy rules, in document order; empty when valid.
 * `clusterNames` are the QueryPie names of the declared clusters: each `cluster:` pattern must
 * match at least one of them.
 */
export function checkPolicyDocument(doc: unknown, clusterNames: string[]): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  if (!isObject(doc)) {
    return [
      {
        path: "",
        value: doc,
        message: "must be a KacPolicy document (a map with apiVersion, kind and spec)",
        fix: "see the KacPolicy example in docs/access.md",
      },
    ];
  }
  unknownKeys(doc, ["apiVersion", "kind", "spec"], "", "a KacPolicy document", issues);
  if (doc.apiVersion !== KAC_POLICY_API_VERSION) {
    issues.push({
      path: "apiVersion",
      value: doc.apiVersion,
      message: doc.apiVersion === undefined ? "is required" : "is not the KacPolicy API version",
      fix: `use "${KAC_POLICY_API_VERSION}"`,
    });
  }
  if (doc.kind !== KAC_POLICY_KIND) {
    issues.push({
      path: "kind",
      value: doc.kind,
      message: doc.kind === undefined ? "is required" : "is not KacPolicy",
      fix: `use "${KAC_POLICY_KIND}"`,
    });
  }
  const spec = doc.spec;
  if (!isObject(spec)) {
    issues.push({
      path: "spec",
      value: spec,
      message: spec === undefined ? "is required" : "must be a map",
      fix: "give spec.allow (and optionally spec.deny)",
    });
    return issues;
  }
  unknownKeys(spec, ["allow", "deny"], "spec", "spec", issues);
  if (spec.allow === undefined) {
    issues.push({
      path: "spec.allow",
      value: undefined,
      message: "is required (a policy that allows nothing grants nothing)",
      fix: "add spec.allow with resources, subjects and actions",
    });
  } else {
    checkRule(spec.allow, "allow", clusterNames, issues);
  }
  if (spec.deny !== undefined) checkRule(spec.deny, "deny", clusterNames, issues);
  return issues;
}

/** Sorts map keys recursively so that equal documents render identically. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (isObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical(value[k])]),
    );
  }
  return value;
}

const HEAD_KEYS = ["apiVersion", "kind", "spec"];

/** The YAML sent as policy content: apiVersion, kind, spec first, keys sorted below, stable. */
export function renderPolicyContent(doc: KacPolicyDocument | Record<string, unknown>): string {
  const c = canonical(doc) as Record<string, unknown>;
  const ordered: Record<string, unknown> = {};
  for (const k of HEAD_KEYS) if (k in c) ordered[k] = c[k];
  for (const k of Object.keys(c)) if (!HEAD_KEYS.includes(k)) ordered[k] = c[k];
  return stringify(ordered, { lineWidth: 0 });
}

/**
 * True when two policy contents mean the same document, whatever their formatting or key
 * order. Content that is not YAML is compared as text.
 */
export function samePolicyContent(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  // Required at call time: this runs inside serialised dynamic providers, and Pulumi's closure
  // serialiser cannot capture the yaml package's internals; `require` resolves it in the
  // provider process instead.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parse } = require("yaml") as typeof import("yaml");
  try {
    return JSON.stringify(canonical(parse(a))) === JSON.stringify(canonical(parse(b)));
  } catch {
    return a.trim() === b.trim();
  }
}
