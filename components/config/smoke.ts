/**
 * The `smoke` key: the Kubernetes the Hard Way smoke suite. Owner: smoke suite (issue 5).
 * STUB: shape fixed loosely, validation rules still to be written.
 */
import { Problems } from "./problems";
import type { RawConfig } from "./raw";

export interface SmokeConfig {
  enabled: boolean;
  /** `always`: re-run on every `up`; `onChange`: only when the cluster or test objects change. */
  rerun: "always" | "onChange";
  nginxImage: string;
  /** Per-check timeout. */
  checkTimeoutSeconds: number;
}

export const SMOKE_KEYS = ["smoke"] as const;

export function validateSmoke(raw: RawConfig, problems: Problems): SmokeConfig {
  void raw;
  void problems;
  return { enabled: true, rerun: "always", nginxImage: "nginx:1.27.5", checkTimeoutSeconds: 120 };
}
