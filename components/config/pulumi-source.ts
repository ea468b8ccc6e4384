/**
 * Raw config from inside a running Pulumi program. Secret keys are replaced by a marker,
 * so their plaintext never reaches validation messages; read them with `config.requireSecret`.
 */
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE } from "./problems";
import { SECRET_SET, type RawConfig } from "./raw";

// Exported by the runtime's JavaScript but missing from its type declarations.
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean })
  .isConfigSecret;

export function rawFromPulumi(): RawConfig {
  const raw: RawConfig = {};
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    const [ns, ...rest] = fullKey.split(":");
    if (ns !== CONFIG_NAMESPACE || rest.length === 0) continue;
    if (isConfigSecret?.(fullKey)) {
      raw[rest.join(":")] = SECRET_SET;
      continue;
    }
    try {
      raw[rest.join(":")] = JSON.parse(text);
    } catch {
      raw[rest.join(":")] = text;
    }
  }
  return raw;
}
