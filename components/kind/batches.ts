/**
 * Which earlier clusters each cluster waits for. Creating many kind clusters at once can
 * flake (kind issue 1288; the maintainers call two at a time fine), so clusters go in
 * batches of `parallel`: every member of a batch waits for every member of the one before.
 */
export function kindBatches(count: number, parallel = 2): number[][] {
  if (!Number.isInteger(count) || count < 0)
    throw new Error(`kindBatches: count must be a whole number, got ${count}`);
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new Error(`kindBatches: parallel must be a whole number of at least 1, got ${parallel}`);
  }
  return Array.from({ length: count }, (_, i) => {
    const batch = Math.floor(i / parallel);
    if (batch === 0) return [];
    const start = (batch - 1) * parallel;
    return Array.from({ length: parallel }, (_, j) => start + j);
  });
}
