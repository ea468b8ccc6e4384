/**
 * encryption-at-rest: Secrets are encrypted in etcd. Reads the raw value of the Secret's
 * etcd key with etcdctl inside the etcd pod (JSON output, value base64: the etcd image has
 * no hexdump) and looks at the bytes themselves, bypassing the API server.
 */
import type { ExecResult } from "../adapter";
import { firstLine, parsePods } from "../k8s-json";
import { kubectlOk } from "../probe-util";
import { defineCheck, TEST_OBJECTS, type Verdict } from "../types";

export const ETCD_KEY = `/registry/secrets/${TEST_OBJECTS.namespace}/${TEST_OBJECTS.secret}`;
export const EXPECTED_PREFIX = "k8s:enc:aescbc:v1:key1:";
export const PLAINTEXT = "mydata";

const PKI = "/etc/kubernetes/pki/etcd";
export const ETCDCTL_ARGS = [
  "etcdctl",
  "--endpoints=https://127.0.0.1:2379",
  `--cacert=${PKI}/ca.crt`,
  `--cert=${PKI}/server.crt`,
  `--key=${PKI}/server.key`,
  "get",
  ETCD_KEY,
  "-w",
  "json",
];

export interface EncryptionEvidence {
  etcdPod: string;
  etcdctl: ExecResult;
}

/** The leading printable ASCII of a byte string, e.g. `k8s:enc:aescbc:v1:key1:` or `k8s`. */
export function printablePrefix(bytes: Buffer, max = 40): string {
  let end = 0;
  while (end < bytes.length && end < max && bytes[end] >= 0x20 && bytes[end] < 0x7f) end++;
  return bytes.subarray(0, end).toString("latin1");
}

export function verdict(e: EncryptionEvidence): Verdict {
  const base = { etcdPod: e.etcdPod, key: ETCD_KEY };
  if (e.etcdctl.code !== 0) {
    return {
      status: "error",
      message: `etcdctl in ${e.etcdPod} failed (exit ${e.etcdctl.code}): ${firstLine(e.etcdctl.stderr)}`,
      evidence: base,
    };
  }
  let kvs: { value?: string }[];
  try {
    kvs = (JSON.parse(e.etcdctl.stdout) as { kvs?: { value?: string }[] }).kvs ?? [];
  } catch {
    return {
      status: "error",
      message: `etcdctl printed no JSON: ${firstLine(e.etcdctl.stdout)}`,
      evidence: base,
    };
  }
  if (kvs.length === 0 || kvs[0].value === undefined) {
    return {
      status: "failed",
      message: `etcd has no key ${ETCD_KEY}: the Secret ${TEST_OBJECTS.secret} does not exist (pulumi up declares it)`,
      evidence: { ...base, found: false },
    };
  }
  const bytes = Buffer.from(kvs[0].value, "base64");
  const prefix = printablePrefix(bytes);
  const containsPlaintext = bytes.includes(PLAINTEXT);
  const evidence = { ...base, found: true, valueBytes: bytes.length, prefix, containsPlaintext };
  if (bytes.subarray(0, EXPECTED_PREFIX.length).toString("latin1") !== EXPECTED_PREFIX) {
    const plain = prefix.startsWith("k8s") && !prefix.startsWith("k8s:enc:");
    return {
      status: "failed",
      message: plain
        ? `the value is stored unencrypted (starts "${prefix}"${containsPlaintext ? `, contains "${PLAINTEXT}"` : ""}): ` +
          "the API server runs without the aescbc encryption config"
        : `the value starts "${prefix}", not "${EXPECTED_PREFIX}": another provider or key encrypted it`,
      evidence,
    };
  }
  if (containsPlaintext) {
    return {
      status: "failed",
      message: `the value has the aescbc prefix but still contains "${PLAINTEXT}" in clear`,
      evidence,
    };
  }
  return {
    status: "passed",
    message: `etcd holds ${bytes.length} bytes starting "${EXPECTED_PREFIX}", without "${PLAINTEXT}"`,
    evidence,
  };
}

export const encryptionAtRest = defineCheck<EncryptionEvidence>({
  id: "encryption-at-rest",
  proves: "Secrets are encrypted in etcd",
  needs: [],
  diagnose: false,
  async probe(ctx) {
    const pods = parsePods(
      await kubectlOk(ctx, ["get", "pods", "-n", "kube-system", "-l", "component=etcd", "-o", "json"]),
    );
    const etcd = pods.find((p) => p.phase === "Running") ?? pods[0];
    if (!etcd) throw new Error("no etcd pod (label component=etcd) in kube-system");
    const etcdctl = await ctx.adapter.kubectl(
      ["exec", "-n", "kube-system", etcd.name, "--", ...ETCDCTL_ARGS],
      {
        signal: ctx.signal,
      },
    );
    return { etcdPod: etcd.name, etcdctl };
  },
  verdict,
});
