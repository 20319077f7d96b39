/**
 * Sizes in words, one definition each. Bytes are counted as Lambda's documentation counts
 * them: 1 MB = 1,048,576 bytes (its 262,144,000-byte limit is "250 MB").
 */

/** Compact, for tables and one-line summaries: "12 B", "3.4 KB", "1.2 MB". */
export function formatBytes(bytes: number): string {
  const abs = Math.abs(bytes);
  if (abs >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  if (abs >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

/** Always in MB, to compare with Lambda's limits: "250.0 MB". */
export function formatMB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}

/** Every byte, beside a rounded figure where the exact count decides: "262,144,000 bytes". */
export function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes`;
}

const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1024,
  kib: 1024,
  mb: 1048576,
  mib: 1048576,
  gb: 1073741824,
  gib: 1073741824,
};

/**
 * A size as a person writes it: whole bytes (`209715200`), or a number with a unit
 * (`200MB`, `1.5 GB`), counted as Lambda counts them (MB = MiB). Undefined when it is
 * neither, for the caller to say so.
 */
export function parseSize(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]+)?$/i.exec(text.trim());
  if (!m) return undefined;
  const unit = m[2] ? SIZE_UNITS[m[2].toLowerCase()] : 1;
  if (unit === undefined || (!m[2] && m[1]!.includes("."))) return undefined;
  const bytes = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
