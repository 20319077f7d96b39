/** The job summary as GitHub shows it: Markdown rendered to HTML, read back as tables and text. */
import { marked } from "marked";

export interface HtmlTable {
  /** the header cells' text */
  head: string[];
  /** each body row's cells' text */
  rows: string[][];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" };

/** The text a reader sees in an HTML fragment: tags dropped, character references decoded. */
export function textOf(html: string): string {
  return html
    .replace(/<br\s*\/?>/g, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (whole, ref: string) => {
      if (ref.startsWith("#x")) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
      if (ref.startsWith("#") && !ENTITIES[ref]) return String.fromCodePoint(Number(ref.slice(1)));
      return ENTITIES[ref] ?? whole;
    });
}

export function render(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

/** Every table in rendered HTML, with its header row as marked emits it (<thead><tr><th>…). */
export function tablesOf(html: string): HtmlTable[] {
  const cells = (row: string, tag: "th" | "td") =>
    [...row.matchAll(new RegExp(`<${tag}[^>]*>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => textOf(m[1]!).trim());
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => {
    const table = m[1]!;
    const head = /<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? "";
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? "";
    return {
      head: cells(head, "th"),
      rows: [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => cells(r[1]!, "td")),
    };
  });
}

/** The table whose header row is exactly `head`. */
export function tableWithHead(html: string, head: string[]): HtmlTable {
  const found = tablesOf(html).filter((t) => t.head.join("|") === head.join("|"));
  if (found.length !== 1) {
    throw new Error(`expected one table headed ${head.join(" | ")}, found ${found.length} in:\n${html}`);
  }
  return found[0]!;
}

/** A two-column Item/Value table as a map from item to value text. */
export function valuesOf(table: HtmlTable): Map<string, string> {
  return new Map(table.rows.map((r) => [r[0]!, r[1]!]));
}
