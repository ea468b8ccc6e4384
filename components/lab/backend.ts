/**
 * Where Pulumi keeps state and how it encrypts secrets, with no login and no account:
 * a file backend in `<project>/.lab/state` and a passphrase generated once into
 * `<project>/.lab/passphrase` (mode 0600). Teams override either with the usual variables:
 * PULUMI_BACKEND_URL (S3, Pulumi Cloud, ...) and PULUMI_CONFIG_PASSPHRASE or
 * PULUMI_CONFIG_PASSPHRASE_FILE. Values travel to the CLI as environment variables of the
 * workspace, never as command-line arguments.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { pathToFileURL } from "node:url";

export interface BackendSettings {
  /** Environment variables for every Pulumi CLI call of the workspace. */
  envVars: Record<string, string>;
  /** Human-readable, no secrets: where state lives and where the passphrase comes from. */
  describe: { backend: string; passphrase: string };
}

export function labDir(projectDir: string): string {
  return path.join(projectDir, ".lab");
}

/** The file backend URL of a directory, e.g. `file:///home/a/lab/.lab/state`. */
export function fileBackendUrl(dir: string): string {
  return pathToFileURL(dir).href;
}

/** Reads or creates the passphrase file: 32 random bytes, base64url, owner-only. */
export function ensurePassphraseFile(
  file: string,
  random: () => Buffer = () => crypto.randomBytes(32),
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    // `wx`: never overwrite a passphrase; it is what decrypts every stack's secrets.
    fs.writeFileSync(file, random().toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  if (process.platform !== "win32" && (fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
}

export function resolveBackend(projectDir: string, env: Record<string, string | undefined>): BackendSettings {
  const envVars: Record<string, string> = {
    // The lab runs non-interactively; the update check would only add a network call.
    PULUMI_SKIP_UPDATE_CHECK: "true",
  };
  let backend: string;
  if (env.PULUMI_BACKEND_URL) {
    backend = `${env.PULUMI_BACKEND_URL} (from PULUMI_BACKEND_URL)`;
  } else {
    const stateDir = path.join(labDir(projectDir), "state");
    fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    envVars.PULUMI_BACKEND_URL = fileBackendUrl(stateDir);
    backend = `${envVars.PULUMI_BACKEND_URL} (local default)`;
  }
  let passphrase: string;
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) {
    passphrase = "PULUMI_CONFIG_PASSPHRASE";
  } else if (env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    passphrase = `${env.PULUMI_CONFIG_PASSPHRASE_FILE} (from PULUMI_CONFIG_PASSPHRASE_FILE)`;
  } else {
    const file = path.join(labDir(projectDir), "passphrase");
    ensurePassphraseFile(file);
    envVars.PULUMI_CONFIG_PASSPHRASE_FILE = file;
    passphrase = `${file} (generated once, mode 0600)`;
  }
  return { envVars, describe: { backend, passphrase } };
}

/** Shell lines that point the plain `pulumi` CLI at the same backend, for people who want it. */
export function exportLines(settings: BackendSettings): string[] {
  return ["PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE_FILE"]
    .filter((k) => settings.envVars[k])
    .map((k) => `export ${k}=${JSON.stringify(settings.envVars[k])}`);
}
