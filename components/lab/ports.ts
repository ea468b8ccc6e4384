/**
 * Port offsets for dev and ci stacks: a deterministic hash of the stack name picks a slot of
 * 100 ports from a family of slots that never share a port with each other (nor with the lab at
 * slot 0); a slot is taken only when none of the stack's ports collides with another known
 * stack's ports or is in use on this host, otherwise the next slot is tried. The same name
 * gets the same offset on every host where that slot is free, so it rarely changes.
 */

export const SLOT_SIZE = 100;
/** loadLabConfig's ceiling for portOffset. */
export const MAX_OFFSET = 50000;

/** FNV-1a, 32 bit: small, stable across Node versions, spreads short names well. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Linux hands out ports from 32768 up to outgoing connections; a lab port there can be taken any time. */
export const EPHEMERAL_START = 32768;

/**
 * The highest slot whose ports all stay below the ephemeral range (or, when the base ports
 * already reach into it, at or below 65535), and within MAX_OFFSET.
 */
export function maxSlot(basePorts: number[], slotSize = SLOT_SIZE): number {
  const highest = Math.max(0, ...basePorts);
  const ceiling = highest + slotSize < EPHEMERAL_START ? EPHEMERAL_START - 1 : 65535;
  return Math.floor(Math.min(MAX_OFFSET, ceiling - highest) / slotSize);
}

/**
 * Slot distances at which two stacks with these base ports would share a host port: e.g. the
 * lab's 8000 and 9000 differ by 1000, so slots 10 apart collide (web of one = agent of other).
 */
export function badSlotDistances(basePorts: number[], slotSize = SLOT_SIZE): Set<number> {
  const bad = new Set<number>();
  for (const a of basePorts) {
    for (const b of basePorts) {
      if (a > b && (a - b) % slotSize === 0) bad.add((a - b) / slotSize);
    }
  }
  return bad;
}

/**
 * The slots stacks may use: chosen greedily from 0 (the lab) upwards, each at no bad distance
 * from any slot chosen before, so ANY two stacks in the family are apart, even when one of them
 * is down or lives in another checkout. With the seed's ports: 0-9, 30-39, 60-69, ...
 */
export function slotFamily(slots: number, bad: Set<number>): number[] {
  const family: number[] = [];
  for (let s = 0; s <= slots; s++) if (family.every((f) => !bad.has(s - f))) family.push(s);
  return family;
}

/**
 * Slots to try, in order: the stack name's hash picks a start in the family, then onwards,
 * wrapping round. Slot 0 (offset 0) is the shared `lab` stack's and is never offered.
 */
export function slotOrder(stack: string, family: number[]): number[] {
  const usable = family.filter((s) => s > 0);
  if (usable.length === 0) return [];
  const first = fnv1a(stack) % usable.length;
  return usable.map((_, i) => usable[(first + i) % usable.length] as number);
}

export function portsAt(basePorts: number[], offset: number): number[] {
  return basePorts.map((p) => p + offset);
}

export interface OffsetChoice {
  offset: number;
  /** Slots passed over, with why, for the log. */
  skipped: { offset: number; reason: string }[];
}

/**
 * Picks the offset. `reserved` are host ports other stacks' configs claim (even while those
 * stacks are down); `inUse` answers whether any of the given ports is taken on this host now
 * (it returns the taken ones). Throws when every slot is taken.
 */
export async function choosePortOffset(opts: {
  stack: string;
  basePorts: number[];
  reserved: Set<number>;
  inUse: (ports: number[]) => Promise<number[]>;
  slotSize?: number;
}): Promise<OffsetChoice> {
  const slotSize = opts.slotSize ?? SLOT_SIZE;
  const skipped: OffsetChoice["skipped"] = [];
  const family = slotFamily(maxSlot(opts.basePorts, slotSize), badSlotDistances(opts.basePorts, slotSize));
  for (const slot of slotOrder(opts.stack, family)) {
    const offset = slot * slotSize;
    const ports = portsAt(opts.basePorts, offset);
    const clash = ports.filter((p) => opts.reserved.has(p));
    if (clash.length > 0) {
      skipped.push({ offset, reason: `ports ${clash.join(", ")} belong to another stack's config` });
      continue;
    }
    const taken = await opts.inUse(ports);
    if (taken.length > 0) {
      skipped.push({ offset, reason: `ports ${taken.join(", ")} are in use on this host` });
      continue;
    }
    return { offset, skipped };
  }
  throw new Error(
    `no free port offset for stack "${opts.stack}": every slot of ${slotSize} ports collides with another stack or a port in use`,
  );
}
