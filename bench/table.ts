/** Plain-text tables for the terminal and for pasting into Markdown as a code block. */

export type Cell = string | number | undefined;

const show = (c: Cell) => (c === undefined ? "-" : String(c));

/** Columns padded to their widest cell; numbers right-aligned, text left-aligned. */
export function formatTable(headers: string[], rows: Cell[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(show))];
  const numeric = headers.map((_, j) => rows.every((r) => r[j] === undefined || typeof r[j] === "number"));
  const widths = headers.map((_, j) => Math.max(...cells.map((r) => (r[j] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j])))
      .join("  ")
      .trimEnd();
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join(
    "\n",
  );
}

/** `reads/writes` of a request count. */
export const rw = (c: { reads: number; writes: number }) => `${c.reads}/${c.writes}`;

/** Seconds as `m:ss`, e.g. 276 -> `4:36`. */
export function minutes(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}
