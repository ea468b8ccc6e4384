/**
 * Raw stack config: a plain map from key (without the project namespace) to value.
 * Two sources feed it: a stack file read without the Pulumi CLI (render, smoke, bench),
 * and the running Pulumi program. Secrets are never decrypted here: a secure value
 * read from a file is only a marker that the key is set.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { CONFIG_NAMESPACE } from "./problems";

export type RawConfig = Record<string, unknown>;

/** Marks a secret that is set in a stack file; its ciphertext is not kept. */
export const SECRET_SET = Object.freeze({ secret: "set" as const });

/** The project checkout: where Pulumi.yaml, stacks/ and scripts/ are. */
export const PROJECT_DIR = path.resolve(__dirname, "..", "..");
export const STACKS_DIR = path.join(PROJECT_DIR, "stacks");

export function stackFilePath(stack: string, stacksDir: string = STACKS_DIR): string {
  return path.join(stacksDir, `Pulumi.${stack}.yaml`);
}

/** Strips the project namespace and keeps only this project's keys. */
export function rawFromNamespaced(config: Record<string, unknown>): RawConfig {
  const raw: RawConfig = {};
  for (const [key, value] of Object.entries(config)) {
    const [ns, ...rest] = key.split(":");
    if (rest.length === 0 || ns !== CONFIG_NAMESPACE) continue;
    const isSecure = typeof value === "object" && value !== null && "secure" in value;
    raw[rest.join(":")] = isSecure ? SECRET_SET : typeof value === "string" ? parseLikeProgram(value) : value;
  }
  return raw;
}

/**
 * `pulumi config set portOffset 100` stores the string "100"; the running program sees its text
 * and rawFromPulumi parses it as JSON (100). Do the same here so both sources agree.
 */
function parseLikeProgram(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Reads `stacks/Pulumi.<stack>.yaml` without the Pulumi CLI. */
export function readStackFile(stack: string, stacksDir: string = STACKS_DIR): RawConfig {
  const file = stackFilePath(stack, stacksDir);
  if (!fs.existsSync(file)) {
    const known = fs.existsSync(stacksDir)
      ? fs
          .readdirSync(stacksDir)
          .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
          .filter((s): s is string => Boolean(s))
      : [];
    throw new Error(
      `No stack config at ${file}. Known stacks: ${known.join(", ") || "none"}. ` +
        `Pass --stack with one of them, or create the file (see stacks/Pulumi.dev.example.yaml).`,
    );
  }
  const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return rawFromNamespaced(doc.config ?? {});
}
