/**
 * The `smoke` key: the Kubernetes the Hard Way smoke suite (LAB-SPEC §4). Owner: smoke suite (issue 5).
 *
 * ```yaml
 * kind-access-lab:smoke:
 *   enabled: true            # default true
 *   rerun: always            # always | onChange, default always
 *   nginxImage: nginx:1.30.4 # pinned: a x.y.z tag or a digest
 *   checkTimeoutSeconds: 120 # per check
 *   suiteTimeoutSeconds: 600 # per cluster
 *   skip: [nodeport]         # check ids, default []
 *   loginId: qp-admin        # QueryPie user whose access platform-access checks
 * ```
 */
import { Problems } from "./problems";
import type { RawConfig } from "./raw";

/** Stable check ids, in report order (LAB-SPEC §4). */
export const SMOKE_CHECK_IDS = [
  "encryption-at-rest",
  "deployment",
  "scale",
  "spread",
  "pod-network",
  "port-forward",
  "logs",
  "exec",
  "nodeport",
  "runtime",
  "platform-access",
] as const;

export type SmokeCheckId = (typeof SMOKE_CHECK_IDS)[number];

export interface SmokeConfig {
  /** Run the suite at all. Default true. */
  enabled: boolean;
  /** `always`: re-run on every `up`; `onChange`: only when the cluster or test objects change. Default `always`. */
  rerun: "always" | "onChange";
  /** Image of the nginx test Deployment; pinned (x.y.z tag or digest). Default `nginx:1.30.4`. */
  nginxImage: string;
  /** Bound on one check, in seconds. Default 120 (the first image pull can take a minute). */
  checkTimeoutSeconds: number;
  /** Bound on one cluster's whole suite, in seconds. Default 600. */
  suiteTimeoutSeconds: number;
  /** Check ids not to run; reported as skipped. Default `[]`. */
  skip: SmokeCheckId[];
  /** QueryPie login id whose accessible clusters `platform-access` reads. Default `qp-admin`. */
  loginId: string;
}

export const SMOKE_KEYS = ["smoke"] as const;

export const SMOKE_DEFAULTS: SmokeConfig = Object.freeze({
  enabled: true,
  rerun: "always",
  nginxImage: "nginx:1.30.4",
  checkTimeoutSeconds: 120,
  suiteTimeoutSeconds: 600,
  skip: [],
  loginId: "qp-admin",
}) as SmokeConfig;

const FIELDS = Object.keys(SMOKE_DEFAULTS);
const RERUN = ["always", "onChange"] as const;
const IMAGE = /^[a-z0-9]([a-zA-Z0-9._/:-]*[a-zA-Z0-9])?(@sha256:[a-f0-9]{64})?$/;
const VERSION = /\d+\.\d+\.\d+/;
const LOGIN_ID = /^\S{1,100}$/;

/** Splits `repo[:tag][@digest]`; a `:` before the last `/` belongs to a registry port. */
export function imageParts(image: string): { repo: string; tag?: string; digest?: string } {
  const [nameTag, digest] = image.split("@", 2);
  const slash = nameTag.lastIndexOf("/");
  const colon = nameTag.lastIndexOf(":");
  if (colon > slash) return { repo: nameTag.slice(0, colon), tag: nameTag.slice(colon + 1), digest };
  return { repo: nameTag, digest };
}

/** Pinned means a digest, or a tag that names a full x.y.z version (`latest`, `1.30` and `stable` move). */
export function isPinnedImage(image: string): boolean {
  const { tag, digest } = imageParts(image);
  return digest !== undefined || (tag !== undefined && VERSION.test(tag));
}

function wholeIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

export function validateSmoke(raw: RawConfig, problems: Problems): SmokeConfig {
  const given = raw.smoke ?? {};
  if (typeof given !== "object" || given === null || Array.isArray(given)) {
    problems.add(
      "smoke",
      given,
      "must be a map of smoke settings",
      "use e.g. {enabled: true, rerun: always}, or leave it unset for the defaults",
    );
    return { ...SMOKE_DEFAULTS, skip: [] };
  }
  const s = given as Record<string, unknown>;
  const out: SmokeConfig = { ...SMOKE_DEFAULTS, skip: [] };

  for (const key of Object.keys(s)) {
    if (!FIELDS.includes(key)) {
      problems.add(`smoke.${key}`, s[key], "is not a smoke setting", `use one of ${FIELDS.join(", ")}`);
    }
  }

  if (s.enabled !== undefined) {
    if (typeof s.enabled === "boolean") out.enabled = s.enabled;
    else
      problems.add(
        "smoke.enabled",
        s.enabled,
        "must be true or false",
        "use true to run the suite on every up, false to leave it out",
      );
  }

  if (s.rerun !== undefined) {
    if (RERUN.includes(s.rerun as SmokeConfig["rerun"])) out.rerun = s.rerun as SmokeConfig["rerun"];
    else
      problems.add(
        "smoke.rerun",
        s.rerun,
        "must be always or onChange",
        "use always (every up) or onChange (only when the cluster or the test objects change)",
      );
  }

  if (s.nginxImage !== undefined) {
    if (typeof s.nginxImage !== "string" || !IMAGE.test(s.nginxImage)) {
      problems.add("smoke.nginxImage", s.nginxImage, "is not an image reference", 'use e.g. "nginx:1.30.4"');
    } else if (!isPinnedImage(s.nginxImage)) {
      problems.add(
        "smoke.nginxImage",
        s.nginxImage,
        "is not pinned: its tag can move, so two runs could test different images",
        'pin a full version tag or a digest, e.g. "nginx:1.30.4"',
      );
    } else out.nginxImage = s.nginxImage;
  }

  if (s.checkTimeoutSeconds !== undefined) {
    if (wholeIn(s.checkTimeoutSeconds, 10, 1800)) out.checkTimeoutSeconds = s.checkTimeoutSeconds;
    else
      problems.add(
        "smoke.checkTimeoutSeconds",
        s.checkTimeoutSeconds,
        "must be a whole number of seconds from 10 to 1800",
        "use e.g. 120 (the first nginx image pull can take a minute)",
      );
  }

  if (s.suiteTimeoutSeconds !== undefined) {
    if (!wholeIn(s.suiteTimeoutSeconds, 30, 7200)) {
      problems.add(
        "smoke.suiteTimeoutSeconds",
        s.suiteTimeoutSeconds,
        "must be a whole number of seconds from 30 to 7200",
        "use e.g. 600",
      );
    } else if (s.suiteTimeoutSeconds < out.checkTimeoutSeconds) {
      problems.add(
        "smoke.suiteTimeoutSeconds",
        s.suiteTimeoutSeconds,
        `is shorter than checkTimeoutSeconds (${out.checkTimeoutSeconds}), so a slow check could never finish`,
        `use at least ${out.checkTimeoutSeconds}, e.g. ${Math.max(600, out.checkTimeoutSeconds)}`,
      );
    } else out.suiteTimeoutSeconds = s.suiteTimeoutSeconds;
  }

  if (s.skip !== undefined) {
    if (!Array.isArray(s.skip)) {
      problems.add("smoke.skip", s.skip, "must be a list of check ids", "use e.g. [nodeport, pod-network]");
    } else {
      s.skip.forEach((id, i) => {
        if (!SMOKE_CHECK_IDS.includes(id as SmokeCheckId)) {
          problems.add(
            `smoke.skip[${i}]`,
            id,
            "is not a smoke check id",
            `use one of ${SMOKE_CHECK_IDS.join(", ")}`,
          );
        } else if (out.skip.includes(id as SmokeCheckId)) {
          problems.add(`smoke.skip[${i}]`, id, "is listed twice", "list each check once");
        } else out.skip.push(id as SmokeCheckId);
      });
    }
  }

  if (s.loginId !== undefined) {
    if (typeof s.loginId === "string" && LOGIN_ID.test(s.loginId)) out.loginId = s.loginId;
    else
      problems.add(
        "smoke.loginId",
        s.loginId,
        "must be a QueryPie login id (1 to 100 characters, no spaces)",
        'use e.g. "qp-admin"',
      );
  }

  return out;
}
