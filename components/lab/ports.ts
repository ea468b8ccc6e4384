/**
 * Port offsets for dev and ci stacks: a deterministic hash of the stack name picks a slot of
 * 100 ports; a slot is taken only when none of the stack's ports collides with another known
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
 * Slots to try, in order: the hashed slot first, then upwards, wrapping round. Slot 0 (offset 0)
 * is the shared `lab` stack's and is never offered.
 */
export function slotOrder(stack: string, slots: number): number[] {
  if (slots < 1) return [];
  const first = 1 + (fnv1a(stack) % slots);
  return Array.from({ length: slots }, (_, i) => 1 + ((first - 1 + i) % slots));
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
  for (const slot of slotOrder(opts.stack, maxSlot(opts.basePorts, slotSize))) {
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
