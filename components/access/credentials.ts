/**
 * The service-account credentials QueryPie needs, read from the token Secret's `data`
 * (base64 values, as the Kubernetes API returns them). Pure. Errors never include the values.
 */
import type { CaEncoding } from "../config/access";

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function decodeBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0 || !BASE64.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}

/** The PEM text of a CA given as PEM or as base64 of PEM (a Secret's `ca.crt`). */
export function caPem(ca: string): string {
  if (PEM_CERT.test(ca)) return ca.trim() + "\n";
  const decoded = decodeBase64(ca);
  if (decoded !== undefined && PEM_CERT.test(decoded)) return decoded.trim() + "\n";
  throw new Error(
    "The cluster CA is neither a PEM certificate nor base64 of one, so QueryPie could not verify the " +
      "API server. Check the `ca.crt` key of Secret querypie/querypie-sa-secret.",
  );
}

/**
 * The `certificateAuthority` value sent to QueryPie: `base64` (base64 of the PEM, one line; what
 * the vendor API file says) or `pem` (the PEM text; what the web form takes).
 */
export function certificateAuthorityPayload(ca: string, encoding: CaEncoding): string {
  const pem = caPem(ca);
  return encoding === "pem" ? pem : Buffer.from(pem, "utf8").toString("base64");
}

/**
 * The service-account token from the Secret's base64 `data.token`, or undefined while the token
 * controller has not filled it yet.
 */
export function tokenFromSecretData(data: Record<string, string> | undefined): string | undefined {
  const raw = data?.token;
  if (!raw) return undefined;
  const token = decodeBase64(raw)?.trim();
  return token ? token : undefined;
}
