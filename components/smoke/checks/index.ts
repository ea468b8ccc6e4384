/** The checks of LAB-SPEC §4 in report order, and their dependency graph. */
import { SMOKE_CHECK_IDS } from "../../config/smoke";
import type { AnySmokeCheck, SmokeCheckId } from "../types";
import { deployment } from "./deployment";
import { encryptionAtRest } from "./encryption-at-rest";
import { exec } from "./exec";
import { logs } from "./logs";
import { nodeport } from "./nodeport";
import { platformAccess } from "./platform-access";
import { podNetwork } from "./pod-network";
import { portForward } from "./port-forward";
import { runtime } from "./runtime";
import { scale } from "./scale";
import { spread } from "./spread";

const BY_ID: Record<SmokeCheckId, AnySmokeCheck> = {
  "encryption-at-rest": encryptionAtRest,
  deployment,
  scale,
  spread,
  "pod-network": podNetwork,
  "port-forward": portForward,
  logs,
  exec,
  nodeport,
  runtime,
  "platform-access": platformAccess,
};

export const ALL_CHECKS: readonly AnySmokeCheck[] = SMOKE_CHECK_IDS.map((id) => BY_ID[id]);
