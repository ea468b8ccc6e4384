/** Pure reading of an HTTP response head as `curl -sS -I` prints it. */
import type { HttpHead } from "./adapter";

/** Parses the last response head in `text` (curl prints one per hop); status 0 when there is none. */
export function parseHttpHead(text: string): HttpHead {
  const blocks = text
    .replace(/\r\n/g, "\n")
    .split(/\n\s*\n/)
    .filter((b) => /^HTTP\/\S+\s+\d{3}/.test(b.trim()));
  const block = blocks.at(-1);
  if (!block) return { status: 0, headers: {} };
  const [statusLine, ...lines] = block.trim().split("\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(":");
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(/^HTTP\/\S+\s+(\d{3})/.exec(statusLine)?.[1] ?? 0), headers };
}

/** `200, Server: nginx/1.30.4` */
export function describeHead(head: HttpHead): string {
  if (head.status === 0) return "no HTTP response";
  return `${head.status}${head.headers.server ? `, Server: ${head.headers.server}` : ""}`;
}
