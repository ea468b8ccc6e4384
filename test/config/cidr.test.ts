import { describe, expect, test } from "vitest";
import {
  canonicalCidr,
  cidrsOverlap,
  formatIpv4,
  isCanonical,
  parseCidr,
  parseIpv4,
} from "../../components/config/cidr";

describe("parseCidr", () => {
  test.each([
    ["10.240.0.0/16", { address: 0x0af00000, prefix: 16 }],
    ["0.0.0.0/0", { address: 0, prefix: 0 }],
    ["255.255.255.255/32", { address: 0xffffffff, prefix: 32 }],
    ["10.97.0.0/12", { address: 0x0a610000, prefix: 12 }],
  ])("reads %s as address and prefix", (text, expected) => {
    expect(parseCidr(text)).toEqual(expected);
  });

  test.each([
    ["10.240.0.0"],
    ["10.240.0.0/33"],
    ["10.256.0.0/16"],
    ["10.240.0/16"],
    ["010.240.0.0/16"],
    ["10.240.0.0/08"],
    ["fd00::/64"],
    [" 10.240.0.0/16"],
    [""],
  ])("rejects %j, which is not an IPv4 CIDR", (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });
});

describe("parseIpv4 and formatIpv4", () => {
  test.each([
    ["127.0.0.1", 0x7f000001],
    ["0.0.0.0", 0],
  ])("%s round-trips", (text, n) => {
    expect(parseIpv4(text)).toBe(n);
    expect(formatIpv4(n)).toBe(text);
  });

  test.each([["localhost"], ["1.2.3"], ["1.2.3.256"], ["01.2.3.4"]])("rejects %j", (text) => {
    expect(parseIpv4(text)).toBeUndefined();
  });
});

describe("canonicalCidr and isCanonical", () => {
  test.each([
    ["10.97.0.0/12", "10.96.0.0/12", false],
    ["10.96.0.0/12", "10.96.0.0/12", true],
    ["10.97.0.0/16", "10.97.0.0/16", true],
    ["10.240.1.0/16", "10.240.0.0/16", false],
    ["192.168.1.77/24", "192.168.1.0/24", false],
    ["10.0.0.1/32", "10.0.0.1/32", true],
    ["1.2.3.4/0", "0.0.0.0/0", false],
  ])("%s canonically is %s (canonical as written: %s)", (text, canonical, already) => {
    const c = parseCidr(text)!;
    expect(canonicalCidr(c)).toBe(canonical);
    expect(isCanonical(c)).toBe(already);
  });
});

describe("cidrsOverlap", () => {
  test.each([
    ["10.96.0.0/12", "10.97.0.0/16", true],
    ["10.96.0.0/16", "10.97.0.0/16", false],
    ["10.240.0.0/16", "10.241.0.0/16", false],
    ["10.240.0.0/15", "10.241.0.0/16", true],
    ["10.0.0.0/8", "10.255.255.255/32", true],
    ["10.0.0.0/8", "11.0.0.0/8", false],
    ["0.0.0.0/0", "192.168.0.0/16", true],
  ])("%s and %s overlap: %s", (a, b, expected) => {
    expect(cidrsOverlap(parseCidr(a)!, parseCidr(b)!)).toBe(expected);
    expect(cidrsOverlap(parseCidr(b)!, parseCidr(a)!)).toBe(expected);
  });

  test("the seed's two service subnets are the same range, which is why they are corrected", () => {
    const a = parseCidr("10.96.0.0/12")!;
    const b = parseCidr("10.97.0.0/12")!;
    expect(canonicalCidr(b)).toBe(canonicalCidr(a));
    expect(cidrsOverlap(a, b)).toBe(true);
  });
});
