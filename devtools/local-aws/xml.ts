// Just enough XML for S3: escaping for the answers, and tag extraction for the few request bodies.
import { ApiError } from "./types.ts";

export const S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/";

export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#\d+|quot|amp|lt|gt|apos);/g, (_, entity: string) => {
    if (entity.startsWith("#x")) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith("#")) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return { quot: '"', amp: "&", lt: "<", gt: ">", apos: "'" }[entity] ?? "";
  });
}

/** `<name>value</name>`; undefined values render nothing. */
export function el(name: string, value: string | number | boolean | undefined): string {
  return value === undefined ? "" : `<${name}>${escapeXml(String(value))}</${name}>`;
}

export function xmlDocument(root: string, inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root} xmlns="${S3_NAMESPACE}">${inner}</${root}>`;
}

/** Checks the body is one well-nested element named `root` and returns its inner text. */
export function xmlRoot(body: string, root: string): string {
  const trimmed = body.replace(/^\s*<\?xml[^>]*\?>/, "").trim();
  const match = new RegExp(`^<${root}(?:\\s[^>]*)?>([\\s\\S]*)</${root}>$`).exec(trimmed);
  if (!match) {
    throw new ApiError(
      400,
      "MalformedXML",
      "The XML you provided was not well-formed or did not validate against our published schema",
    );
  }
  return match[1] ?? "";
}

export function xmlText(inner: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(inner);
  return match ? unescapeXml(match[1] ?? "") : undefined;
}

export function xmlBlocks(inner: string, tag: string): string[] {
  return [...inner.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1] ?? "");
}
