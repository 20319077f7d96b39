/**
 * The few Markdown pieces the job summary is made of, with every outside string
 * (names from the lockfile and the index, file names, AWS messages) escaped where it
 * leaves: as numeric character references, so it can neither open an HTML tag, nor
 * end a table cell, nor start emphasis, a link or a code span.
 */
import { formatBytes } from "../units.ts";

const SPECIAL = /[&<>"'`|*_[\]\\~#!]/g;

/** Outside text as inline Markdown: shown as written, line breaks kept as <br>. */
export function esc(text: string): string {
  return text.replace(SPECIAL, (c) => `&#${c.charCodeAt(0)};`).replace(/\r\n?|\n/g, "<br>");
}

/** Outside text in a code face: an HTML element, since a Markdown code span cannot hold every backtick run. */
export function code(text: string): string {
  return `<code>${esc(text)}</code>`;
}

/** A table with a real header row; cells are Markdown already escaped by the caller. */
export function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Name/value pairs as a two-column table whose header says so (GitHub needs a header row). */
export function keyValues(rows: [string, string][]): string {
  return table(["Item", "Value"], rows);
}

export function signed(bytes: number): string {
  return `${bytes > 0 ? "+" : bytes < 0 ? "−" : "±"}${formatBytes(Math.abs(bytes))}`;
}

/** A ten-cell bar and the percentage: "▰▰▱▱▱▱▱▱▱▱ 23%". */
export function bar(value: number, limit: number): string {
  const fraction = Math.min(1, value / limit);
  const filled = Math.round(fraction * 10);
  return `${"▰".repeat(filled)}${"▱".repeat(10 - filled)} ${Math.floor((value / limit) * 100)}%`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
