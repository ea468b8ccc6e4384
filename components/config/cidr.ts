/**
 * IPv4 CIDR helpers for the cluster rules: parse, canonical form, overlap. Pure.
 * kind accepts a CIDR with host bits set (`10.97.0.0/12`) and silently treats it as its
 * network (`10.96.0.0/12`); these helpers let validation say so before anything is created.
 */

export interface Cidr {
  /** Address as written, as an unsigned 32-bit number. */
  address: number;
  /** Prefix length, 0-32. */
  prefix: number;
}

const CIDR_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const IPV4_SHAPE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function octetsToNumber(octets: string[]): number | undefined {
  let n = 0;
  for (const o of octets) {
    // A leading zero reads as octal to some tools; refuse it rather than guess.
    if (o.length > 1 && o.startsWith("0")) return undefined;
    const v = Number(o);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Parses an IPv4 address such as `127.0.0.1`; undefined when it is not one. */
export function parseIpv4(text: string): number | undefined {
  const m = IPV4_SHAPE.exec(text);
  return m ? octetsToNumber(m.slice(1, 5)) : undefined;
}

/** Parses `a.b.c.d/n`; undefined when the text is not an IPv4 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
  const m = CIDR_SHAPE.exec(text);
  if (!m) return undefined;
  const address = octetsToNumber(m.slice(1, 5));
  const prefix = Number(m[5]);
  if (address === undefined || prefix > 32 || (m[5].length > 1 && m[5].startsWith("0"))) return undefined;
  return { address, prefix };
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** First address of the range (host bits cleared). */
export function networkAddress(c: Cidr): number {
  return (c.address & mask(c.prefix)) >>> 0;
}

/** Last address of the range. */
export function lastAddress(c: Cidr): number {
  return (networkAddress(c) + 2 ** (32 - c.prefix) - 1) >>> 0;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

/** The canonical text of the range: `10.97.0.0/12` → `10.96.0.0/12`. */
export function canonicalCidr(c: Cidr): string {
  return `${formatIpv4(networkAddress(c))}/${c.prefix}`;
}

/** True when the address has no bits set past the prefix. */
export function isCanonical(c: Cidr): boolean {
  return networkAddress(c) === c.address;
}

/** True when the two ranges share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return networkAddress(a) <= lastAddress(b) && networkAddress(b) <= lastAddress(a);
}
